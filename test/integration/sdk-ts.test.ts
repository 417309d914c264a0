import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  Beamline,
  Conflict,
  Forbidden,
  JobCancelledError,
  JobFailedError,
  NotFound,
  Unauthorized,
  Unavailable,
  ValidationError,
  WaitTimeout,
  type TrainingJob,
} from '../../sdk/ts/src/index.js';
import { linearModel } from '../helpers/onnx.js';
import { closeApp, seedToken, startTestApp, type TestApp } from '../helpers/test-app.js';

/** Every call of @beamline/sdk against the real platform (PostgreSQL, Redis, the local driver). */
let t: TestApp;
let sdk: Beamline;
let token: string;
const project = 'sdk';
const local = { BEAMLINE_CLUSTER_DRIVER: 'local', BEAMLINE_RETRY_BACKOFF_MS: '100', BEAMLINE_SCHEDULER_INTERVAL_MS: '200' };

beforeAll(async () => {
  t = await startTestApp({ env: local });
  token = await seedToken(t.app, 'MEMBER', [project]);
  sdk = new Beamline({ url: t.url, token, project });
});
afterAll(() => closeApp(t));

/** A job the local driver runs as `node -e <script>`. */
const nodeJob = (name: string, script: string) => ({
  name,
  image: 'unused-by-local-driver',
  command: [process.execPath, '-e', script],
  resources: { cpu: '100m', memory: '64Mi' },
});

describe('training', () => {
  it('submits, gets, waits with progress, reads events and logs', async () => {
    const job = await sdk.training.submit(nodeJob('epochs', "for (let e = 1; e <= 3; e++) console.log('epoch', e)"));
    expect(job).toMatchObject({ project, name: 'epochs', status: 'Pending' });
    expect((await sdk.training.get(job.id)).id).toBe(job.id);

    const seen: string[] = [];
    const done = await sdk.training.wait(job, { timeoutMs: 30_000, intervalMs: 100, onProgress: (j) => seen.push(j.status) });
    expect(done.status).toBe('Succeeded');
    expect(seen.at(-1)).toBe('Succeeded');

    expect((await sdk.training.events(job)).map((e) => e.to)).toEqual(['Pending', 'Queued', 'Scheduled', 'Running', 'Succeeded']);
    const lines: string[] = [];
    for await (const line of sdk.training.logs(job)) lines.push(line);
    expect(lines).toEqual(['epoch 1', 'epoch 2', 'epoch 3']);
  });

  it('follows the logs of a job that has not started yet as an async iterator', async () => {
    const job = await sdk.training.submit(
      nodeJob('follow', "let i = 0; const t = setInterval(() => { console.log('step', i++); if (i === 4) clearInterval(t); }, 150)"),
    );
    const lines: string[] = [];
    for await (const line of sdk.training.logs(job, { follow: true, intervalMs: 100 })) lines.push(line);
    expect(lines).toEqual(['step 0', 'step 1', 'step 2', 'step 3']);
  });

  it('cancels, and wait gives up with WaitTimeout', async () => {
    const job = await sdk.training.submit(nodeJob('sleeper', 'setTimeout(() => {}, 60_000)'));
    const timeout = await sdk.training.wait(job, { timeoutMs: 300, intervalMs: 100 }).catch((e: unknown) => e);
    expect(timeout).toBeInstanceOf(WaitTimeout);
    expect((timeout as WaitTimeout).last).toMatchObject({ id: job.id });
    await sdk.training.cancel(job);
    const cancelled = await sdk.training.wait(job, { timeoutMs: 20_000, intervalMs: 100 }).catch((e: unknown) => e);
    expect(cancelled).toBeInstanceOf(JobCancelledError);
    expect((cancelled as JobCancelledError).job.status).toBe('Cancelled');
    expect((await sdk.training.wait(job, { throwOnFailure: false })).status).toBe('Cancelled');
  });

  // Issue 16: wait resolved for a failed job, and a notebook went on to deploy an older model.
  it('rejects with JobFailedError carrying the reason, the last event and the log tail', async () => {
    const job = await sdk.training.submit({ ...nodeJob('fails', "for (let i = 0; i < 25; i++) console.log('line', i); console.error('boom'); process.exit(3)"), maxRetries: 0 });
    const failed = await sdk.training.wait(job, { timeoutMs: 30_000, intervalMs: 100 }).catch((e: unknown) => e);
    expect(failed).toBeInstanceOf(JobFailedError);
    expect(failed).not.toBeInstanceOf(JobCancelledError);
    const error = failed as JobFailedError;
    expect(error.job).toMatchObject({ id: job.id, status: 'Failed' });
    expect(error.reason).toBe('Failed');
    expect(error.detail).toContain('exit code 3');
    expect(error.logTail).toHaveLength(20);
    expect(error.logTail.at(-1)).toBe('boom');
    expect(error.message).toContain('ended Failed: Failed');
    expect((await sdk.training.wait(job, { throwOnFailure: false })).status).toBe('Failed');
  });

  it('lists newest first across pages', async () => {
    const names = await Promise.all(['page-a', 'page-b', 'page-c'].map((n) => sdk.training.submit({ ...nodeJob(n, ''), queue: 'paging' })));
    const list = sdk.training.list({ queue: 'paging', limit: 2 });
    const pages: TrainingJob[][] = [];
    for await (const page of list.pages()) pages.push(page.items);
    expect(pages.map((p) => p.length)).toEqual([2, 1]);
    const all = (await list.toArray()).map((j) => j.id);
    expect(new Set(all)).toEqual(new Set(names.map((j) => j.id)));
    expect(await sdk.training.list({ queue: 'paging', status: ['Running', 'Succeeded', 'Pending', 'Queued', 'Scheduled'], limit: 1 }).first(1)).toHaveLength(1);
  });
});

