import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PrismaService } from '../../src/common/database/prisma.service.js';
import { client, eventually, seedToken, startTestApp, type TestApp } from '../helpers/test-app.js';

let t: TestApp;
let api: ReturnType<typeof client>;
const base = '/v1/projects/runs/training-jobs';
const local = { BEAMLINE_CLUSTER_DRIVER: 'local', BEAMLINE_RETRY_BACKOFF_MS: '100', BEAMLINE_SCHEDULER_INTERVAL_MS: '200' };

beforeAll(async () => {
  t = await startTestApp({ env: local });
  api = client(t.url, await seedToken(t.app, 'MEMBER', ['runs']));
});
afterAll(() => t.close());

/** A job that runs `node -e <script>` on the local driver. */
function nodeJob(name: string, script: string, extra: Record<string, unknown> = {}) {
  return { name, image: 'unused-by-local-driver', command: [process.execPath, '-e', script], resources: { cpu: '100m', memory: '64Mi' }, ...extra };
}

async function until(id: string, statuses: string[], timeoutMs = 20_000) {
  return eventually(async () => {
    const res = await api.get(`${base}/${id}`);
    return statuses.includes(res.body.status) ? res.body : undefined;
  }, timeoutMs, `job ${id} to reach ${statuses.join('/')}`);
}

const transitions = async (id: string) => (await api.get(`${base}/${id}/events`)).body.items.map((e: { to: string }) => e.to);

