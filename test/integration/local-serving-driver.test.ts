import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, stat } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { isAlive } from '../../src/common/process-alive.js';
import type { EndpointDeployment, EndpointObservation, EndpointTemplate, RolloutEvent } from '../../src/cluster/serving-driver.js';
import { LocalServingDriver } from '../../src/cluster/local/serving/local-serving-driver.js';
import { linearModel } from '../helpers/onnx.js';
import { v2Call, writeModel } from '../helpers/runtime.js';

/**
 * The local serving driver with real `beamline runtime` processes and real ONNX models:
 * A answers y = x, B answers y = x + 1000, so every response says which one served it.
 * The steps share one endpoint and run in order, like its life.
 */
const ref = { endpointId: 'ep-local-1', project: 'p', name: 'surrogate' };
const options = { restartBackoffMs: 200, readyPollMs: 100 };
const REPLICA_TOKEN = 'replica-token-of-ep-local-1';
const AUTH = { authorization: `Bearer ${REPLICA_TOKEN}` };
let home: string;
let driver: LocalServingDriver;
let hangServer: Server | undefined;
const events: RolloutEvent[] = [];
const observations: EndpointObservation[] = [];
const paths: Record<'A' | 'B' | 'garbage', string> = { A: '', B: '', garbage: '' };

function template(path: string | undefined, version: number, url = 'http://127.0.0.1:9/v1/projects/p/models/surrogate/versions/1'): EndpointTemplate {
  return {
    model: { name: 'surrogate', version, sha256: 'not-checked-locally', url, path },
    resources: { cpuMilli: 100, memoryMiB: 128, gpuCount: 0 },
    runtime: { batching: true, maxBatchSize: 16, maxQueueDelayMicros: 0, env: { OMP_NUM_THREADS: '1' } },
  };
}

function deployment(revision: number, t: EndpointTemplate, extra: Partial<EndpointDeployment> = {}): EndpointDeployment {
  return { ...ref, revision, template: t, replicas: 2, maxSurge: 1, progressDeadlineSeconds: 60, drainSeconds: 0.5, replicaToken: REPLICA_TOKEN, ...extra };
}

async function startDriver(): Promise<LocalServingDriver> {
  const d = new LocalServingDriver(home, options);
  d.onEvent((_, event) => events.push(event));
  d.onChange(() => observations.push(observe()));
  await d.start();
  return d;
}

const observe = () => driver.observe().find((o) => o.endpointId === ref.endpointId)!;