describe('models', () => {
  const onnx = linearModel([[1], [2]], [0.5]);

  it('registers (creating the model), lists, reads, aliases and downloads', async () => {
    const v1 = await sdk.models.register('linear', onnx, { metrics: { loss: 0.1 }, tags: ['first'] });
    expect(v1).toMatchObject({ model: 'linear', version: 1, status: 'Ready', metrics: { loss: 0.1 } });
    const v2 = await sdk.models.register('linear', new Blob([onnx]));
    expect(v2.version).toBe(2);

    expect((await sdk.models.list({ namePrefix: 'lin' }).toArray()).map((m) => m.name)).toEqual(['linear']);
    expect((await sdk.models.get('linear')).latestVersion).toBe(2);
    expect((await sdk.models.versions('linear', { limit: 1 }).toArray()).map((v) => v.version)).toEqual([2, 1]);
    expect((await sdk.models.version('linear', 1)).tags).toEqual(['first']);

    expect(await sdk.models.setAlias('linear', 'production', 1)).toMatchObject({ alias: 'production', version: 1 });
    expect((await sdk.models.getAlias('linear', '@production')).version).toBe(1);
    expect((await sdk.models.version('linear', '@production')).version).toBe(1);
    expect((await sdk.models.aliases('linear')).map((a) => a.alias)).toEqual(['production']);
    expect(Buffer.from(await sdk.models.download('linear', '@production')).equals(onnx)).toBe(true);

    await sdk.models.deleteAlias('linear', 'production');
    await expect(sdk.models.getAlias('linear', 'production')).rejects.toBeInstanceOf(NotFound);
  });

  it('refuses a file that is not ONNX, and an unknown model without createModel', async () => {
    const bad = await sdk.models.register('linear', new TextEncoder().encode('not onnx')).catch((e: unknown) => e);
    expect(bad).toBeInstanceOf(ValidationError);
    expect((bad as ValidationError).status).toBe(422);
    await expect(sdk.models.register('nope', onnx, {}, { createModel: false })).rejects.toBeInstanceOf(NotFound);
  });
});

describe('errors', () => {
  it('maps problem+json to typed errors with status, code and field errors', async () => {
    const missing = await sdk.training.get('00000000-0000-4000-8000-000000000000').catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(NotFound);
    expect(missing).toMatchObject({ status: 404, code: 'not_found' });

    const invalid = await sdk.training.submit({ ...nodeJob('Bad Name', ''), workers: 0 }).catch((e: unknown) => e);
    expect(invalid).toBeInstanceOf(ValidationError);
    expect((invalid as ValidationError).errors.map((e) => e.field).sort()).toEqual(['name', 'workers']);
    expect((invalid as Error).message).toContain('name:');

    await sdk.models.create({ name: 'twice' });
    await expect(sdk.models.create({ name: 'twice' })).rejects.toBeInstanceOf(Conflict);
    await expect(new Beamline({ url: t.url, project }).models.get('twice')).rejects.toBeInstanceOf(Unauthorized);
    const viewer = new Beamline({ url: t.url, project, token: await seedToken(t.app, 'VIEWER', [project]) });
    await expect(viewer.models.create({ name: 'viewer' })).rejects.toBeInstanceOf(Forbidden);
  });

  it('reports an unreachable server as Unavailable with status 0 after retrying', async () => {
    const { url, close } = await proxy(() => 'refuse');
    await close();
    const error = await new Beamline({ url, token, project, retryBaseMs: 1 }).models.get('x').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Unavailable);
    expect((error as Unavailable).status).toBe(0);
  });
});