describe('training jobs run for real on the local driver', () => {
  it('runs a job through Scheduled and Running to Succeeded, with its logs', async () => {
    const script = "for (let e = 1; e <= 3; e++) console.log(`epoch ${e} loss ${(1 / e).toFixed(3)} rank ${process.env.RANK}/${process.env.WORLD_SIZE}`)";
    const { body: job } = await api.post(base, nodeJob('three-epochs', script));
    const done = await until(job.id, ['Succeeded', 'Failed']);
    expect(done.status).toBe('Succeeded');
    expect(done.placement).toEqual([{ node: 'local', gpuIndexes: [] }]);
    expect(done.policy).toBe('fgd-plus');
    expect(await transitions(job.id)).toEqual(['Pending', 'Queued', 'Scheduled', 'Running', 'Succeeded']);

    const logs = await api.get(`${base}/${job.id}/logs`);
    expect(logs.status).toBe(200);
    expect(logs.headers.get('content-type')).toContain('text/plain');
    expect(logs.text.trim().split('\n')).toEqual(['epoch 1 loss 1.000 rank 0/1', 'epoch 2 loss 0.500 rank 0/1', 'epoch 3 loss 0.333 rank 0/1']);
  });

  it('gives each attempt a token of its own for the API, revoked when the attempt ends', async () => {
    // The worker calls the API with what the platform injected: its project works, another is 403.
    const script = `const h = { authorization: 'Bearer ' + process.env.BEAMLINE_TOKEN };
      const ok = await fetch(process.env.BEAMLINE_URL + '/v1/projects/runs/training-jobs/' + process.env.BEAMLINE_TRAINING_JOB, { headers: h });
      const other = await fetch(process.env.BEAMLINE_URL + '/v1/projects/elsewhere/models', { headers: h });
      console.log(ok.status, (await ok.json()).status, other.status);`;
    await seedToken(t.app, 'VIEWER', ['elsewhere']); // a project the job's token must not reach
    const { body: job } = await api.post(base, nodeJob('token', script, { env: { BEAMLINE_TOKEN: 'user-value-is-overridden' } }));
    const done = await until(job.id, ['Succeeded']);
    expect((await api.get(`${base}/${job.id}/logs`)).text.trim()).toBe('200 Running 403');
    const prisma = t.app.get(PrismaService);
    const token = await eventually(async () => {
      const row = await prisma.apiToken.findFirst({ where: { name: `job:${job.id}/a${done.attempt}` } });
      return row?.revokedAt ? row : undefined;
    }, 10_000, 'job token revoked');
    expect(token.role).toBe('MEMBER');
  });

  it('streams logs with follow=true until the worker ends', async () => {
    const script = "let i = 0; const t = setInterval(() => { console.log('step', i++); if (i === 4) clearInterval(t); }, 150)";
    const { body: job } = await api.post(base, nodeJob('follow', script));
    await until(job.id, ['Running', 'Succeeded']);
    const logs = await api.get(`${base}/${job.id}/logs?follow=true`);
    expect(logs.text.trim().split('\n')).toEqual(['step 0', 'step 1', 'step 2', 'step 3']);
  });

  it('runs a gang: every worker gets its rank, all succeed together', async () => {
    const { body: job } = await api.post(base, nodeJob('gang', 'console.log(process.env.RANK, process.env.WORLD_SIZE, process.env.MASTER_ADDR)', { workers: 3 }));
    await until(job.id, ['Succeeded']);
    for (const worker of [0, 1, 2]) {
      expect((await api.get(`${base}/${job.id}/logs?worker=${worker}`)).text.trim()).toBe(`${worker} 3 127.0.0.1`);
    }
    expect((await api.get(`${base}/${job.id}/logs?worker=3`)).status).toBe(400);
  });

  it('retries a failing job up to maxRetries, then fails it with the exit code', async () => {
    const { body: job } = await api.post(base, nodeJob('flaky', 'console.error("boom"); process.exit(3)', { maxRetries: 2 }));
    const done = await until(job.id, ['Failed'], 30_000);
    expect(done.attempt).toBe(2);
    const events = (await api.get(`${base}/${job.id}/events`)).body.items;
    expect(events.filter((e: { reason: string }) => e.reason.startsWith('Retry')).map((e: { reason: string }) => e.reason)).toEqual(['Retry 1 of 2', 'Retry 2 of 2']);
    expect(events.at(-1)).toMatchObject({ to: 'Failed', reason: 'RetriesExhausted' });
    expect(events.at(-1).message).toContain('exit code 3');
    // Every attempt kept its own logs.
    expect((await api.get(`${base}/${job.id}/logs?attempt=0`)).text).toContain('boom');
  });

  it('fails a gang as a whole when one worker fails', async () => {
    const script = 'if (process.env.RANK === "1") process.exit(9); setInterval(() => {}, 1000)';
    const { body: job } = await api.post(base, nodeJob('gang-fail', script, { workers: 2 }));
    const done = await until(job.id, ['Failed']);
    const last = (await api.get(`${base}/${job.id}/events`)).body.items.at(-1);
    expect(last.message).toContain('worker 1 failed with exit code 9');
    expect(done.status).toBe('Failed');
  });

  it('enforces timeoutSeconds', async () => {
    const { body: job } = await api.post(base, nodeJob('sleepy', 'setInterval(() => {}, 1000)', { timeoutSeconds: 1 }));
    await until(job.id, ['Failed']);
    const last = (await api.get(`${base}/${job.id}/events`)).body.items.at(-1);
    expect(last.message).toContain('timed out after 1 s');
  });

  it('cancel stops the running process', async () => {
    const script = "let i = 0; setInterval(() => console.log('tick', i++), 100)";
    const { body: job } = await api.post(base, nodeJob('to-cancel', script));
    await eventually(async () => (await api.get(`${base}/${job.id}/logs`)).text.includes('tick 1'), 20_000, 'the worker to print');
    expect((await api.post(`${base}/${job.id}/cancel`)).body.status).toBe('Cancelled');
    // The log stops growing once the reconciler has killed the process group.
    const settled = await eventually(async () => {
      const a = (await api.get(`${base}/${job.id}/logs`)).text;
      await new Promise((r) => setTimeout(r, 400));
      const b = (await api.get(`${base}/${job.id}/logs`)).text;
      return a === b ? { text: b } : undefined;
    }, 30_000, 'the log to stop growing');
    expect(settled.text).toContain('tick 1');
    expect((await api.get(`${base}/${job.id}`)).body.status).toBe('Cancelled');
  });

  it('leaves a job that needs a GPU this machine lacks Queued, saying why', async () => {
    const { body: job } = await api.post(base, nodeJob('needs-a100', 'console.log(1)', { resources: { cpu: '1', memory: '1Gi', gpu: { count: 1, product: 'NVIDIA-A100-SXM4-80GB' } } }));
    const queued = await eventually(async () => {
      const res = await api.get(`${base}/${job.id}`);
      return res.body.pendingReason ? res.body : undefined;
    });
    expect(queued.status).toBe('Queued');
    // Without GPUs the reason says so; on a machine with other GPUs it names the missing product.
    expect(queued.pendingReason).toMatch(/^no GPU in this cluster$|^no node has product NVIDIA-A100-SXM4-80GB \(cluster has: /);
    const metrics = (await client(t.url).get('/metrics')).text;
    expect(metrics).toMatch(/beamline_pending_jobs\{reason="[^"]+"\} 1/);
    expect(metrics).toMatch(/beamline_scheduling_latency_seconds_count \d+/);
  });
});

describe('the example training script', () => {
  it('trains the Iris classifier to Succeeded with its metrics in the logs', async () => {
    const { resolve } = await import('node:path');
    const job = await api.post(base, {
      name: 'iris',
      image: 'node:20',
      command: [process.execPath, resolve('examples/iris/train.mjs')],
      args: ['--epochs', '300'],
      resources: { cpu: '1', memory: '512Mi' },
    });
    const done = await until(job.body.id, ['Succeeded', 'Failed'], 60_000);
    const logs = (await api.get(`${base}/${job.body.id}/logs`)).text;
    expect(done.status, logs).toBe('Succeeded');
    const metrics = logs.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l));
    const epochs = metrics.filter((m) => m.epoch !== undefined);
    expect(epochs.length).toBeGreaterThan(5);
    expect(epochs.at(-1).loss).toBeLessThan(epochs[0].loss);
    expect(metrics.at(-1)).toMatchObject({ final: true, testSize: 30 });
    expect(metrics.at(-1).testAccuracy).toBeGreaterThanOrEqual(0.8);
    // The weights land in BEAMLINE_OUTPUT_DIR (the attempt's output/), not in the worker's cwd.
    expect(logs).toMatch(/saved \/\S+\/a\d+\/output\/iris-softmax\.json/);
  });
});

describe('a job with outputModel', () => {
  it('registers the model.onnx its worker leaves in BEAMLINE_OUTPUT_DIR, with lineage', async () => {
    const { addModel } = await import('../helpers/onnx.js');
    // The model travels in the env: the job user cannot read the test's private temp files.
    const script = `require('node:fs').writeFileSync(require('node:path').join(process.env.BEAMLINE_OUTPUT_DIR, 'model.onnx'), Buffer.from(process.env.MODEL_B64, 'base64'))`;
    const { body: job } = await api.post(base, nodeJob('exports-onnx', script, { outputModel: 'adder', env: { MODEL_B64: Buffer.from(addModel()).toString('base64') } }));
    await until(job.id, ['Succeeded']);
    const last = (await api.get(`${base}/${job.id}/events`)).body.items.at(-1);
    expect(last.message).toContain('registered adder version 1');
    const version = await api.get('/v1/projects/runs/models/adder/versions/latest');
    expect(version.status).toBe(200);
    expect(JSON.stringify(version.body)).toContain(job.id);
    const jobView = (await api.get(`${base}/${job.id}`)).body;
    expect(jobView.modelVersions).toEqual([expect.objectContaining({ model: 'adder', version: 1, status: 'Ready' })]);
  });
});
