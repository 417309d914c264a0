import { readdir, readFile, writeFile, mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { request } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SERVING_DRIVER, type ServingDriver } from '../../src/cluster/serving-driver.js';
import { isAlive } from '../../src/common/process-alive.js';
import { ReplicaTokens } from '../../src/serving/endpoints/replica-tokens.js';
import { linearModel } from '../helpers/onnx.js';
import { registry, sha256 } from '../helpers/onnx-registry.js';
import { client, closeApp, eventually, seedToken, sleep, startTestApp, type TestApp } from '../helpers/test-app.js';

// The whole endpoint path on the embedded defaults: the API, the endpoint controller,
// the local serving driver with real `beamline runtime` processes, and the API's infer
// proxy. Version n of model `gain` computes y = n·x, so every answer names its version.
const models = '/v1/projects/beam/models';
const base = '/v1/projects/beam/endpoints';
let t: TestApp;
let home: string;
let artifacts: string;
let token: string;

const send = (method: string, path: string, body?: unknown) => client(t.url, token).send(method, path, body);

/** One V2 infer through the API; the answer is the model version (y / x). */
async function infer(name = 'gain'): Promise<number> {
  const res = await send('POST', `${base}/${name}/infer`, { inputs: [{ name: 'x', shape: [1, 1], datatype: 'FP32', data: [1] }] });
  if (res.status !== 200) throw new Error(`infer answered ${res.status}: ${JSON.stringify(res.body)}`);
  return res.body.outputs[0].data[0] as number;
}

const endpoint = async (name = 'gain') => (await send('GET', `${base}/${name}`)).body;
const until = (what: string, ok: (e: Awaited<ReturnType<typeof endpoint>>) => boolean, timeoutMs = 60_000) =>
  eventually(async () => {
    const e = await endpoint();
    return ok(e) ? e : undefined;
  }, timeoutMs, what);

/** Steady concurrent load through the proxy; collects every answer and every failure. */
function load(concurrency: number) {
  const answers: number[] = [];
  const failures: string[] = [];
  let stop = false;
  const workers = Array.from({ length: concurrency }, async () => {
    while (!stop) await infer().then((v) => void answers.push(v), (e: Error) => void failures.push(e.message));
  });
  return { answers, failures, stop: async () => ((stop = true), await Promise.all(workers)) };
}

/** A request whose path goes out exactly as written (fetch and URL would resolve `..` first). */
function rawCall(baseUrl: string, method: string, path: string, headers: Record<string, string> = {}): Promise<{ status: number; type: string; text: string }> {
  const { hostname, port } = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const req = request({ hostname, port, method, path, headers }, (res) => {
      let text = '';
      res.on('data', (c: Buffer) => (text += c.toString('utf8')));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, type: String(res.headers['content-type'] ?? ''), text }));
    });
    req.on('error', reject);
    req.end(method === 'POST' ? '{}' : undefined);
  });
}

async function replicaPids(endpointId: string): Promise<number[]> {
  const dir = join(home, 'endpoints', endpointId);
  const pids: number[] = [];
  for (const file of await readdir(dir)) {
    if (!/^replica-.+\.json$/.test(file)) continue;
    const record = JSON.parse(await readFile(join(dir, file), 'utf8')) as { pid?: number; stopping?: boolean };
    if (record.pid && !record.stopping) pids.push(record.pid);
  }
  return pids;
}

beforeAll(async () => {
  home = await mkdtemp(join(tmpdir(), 'beamline-ep-home-'));
  artifacts = join(home, 'artifacts');
  t = await startTestApp({ home, env: { BEAMLINE_CLUSTER_DRIVER: 'local', BEAMLINE_ARTIFACT_DIR: artifacts, BEAMLINE_SCHEDULER_INTERVAL_MS: '200' } });
  token = await seedToken(t.app, 'MEMBER', ['beam']);
  expect((await send('POST', models, { name: 'gain' })).status).toBe(201);
  const reg = registry(t.url, token);
  for (const n of [1, 2, 3]) expect((await reg.multipart(`${models}/gain/versions`, linearModel([[n]], [0]))).status).toBe(201);
  // Version 3's stored bytes go bad after registration: its replicas cannot load the model.
  const digest = sha256(linearModel([[3]], [0]));
  await writeFile(join(artifacts, 'sha256', digest.slice(0, 2), digest.slice(2, 4), digest), 'not an onnx model');
}, 60_000);

afterAll(async () => {
  await closeApp(t);
  await rm(home, { recursive: true, force: true });
});

