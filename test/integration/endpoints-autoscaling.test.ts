import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { linearModel } from '../helpers/onnx.js';
import { registry } from '../helpers/onnx-registry.js';
import { client, closeApp, eventually, seedToken, sleep, startTestApp, type TestApp } from '../helpers/test-app.js';

// Autoscaling and scale to zero on the embedded defaults: real `beamline runtime` processes
// (local driver), the API's infer proxy publishing demand to the test Redis, the controller
// scaling on it. Model `twice` computes y = 2·x.
const base = '/v1/projects/beam/endpoints';
const HOLD_QUEUE = 8;
let t: TestApp;
let home: string;
let token: string;

const send = (method: string, path: string, body?: unknown) => client(t.url, token).send(method, path, body);
const endpoint = async () => (await send('GET', `${base}/auto`)).body;
const until = (what: string, ok: (e: Awaited<ReturnType<typeof endpoint>>) => boolean, timeoutMs = 60_000) =>
  eventually(async () => {
    const e = await endpoint();
    return ok(e) ? e : undefined;
  }, timeoutMs, what);
const events = async () => (await send('GET', `${base}/auto/events`)).body.items as { reason: string; message: string }[];
const inferBody = { inputs: [{ name: 'x', shape: [1, 1], datatype: 'FP32', data: [1] }] };

/** One infer through the API: status, answer, and what a 503 said. */
async function infer(): Promise<{ status: number; y?: number; retryAfter?: string | null; type?: string | null; detail?: string }> {
  const res = await fetch(`${t.url}${base}/auto/infer`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(inferBody) });
  const body = (await res.json()) as { outputs?: { data: number[] }[]; detail?: string };
  return { status: res.status, y: body.outputs?.[0].data[0], retryAfter: res.headers.get('retry-after'), type: res.headers.get('content-type'), detail: body.detail };
}

/** Closed-loop load: `concurrency` callers, each sending the next request when the last is answered. */
function load(concurrency: number) {
  const statuses: number[] = [];
  let stop = false;
  const workers = Array.from({ length: concurrency }, async () => {
    while (!stop) statuses.push((await infer().catch(() => ({ status: 0 }))).status);
  });
  return { statuses, stop: async () => ((stop = true), await Promise.all(workers)) };
}

beforeAll(async () => {
  home = await mkdtemp(join(tmpdir(), 'beamline-autoscale-'));
  const env = { BEAMLINE_CLUSTER_DRIVER: 'local', BEAMLINE_ARTIFACT_DIR: join(home, 'artifacts'), BEAMLINE_SCHEDULER_INTERVAL_MS: '200', BEAMLINE_ENDPOINT_HOLD_QUEUE: String(HOLD_QUEUE) };
  t = await startTestApp({ home, env });
  token = await seedToken(t.app, 'MEMBER', ['beam']);
  expect((await send('POST', '/v1/projects/beam/models', { name: 'twice' })).status).toBe(201);
  expect((await registry(t.url, token).multipart('/v1/projects/beam/models/twice/versions', linearModel([[2]], [0]))).status).toBe(201);
}, 60_000);

afterAll(async () => {
  // Deleted first: while closeApp stops the driver's replicas, a controller pass would start them again.
  await send('DELETE', `${base}/auto`).catch(() => undefined);
  await eventually(async () => ((await send('GET', `${base}/auto`)).status === 404 ? true : undefined), 30_000, 'endpoint removed').catch(() => undefined);
  await closeApp(t);
  await rm(home, { recursive: true, force: true });
}, 90_000);