describe('retries', () => {
  it('retries a submit whose response was dropped and gets the same job back', async () => {
    let posts = 0;
    const { url, close } = await proxy((req) => (req.method === 'POST' && ++posts === 1 ? 'drop-response' : 'pass'));
    try {
      const through = new Beamline({ url, token, project, retryBaseMs: 10 });
      const job = await through.training.submit({ ...nodeJob('dropped', ''), queue: 'dropped' });
      expect(posts).toBe(2);
      const jobs = await sdk.training.list({ queue: 'dropped' }).toArray();
      expect(jobs.map((j) => j.id)).toEqual([job.id]);
    } finally {
      await close();
    }
  });

  it('retries GETs on 503 but never a POST without an Idempotency-Key', async () => {
    let calls = 0;
    const { url, close } = await proxy(() => (++calls === 1 ? 'unavailable' : 'pass'));
    try {
      const through = new Beamline({ url, token, project, retryBaseMs: 10 });
      expect((await through.models.get('linear')).name).toBe('linear');
      expect(calls).toBe(2);
      calls = 0;
      await expect(through.models.create({ name: 'once' })).rejects.toBeInstanceOf(Unavailable);
      expect(calls).toBe(1);
    } finally {
      await close();
    }
  });
});

type Verdict = 'pass' | 'drop-response' | 'unavailable' | 'refuse';

/** A tiny HTTP proxy in front of the app that can lose a response after the app handled the request. */
async function proxy(decide: (req: { method?: string; url?: string }) => Verdict): Promise<{ url: string; close: () => Promise<void> }> {
  const target = new URL(t.url);
  const server: Server = createServer((req, res) => {
    const verdict = decide(req);
    if (verdict === 'unavailable') {
      res.writeHead(503, { 'content-type': 'application/problem+json' }).end(JSON.stringify({ status: 503, detail: 'restarting' }));
      return;
    }
    const upstream = request({ host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers }, (up) => {
      if (verdict === 'drop-response') {
        up.resume();
        up.on('end', () => req.socket.destroy());
        return;
      }
      res.writeHead(up.statusCode ?? 502, up.headers);
      up.pipe(res);
    });
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}

describe('endpoints (local serving driver: real runtime processes)', () => {
  it('deploys a registered ONNX model, infers, updates, rolls back and deletes', async () => {
    await sdk.models.register('doubler', linearModel([[2]], [0]));
    await sdk.models.register('doubler', linearModel([[3]], [0]));
    const created = await sdk.endpoints.deploy({ name: 'double', model: 'doubler', version: 1, replicas: 1, progressDeadlineSeconds: 60 });
    expect(created).toMatchObject({ name: 'double', modelVersion: 1, desiredRevision: 1 });
    const progress: string[] = [];
    const ready = await sdk.endpoints.waitRolledOut('double', { timeoutMs: 60_000, intervalMs: 200, onProgress: (e) => progress.push(e.phase) });
    expect(ready.phase).toBe('Complete');
    expect(progress.at(-1)).toBe('Complete');

    const res = await sdk.endpoints.infer('double', { x: { data: new Float32Array([1, 2, 3]), shape: [3, 1] } });
    expect(res.outputs[0]).toMatchObject({ name: 'y', shape: [3, 1], data: [2, 4, 6] });
    expect((await sdk.endpoints.infer('double', { x: [[5]] })).outputs[0].data).toEqual([10]);

    await sdk.endpoints.update('double', { version: 2 });
    await sdk.endpoints.waitRolledOut('double', { timeoutMs: 60_000, intervalMs: 200 });
    expect((await sdk.endpoints.infer('double', { x: [[1]] })).outputs[0].data).toEqual([3]);

    const rolledBack = await sdk.endpoints.rollback('double');
    expect(rolledBack.desiredRevision).toBe(3);
    await sdk.endpoints.waitRolledOut('double', { timeoutMs: 60_000, intervalMs: 200 });
    expect((await sdk.endpoints.infer('double', { x: [[1]] })).outputs[0].data).toEqual([2]);

    expect((await sdk.endpoints.scale('double', 2)).replicas).toBe(2);
    expect((await sdk.endpoints.revisions('double')).map((r) => r.cause)).toEqual(['Scaled', 'Rollback', 'Updated', 'Created']);
    expect((await sdk.endpoints.events('double')).map((e) => e.reason)).toContain('RolloutComplete');
    expect((await sdk.endpoints.list().toArray()).map((e) => e.name)).toEqual(['double']);

    await expect(sdk.endpoints.infer('double', { nope: [[1]] })).rejects.toBeInstanceOf(ValidationError);
    expect((await sdk.endpoints.delete('double')).phase).toBe('Deleting');
    await expect(waitGone('double')).resolves.toBe(true);
  });
});

async function waitGone(name: string): Promise<boolean> {
  for (let i = 0; i < 150; i++) {
    if (await sdk.endpoints.get(name).then(() => false, (e: unknown) => e instanceof NotFound)) return true;
    await new Promise((r) => setTimeout(r, 200));
  }
  return false;
}