describe('endpoints on the local driver', () => {
  it('rolls out version 1 on two replicas and answers through the API', async () => {
    const created = await send('POST', base, { name: 'gain', model: 'gain', version: 1, replicas: 2, progressDeadlineSeconds: 60 });
    expect(created.status).toBe(201);
    const e = await until('Complete', (x) => x.phase === 'Complete');
    expect(e).toMatchObject({ goodRevision: 1, ready: true, observed: { revision: 1, readyReplicas: 2, availableReplicas: 2, rollout: 'Complete' } });
    expect(await infer()).toBe(1);
    const viewer = await seedToken(t.app, 'VIEWER', ['beam']);
    const asViewer = await client(t.url, viewer).post(`${base}/gain/infer`, { inputs: [{ name: 'x', shape: [1, 1], datatype: 'FP32', data: [3] }] });
    expect(asViewer.status).toBe(200); // inference changes nothing: read-only tokens may call it
    expect(asViewer.body.outputs[0].data).toEqual([3]);
    expect((await client(t.url, viewer).patch(`${base}/gain`, { replicas: 1 })).status).toBe(403);
    const ready = await fetch(`${t.url}${base}/gain/v2/health/ready`, { headers: { authorization: `Bearer ${token}` } });
    expect(ready.status).toBe(200);
  }, 90_000);

  it('proxies only the V2 routes: no path reaches /metrics or anything else of a replica', async () => {
    const auth = { authorization: `Bearer ${token}` };
    const escapes = [
      '/v2/../metrics',
      '/v2/health/../../metrics',
      '/v2/models/gain/../../../metrics',
      '/v2/%2e%2e/metrics',
      '/v2/%2E%2E/%2E%2E/metrics',
      '/v2/models/..%2f..%2fmetrics',
      '/v2/models/gain%2f..%2f..%2f..%2fmetrics',
      '/v2\\..\\metrics',
      '/v2/models/gain\\..\\..\\..\\metrics',
      '/v2//metrics',
      '/v2/metrics',
      '/v2/repository/index',
    ];
    for (const method of ['GET', 'POST']) {
      for (const path of escapes) {
        const res = await rawCall(t.url, method, `${base}/gain${path}`, { ...auth, 'content-type': 'application/json' });
        expect(res.status, `${method} ${path}: ${res.text.slice(0, 200)}`).toBe(404);
        expect(res.type).toContain('application/problem+json');
        expect(res.text).not.toContain('# HELP');
      }
    }
    // What it exposes still answers.
    for (const path of ['/v2/health/live', '/v2/models/gain', '/v2/models/gain/versions/1/ready']) {
      expect((await rawCall(t.url, 'GET', `${base}/gain${path}`, auth)).status, path).toBe(200);
    }
    const v1 = await send('POST', `${base}/gain/v2/models/gain/versions/1/infer`, { inputs: [{ name: 'x', shape: [1, 1], datatype: 'FP32', data: [5] }] });
    expect(v1.body.outputs[0].data).toEqual([5]);
  }, 30_000);

  it('replicas need their replica token, which only the platform holds', async () => {
    const { id } = await endpoint();
    const upstreams = t.app.get<ServingDriver>(SERVING_DRIVER).observe().find((o) => o.endpointId === id)!.upstreams;
    expect(upstreams).toHaveLength(2);
    const replicaToken = await t.app.get(ReplicaTokens).forEndpoint(id);
    const body = JSON.stringify({ inputs: [{ name: 'x', shape: [1, 1], datatype: 'FP32', data: [1] }] });
    const post = (url: string, headers: Record<string, string>) => fetch(`${url}/v2/models/gain/infer`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
    for (const url of upstreams) {
      expect((await post(url, {})).status).toBe(401);
      expect((await post(url, { authorization: `Bearer ${token}` })).status).toBe(401); // a user's token is not the replica's
      expect((await post(url, { authorization: `Bearer ${replicaToken}` })).status).toBe(200);
      expect((await fetch(`${url}/v2/health/ready`)).status).toBe(200); // probes stay open
    }
    const secret = await stat(join(home, 'replica-secret'));
    expect(secret.mode & 0o077).toBe(0);
  });

  it('lists replica targets for Prometheus to platform admins only', async () => {
    const path = '/v1/prometheus/targets';
    expect((await client(t.url).get(path)).status).toBe(401);
    expect((await client(t.url, token).get(path)).status).toBe(403);
    const admin = await seedToken(t.app, 'ADMIN', []);
    const res = await client(t.url, admin).get(path);
    expect(res.status).toBe(200);
    expect(res.body).toEqual([{ targets: expect.arrayContaining([expect.stringMatching(/^127\.0\.0\.1:\d+$/)]), labels: { project: 'beam', endpoint: 'gain', revision: '1' } }]);
  });

  it('updates to version 2 under steady load with no failed request', async () => {
    const traffic = load(6);
    await sleep(500);
    expect((await send('PATCH', `${base}/gain`, { version: 2 })).status).toBe(200);
    // What the API says is ready while the rollout runs: never 0, since requests keep succeeding.
    const readyDuringRollout: number[] = [];
    await until('revision 2 Complete', (x) => {
      if (x.observed.revision === 2 && x.observed.rollout === 'Progressing') readyDuringRollout.push(x.observed.readyReplicas);
      return x.phase === 'Complete' && x.goodRevision === 2;
    });
    await sleep(500);
    await traffic.stop();
    expect(traffic.failures).toEqual([]);
    expect(readyDuringRollout.length).toBeGreaterThan(0);
    expect(Math.min(...readyDuringRollout)).toBeGreaterThanOrEqual(2);
    expect(new Set(traffic.answers)).toEqual(new Set([1, 2]));
    expect(traffic.answers.length).toBeGreaterThan(30);
    expect(traffic.answers.slice(-6)).toEqual([2, 2, 2, 2, 2, 2]);
    const revisions = (await send('GET', `${base}/gain/revisions`)).body.items;
    expect(revisions.map((r: { revision: number; status: string }) => [r.revision, r.status])).toEqual([
      [2, 'Complete'],
      [1, 'Complete'],
    ]);
  }, 120_000);

  it('restarts a replica killed with SIGKILL and counts the restart', async () => {
    const { id } = await endpoint();
    const [pid] = await replicaPids(id);
    process.kill(-pid, 'SIGKILL');
    const e = await until('restarted', (x) => x.observed.restarts >= 1 && x.observed.readyReplicas === 2);
    expect(e.phase).toBe('Complete');
    expect(await infer()).toBe(2);
    const events = (await send('GET', `${base}/gain/events`)).body.items;
    expect(events.some((x: { reason: string }) => x.reason === 'ReplicaRestarted')).toBe(true);
    expect(isAlive(pid)).toBe(false);
  }, 90_000);

  it('survives a platform restart: the replicas are adopted, not restarted', async () => {
    const { id } = await endpoint();
    const before = (await replicaPids(id)).sort();
    await t.close();
    t = await startTestApp({ home, databaseUrl: t.databaseUrl, env: { BEAMLINE_CLUSTER_DRIVER: 'local', BEAMLINE_ARTIFACT_DIR: artifacts, BEAMLINE_SCHEDULER_INTERVAL_MS: '200' } });
    expect(await infer()).toBe(2);
    const e = await until('Complete after restart', (x) => x.phase === 'Complete' && x.observed.readyReplicas === 2);
    expect(e.desiredRevision).toBe(2);
    expect((await replicaPids(id)).sort()).toEqual(before);
    expect((await send('GET', `${base}/gain/revisions`)).body.items).toHaveLength(2);
  }, 60_000);

  it('rolls back by itself from a version whose model fails to load, with no downtime', async () => {
    const traffic = load(4);
    expect((await send('PATCH', `${base}/gain`, { version: 3 })).status).toBe(200);
    const e = await until('RolledBack', (x) => x.phase === 'RolledBack' && x.observed.rollout === 'Complete' && x.desiredRevision === 4, 90_000);
    await traffic.stop();
    expect(e.reason).toBe('CrashLoop');
    expect(e.message).toMatch(/revision 3 \(version 3\) failed .*rolled back to revision 2 \(version 2\)/);
    expect(e.modelVersion).toBe(2);
    expect(traffic.failures).toEqual([]);
    expect(new Set(traffic.answers)).toEqual(new Set([2]));
    const revisions = (await send('GET', `${base}/gain/revisions`)).body.items;
    expect(revisions[0]).toMatchObject({ revision: 4, cause: 'AutomaticRollback', sourceRevision: 2, status: 'Complete' });
    expect(revisions[1]).toMatchObject({ revision: 3, status: 'Failed' });
    const reasons = (await send('GET', `${base}/gain/events`)).body.items.map((x: { reason: string }) => x.reason);
    expect(reasons).toEqual(expect.arrayContaining(['RolloutFailed', 'RolledBack']));
    // No request asked for this rollback: the audit log names the system as its actor.
    const audit = await client(t.url, await seedToken(t.app, 'ADMIN', [])).get('/v1/audit?action=endpoint.rollback&project=beam');
    expect(audit.body.items).toEqual(
      expect.arrayContaining([expect.objectContaining({ outcome: 'success', resourceId: 'gain', details: expect.objectContaining({ automatic: true, toRevision: 2 }) })]),
    );
  }, 120_000);

  it('deletes right after a scale: the deletion is final, replicas stop, the endpoint is gone', async () => {
    const { id } = await endpoint();
    const pids = await replicaPids(id);
    // A controller pass still handling the scale must not write its phase over the deletion.
    expect((await send('POST', `${base}/gain/scale`, { replicas: 3 })).status).toBe(200);
    const deleting = await send('DELETE', `${base}/gain`);
    expect(deleting.status).toBe(202);
    // Its route is gone at once, so it no longer says it is ready.
    expect(deleting.body).toMatchObject({ phase: 'Deleting', ready: false });
    expect((await send('POST', `${base}/gain/scale`, { replicas: 1 })).status).toBe(409);
    await eventually(async () => ((await send('GET', `${base}/gain`)).status === 404 ? true : undefined), 30_000, 'endpoint removed');
    await eventually(async () => (pids.every((p) => !isAlive(p)) ? true : undefined), 30_000, 'replicas stopped');
    expect(await readdir(join(home, 'endpoints', id)).catch(() => 'gone')).toBe('gone');
    expect((await send('POST', `${base}/gain/infer`, { inputs: [] })).status).toBe(404);
  }, 60_000);
});