describe('autoscaling on the local driver', () => {
  it('refuses bad autoscaling with 400 naming the field', async () => {
    const create = (autoscaling: unknown) => send('POST', base, { name: 'bad', model: 'twice', version: 1, autoscaling });
    const cases: [unknown, string][] = [
      [{ minReplicas: 3, maxReplicas: 2 }, 'autoscaling.minReplicas'],
      [{ minReplicas: -1 }, 'autoscaling.minReplicas'],
      [{ maxReplicas: 65 }, 'autoscaling.maxReplicas'],
      [{ targetInFlight: 0 }, 'autoscaling.targetInFlight'],
      [{ scaleDownDelaySeconds: 3601 }, 'autoscaling.scaleDownDelaySeconds'],
      [{ target: 3 }, 'autoscaling.target'],
    ];
    for (const [autoscaling, field] of cases) {
      const res = await create(autoscaling);
      expect(res.status, JSON.stringify(autoscaling)).toBe(400);
      expect(JSON.stringify(res.body), JSON.stringify(autoscaling)).toContain(field);
    }
  });

  it('starts at one replica, then goes to zero after the delay: Complete, ready, not failed', async () => {
    // Target 1: the load generator shares this process with the API, so 12 callers keep only ~3 requests in the proxy at once.
    const autoscaling = { minReplicas: 0, maxReplicas: 3, targetInFlight: 1, scaleDownDelaySeconds: 3 };
    const created = await send('POST', base, { name: 'auto', model: 'twice', version: 1, autoscaling, progressDeadlineSeconds: 60 });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ replicas: 1, autoscaling });
    await until('Complete on 1', (e) => e.phase === 'Complete' && e.observed.readyReplicas === 1);
    const zero = await until('scaled to zero', (e) => e.replicas === 0 && e.observed.availableReplicas === 0 && e.observed.rollout === 'Complete', 30_000);
    expect(zero).toMatchObject({ phase: 'Complete', reason: 'ScaledToZero', ready: true });
    expect((await events()).find((e) => e.reason === 'ScaledToZero')?.message).toMatch(/scaled 1 → 0: observed concurrency 0, target 1 per replica; no requests for 3 s/);
  }, 90_000);

  it('PATCH refuses a fixed replica count while autoscaling, and min > max after the merge', async () => {
    const replicas = await send('PATCH', `${base}/auto`, { replicas: 2 });
    expect(replicas.status).toBe(400);
    expect(JSON.stringify(replicas.body)).toContain('"replicas"');
    expect((await send('POST', `${base}/auto/scale`, { replicas: 2 })).status).toBe(400);
    const merged = await send('PATCH', `${base}/auto`, { autoscaling: { minReplicas: 4 } });
    expect(merged.status).toBe(400);
    expect(JSON.stringify(merged.body)).toContain('autoscaling.minReplicas');
  });

  it('0 → 1 on the first request, which is held and answered', async () => {
    const began = performance.now();
    const first = await infer();
    const coldMs = performance.now() - began;
    expect(first).toMatchObject({ status: 200, y: 2 });
    console.log(`cold start through the API (local driver, linear model): ${coldMs.toFixed(0)} ms`);
    const up = (await events()).find((e) => e.reason === 'ScaledFromZero');
    expect(up?.message).toMatch(/scaled 0 → 1: observed concurrency [\d.]+, target 1 per replica/);
  }, 60_000);

  it('1 → N under concurrent load with no failed request, then N → 0 after the delay', async () => {
    await until('back on 1', (e) => e.observed.availableReplicas >= 1);
    const traffic = load(12);
    await until("scaled to 3", (e) => e.replicas === 3 && e.observed.availableReplicas === 3, 30_000);
    await sleep(1000);
    await traffic.stop();
    expect(traffic.statuses.filter((s) => s !== 200)).toEqual([]);
    expect(traffic.statuses.length).toBeGreaterThan(100);
    expect((await events()).some((e) => e.reason === 'ScaledUp' && /observed concurrency [\d.]+, target 1 per replica/.test(e.message))).toBe(true);
    await until('back to zero', (e) => e.replicas === 0 && e.observed.availableReplicas === 0, 60_000);
    const down = (await events()).filter((e) => e.reason === 'ScaledToZero' || e.reason === 'ScaledDown');
    expect(down.at(-1)?.reason).toBe('ScaledToZero');
  }, 120_000);

  it('at zero, holds up to the queue bound and answers those; beyond it 503 with Retry-After, naming why', async () => {
    const answers = await Promise.all(Array.from({ length: HOLD_QUEUE + 4 }, () => infer()));
    const ok = answers.filter((a) => a.status === 200);
    const refused = answers.filter((a) => a.status !== 200);
    expect(ok.length).toBeGreaterThanOrEqual(HOLD_QUEUE);
    expect(ok.every((a) => a.y === 2)).toBe(true);
    for (const r of refused) {
      expect(r).toMatchObject({ status: 503, retryAfter: '1' });
      expect(r.type).toContain('application/problem+json');
      expect(r.detail).toMatch(/hold queue is full/);
    }
  }, 60_000);

  it('a platform restart at zero leaves no endpoint stuck there: the next request is answered', async () => {
    await until('back to zero', (e) => e.replicas === 0 && e.observed.availableReplicas === 0, 60_000);
    await t.close();
    const env = { BEAMLINE_CLUSTER_DRIVER: 'local', BEAMLINE_ARTIFACT_DIR: join(home, 'artifacts'), BEAMLINE_SCHEDULER_INTERVAL_MS: '200', BEAMLINE_ENDPOINT_HOLD_QUEUE: String(HOLD_QUEUE) };
    t = await startTestApp({ home, databaseUrl: t.databaseUrl, env });
    expect(await infer()).toMatchObject({ status: 200, y: 2 });
  }, 90_000);

  it('autoscaling null: the current count becomes the fixed one', async () => {
    const off = await send('PATCH', `${base}/auto`, { autoscaling: null });
    expect(off.status).toBe(200);
    expect(off.body.autoscaling).toBeNull();
    expect(off.body.replicas).toBeGreaterThanOrEqual(1);
    const revisions = (await send('GET', `${base}/auto/revisions`)).body.items;
    expect(revisions[0]).toMatchObject({ cause: 'Scaled', autoscaling: null });
    expect(revisions[1].autoscaling).toMatchObject({ minReplicas: 0, maxReplicas: 3 });
  });
});