async function until(what: string, check: () => boolean, timeoutMs = 45_000): Promise<EndpointObservation> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (observe() && check()) return observe();
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}; last observation ${JSON.stringify(observe())}`);
}

/** Live replica pids by id, from the driver's own files. */
async function replicaPids(): Promise<Record<string, number>> {
  const dir = join(home, 'endpoints', ref.endpointId);
  const pids: Record<string, number> = {};
  for (const file of await readdir(dir).catch(() => [] as string[])) {
    if (!/^replica-.+\.json$/.test(file)) continue;
    const record = JSON.parse(await readFile(join(dir, file), 'utf8')) as { id: string; pid?: number; stopping?: boolean };
    if (record.pid && !record.stopping) pids[record.id] = record.pid;
  }
  return pids;
}

let turn = 0;
const RETRY = /ECONNREFUSED|ECONNRESET|EPIPE|socket hang up/;

/** One inference through the upstreams, retried on another one when a connection fails (as the API's proxy does). */
async function infer(x: number): Promise<'A' | 'B'> {
  let lastError: Error | undefined;
  for (let attempt = 0; attempt < 6; attempt++) {
    const upstreams = observe().upstreams;
    if (upstreams.length === 0) throw new Error('no upstream');
    const url = upstreams[turn++ % upstreams.length];
    const body = JSON.stringify({ inputs: [{ name: 'x', datatype: 'FP32', shape: [1, 1], data: [x] }] });
    const res = await v2Call(url, 'POST', '/v2/models/surrogate/infer', body, AUTH).catch((e: Error) => e);
    if (res instanceof Error) {
      if (!RETRY.test(`${res.message} ${(res as NodeJS.ErrnoException).code}`)) throw res;
      lastError = res;
      continue;
    }
    if (res.status !== 200) throw new Error(`${url} answered ${res.status}: ${res.bytes.toString()}`);
    const y = (res.body as { outputs: Array<{ data: number[] }> }).outputs[0].data[0];
    return y - x === 1000 ? 'B' : 'A';
  }
  throw lastError!;
}

/** Clients in a loop until stopped: what answered, and every failure. */
function load(clients = 3) {
  let stop = false;
  const seen = new Set<string>();
  const failures: string[] = [];
  let count = 0;
  const running = Array.from({ length: clients }, async (_, c) => {
    while (!stop) {
      await infer(c + count++).then((which) => seen.add(which), (e: Error) => failures.push(e.message));
    }
  });
  return {
    finish: async () => {
      stop = true;
      await Promise.all(running);
      return { seen, failures, count };
    },
  };
}

afterAll(async () => {
  const pids = await replicaPids().catch(() => ({}));
  await driver?.stopAll().catch(() => undefined);
  for (const pid of Object.values(pids)) if (isAlive(pid)) process.kill(-pid, 'SIGKILL');
  hangServer?.closeAllConnections();
  hangServer?.close();
});

// Real processes on two shared CPUs: generous limits, the checks themselves are exact.
describe('LocalServingDriver (real runtime processes)', { timeout: 120_000 }, () => {
  it('creates an endpoint whose replicas all answer', async () => {
    home = await mkdtemp(join(tmpdir(), 'local-serving-'));
    paths.A = await writeModel(linearModel([[1]], [0]), 'a');
    paths.B = await writeModel(linearModel([[1]], [1000]), 'b');
    paths.garbage = await writeModel(Buffer.from('this is not an onnx model'), 'garbage');
    driver = await startDriver();
    await driver.apply(deployment(1, template(paths.A, 1)));
    await driver.apply(deployment(1, template(paths.A, 1))); // idempotent
    const o = await until('revision 1 complete', () => observe().rollout === 'Complete');
    expect(o).toMatchObject({ revision: 1, replicas: 2, readyReplicas: 2, updatedReplicas: 2, availableReplicas: 2, restarts: 0, readyByRevision: { 1: 2 } });
    expect(o.upstreams).toHaveLength(2);
    const body = JSON.stringify({ inputs: [{ name: 'x', datatype: 'FP32', shape: [1, 1], data: [3] }] });
    for (const url of o.upstreams) {
      const res = await v2Call(url, 'POST', '/v2/models/surrogate/infer', body, AUTH);
      expect(res.body.outputs[0].data).toEqual([3]);
      // The replica token: required on the V2 routes, not on probes and metrics.
      expect((await v2Call(url, 'POST', '/v2/models/surrogate/infer', body)).status).toBe(401);
      expect((await v2Call(url, 'GET', '/v2/models/surrogate', undefined, { authorization: 'Bearer wrong-token-of-16-chars' })).status).toBe(401);
      expect((await v2Call(url, 'GET', '/v2/health/ready')).status).toBe(200);
      expect((await v2Call(url, 'GET', '/metrics')).status).toBe(200);
    }
    // By env, not argv (world-readable); and state.json, which holds it, is the owner's only.
    for (const pid of Object.values(await replicaPids())) expect(await readFile(`/proc/${pid}/cmdline`, 'utf8')).not.toContain(REPLICA_TOKEN);
    expect((await stat(join(home, 'endpoints', ref.endpointId, 'state.json'))).mode & 0o077).toBe(0);
    expect(Object.keys(await replicaPids())).toHaveLength(2);
    const files = await readdir(join(home, 'endpoints', ref.endpointId));
    expect(files.filter((f) => /^r1-.+\.log$/.test(f))).toHaveLength(2);
    expect(JSON.parse(await readFile(join(home, 'endpoints', ref.endpointId, 'state.json'), 'utf8')).deployment.revision).toBe(1);
    expect(observations.length).toBeGreaterThan(0);
  });

  it('rolls A → B under load without a failed request and never below 2 available', async () => {
    const before = Object.values(await replicaPids());
    const traffic = load();
    await new Promise((r) => setTimeout(r, 300));
    observations.length = 0;
    await driver.apply(deployment(2, template(paths.B, 2)));
    const o = await until('revision 2 complete', () => observe().rollout === 'Complete' && observe().revision === 2);
    await new Promise((r) => setTimeout(r, 300));
    const { seen, failures, count } = await traffic.finish();
    expect(failures).toEqual([]);
    expect([...seen].sort()).toEqual(['A', 'B']);
    expect(count).toBeGreaterThan(20);
    expect(o).toMatchObject({ readyReplicas: 2, availableReplicas: 2, readyByRevision: { 2: 2 } });
    expect(Math.min(...observations.map((x) => x.availableReplicas))).toBeGreaterThanOrEqual(2);
    for (let i = 0; i < 6; i++) expect(await infer(i)).toBe('B');
    expect(before.filter(isAlive)).toEqual([]);
  });

  it('restarts a replica killed with SIGKILL and counts it', async () => {
    const [pid] = Object.values(await replicaPids());
    process.kill(-pid, 'SIGKILL');
    const o = await until('restart', () => observe().restarts === 1 && observe().readyReplicas === 2);
    expect(o.rollout).toBe('Complete');
    expect(events.some((e) => e.reason === 'ReplicaRestarted' && e.type === 'Warning')).toBe(true);
    expect(Object.values(await replicaPids())).not.toContain(pid);
  });

  it('reports a crash-looping revision as Failed while the old replicas keep serving, and re-uses them on rollback', async () => {
    const before = await replicaPids();
    const traffic = load(2);
    await driver.apply(deployment(3, template(paths.garbage, 3)));
    const failed = await until('crash loop', () => observe().rollout === 'Failed');
    expect(failed.reason).toBe('CrashLoop');
    expect(failed.message).toContain('the model could not be loaded');
    expect(failed).toMatchObject({ revision: 3, readyReplicas: 0, availableReplicas: 2, readyByRevision: { 2: 2 } });
    expect(events.some((e) => e.reason === 'CrashLoop' && e.revision === 3)).toBe(true);
    // The reconciler rolls back by applying the old template under a new number.
    await driver.apply(deployment(4, template(paths.B, 2)));
    const o = await until('revision 4 complete', () => observe().rollout === 'Complete' && observe().revision === 4);
    const { seen, failures } = await traffic.finish();
    expect(failures).toEqual([]);
    expect([...seen]).toEqual(['B']);
    expect(o).toMatchObject({ readyReplicas: 2, updatedReplicas: 2, restarts: 1, readyByRevision: { 4: 2 } });
    expect(await replicaPids()).toEqual(before);
  });

  it('reports ProgressDeadlineExceeded for a replica that never gets ready', async () => {
    // A "registry" that accepts the connection and never answers: the runtime waits forever.
    hangServer = createServer(() => undefined);
    await new Promise<void>((r) => hangServer!.listen(0, '127.0.0.1', () => r()));
    const port = (hangServer.address() as { port: number }).port;
    const before = await replicaPids();
    await driver.apply(deployment(5, template(undefined, 5, `http://127.0.0.1:${port}/v1/projects/p/models/surrogate/versions/5`), { progressDeadlineSeconds: 2 }));
    const failed = await until('deadline', () => observe().rollout === 'Failed');
    expect(failed).toMatchObject({ reason: 'ProgressDeadlineExceeded', updatedReplicas: 1, readyReplicas: 0, availableReplicas: 2 });
    expect(await infer(1)).toBe('B');
    await driver.apply(deployment(6, template(paths.B, 2)));
    await until('revision 6 complete', () => observe().rollout === 'Complete' && observe().revision === 6);
    expect(await replicaPids()).toEqual(before);
  });

  it('adopts running replicas after a driver restart and keeps watching them', async () => {
    const before = await replicaPids();
    await driver.stop();
    driver = await startDriver();
    const o = observe();
    expect(o).toMatchObject({ revision: 6, rollout: 'Complete', readyReplicas: 2, restarts: 1, readyByRevision: { 6: 2 } });
    expect(await replicaPids()).toEqual(before);
    expect(await infer(2)).toBe('B');
    // Adopted replicas are not the new driver's children: it still notices one dying.
    process.kill(-Object.values(before)[0], 'SIGKILL');
    await until('restart after adoption', () => observe().restarts === 2 && observe().readyReplicas === 2);
  });

  it('deletes the endpoint: every replica stops and its folder goes', async () => {
    const pids = Object.values(await replicaPids());
    await driver.delete(ref);
    expect(pids.filter(isAlive)).toEqual([]);
    expect(existsSync(join(home, 'endpoints', ref.endpointId))).toBe(false);
    expect(driver.observe()).toEqual([]);
    await driver.delete(ref); // idempotent
  });
});
