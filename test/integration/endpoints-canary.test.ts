import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliRunner } from '../helpers/cli.js';
import { ONNX_FLOAT, ONNX_INT64, linearModel } from '../helpers/onnx.js';
import { registry } from '../helpers/onnx-registry.js';
import { ProtoWriter } from '../helpers/protobuf.js';
import { client, closeApp, eventually, seedToken, startTestApp, type TestApp } from '../helpers/test-app.js';

// Canary and shadow traffic on the embedded defaults: real `beamline runtime` processes
// (local driver), the API's infer proxy splitting and mirroring, the controller's gate
// reading the proxy's counters from the test Redis. Version n of model `gain` computes
// y = n·x, so every answer names the version that gave it; version 3 has the same inputs and
// outputs but fails on every real request (see failingModel); version 4 has other outputs.
const base = '/v1/projects/beam/endpoints';
let t: TestApp;
let home: string;
let token: string;

const send = (method: string, path: string, body?: unknown) => client(t.url, token).send(method, path, body);
const endpoint = async () => (await send('GET', `${base}/gain`)).body;
const until = (what: string, ok: (e: Awaited<ReturnType<typeof endpoint>>) => boolean, timeoutMs = 60_000) =>
  eventually(async () => {
    const e = await endpoint();
    return ok(e) ? e : undefined;
  }, timeoutMs, what);
const events = async () => (await send('GET', `${base}/gain/events`)).body.items as { reason: string; message: string; type: string }[];

/** One infer through the API: the answering version (y for x = 1), or the HTTP status when not 200. */
async function infer(): Promise<{ status: number; version?: number; error?: string }> {
  const res = await send('POST', `${base}/gain/infer`, { inputs: [{ name: 'x', shape: [1, 1], datatype: 'FP32', data: [1] }] });
  if (res.status === 200) return { status: 200, version: res.body.outputs[0].data[0] as number };
  // Who answered and why, for a failure's message: the replica's V2 error or the platform's problem.
  return { status: res.status, error: String(res.body?.error ?? res.body?.detail ?? JSON.stringify(res.body)).slice(0, 200) };
}

/** `n` requests, `concurrency` at a time. */
async function burst(n: number, concurrency = 4): Promise<{ status: number; version?: number; error?: string }[]> {
  const out: { status: number; version?: number; error?: string }[] = [];
  let left = n;
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (left-- > 0) out.push(await infer());
  }));
  return out;
}

/** Sends requests until `done` holds (checked every 20), at most `max`. */
async function drive(done: () => Promise<boolean>, max = 3000): Promise<{ status: number; version?: number }[]> {
  const all: { status: number; version?: number }[] = [];
  while (all.length < max) {
    all.push(...(await burst(20)));
    if (await done()) return all;
  }
  throw new Error(`not done after ${max} requests`);
}

/**
 * Same signature as linearModel([[n]], [0]) (x: [batch, 1] → y: [batch, 1], float32), but
 * y = table[int64(x)] with a one-entry table: the runtime's zero-filled warm-up passes (index
 * 0), so the replica turns ready, and every request with x = 1 fails in onnxruntime (index
 * out of bounds): a 500 from the replica.
 */
function failingModel(): Buffer {
  const dim = (d: number | string) => (typeof d === 'number' ? new ProtoWriter().varint(1, d) : new ProtoWriter().bytes(2, d));
  const valueInfo = (name: string) => {
    const shape = new ProtoWriter().message(1, dim('batch')).message(1, dim(1));
    const tensorType = new ProtoWriter().varint(1, ONNX_FLOAT).message(2, shape);
    return new ProtoWriter().bytes(1, name).message(2, new ProtoWriter().message(1, tensorType));
  };
  const table = new ProtoWriter().varint(1, 1).varint(2, ONNX_FLOAT).bytes(8, 'table').bytes(9, Buffer.from(new Float32Array([7]).buffer));
  const to = new ProtoWriter().bytes(1, 'to').varint(3, ONNX_INT64).varint(20, 2); // AttributeProto: name, i, type INT
  const cast = new ProtoWriter().bytes(1, 'x').bytes(2, 'idx').bytes(3, 'cast').bytes(4, 'Cast').message(5, to);
  const gather = new ProtoWriter().bytes(1, 'table').bytes(1, 'idx').bytes(2, 'gathered').bytes(3, 'gather').bytes(4, 'Gather');
  // Gather of a [1] table by [batch, 1] indices is [batch, 1].
  const graph = new ProtoWriter().message(1, cast).message(1, gather).message(1, new ProtoWriter().bytes(1, 'gathered').bytes(2, 'y').bytes(3, 'id').bytes(4, 'Identity'))
    .bytes(2, 'failing').message(5, table).message(11, valueInfo('x')).message(12, valueInfo('y'));
  return new ProtoWriter().varint(1, 8).bytes(2, 'beamline-test').message(7, graph).message(8, new ProtoWriter().bytes(1, '').varint(2, 13)).finish();
}

async function upload(model: string, onnx: Buffer): Promise<void> {
  const res = await registry(t.url, token).multipart(`/v1/projects/beam/models/${model}/versions`, onnx);
  expect(res.status, JSON.stringify(res.body)).toBe(201);
}

/** The shadow's answers the proxy counted, from /metrics. */
async function shadowAnswers(code: string): Promise<number> {
  const text = (await client(t.url).get('/metrics')).text;
  const line = text.split('\n').find((l) => l.startsWith('beamline_endpoint_track_requests_total{') && l.includes('endpoint="gain"') && l.includes('track="shadow"') && l.includes(`code="${code}"`));
  return line ? Number(line.split(' ').at(-1)) : 0;
}

beforeAll(async () => {
  home = await mkdtemp(join(tmpdir(), 'beamline-canary-'));
  t = await startTestApp({ home, env: { BEAMLINE_CLUSTER_DRIVER: 'local', BEAMLINE_ARTIFACT_DIR: join(home, 'artifacts'), BEAMLINE_SCHEDULER_INTERVAL_MS: '200' } });
  token = await seedToken(t.app, 'MEMBER', ['beam']);
  expect((await send('POST', '/v1/projects/beam/models', { name: 'gain' })).status).toBe(201);
  expect((await send('POST', '/v1/projects/beam/models', { name: 'wide' })).status).toBe(201);
  await upload('gain', linearModel([[1]], [0])); // 1
  await upload('gain', linearModel([[2]], [0])); // 2
  await upload('gain', failingModel()); // 3
  await upload('gain', linearModel([[1, 1]], [0, 0])); // 4: y has two columns
  await upload('gain', linearModel([[5]], [0])); // 5
  await upload('wide', linearModel([[1, 1]], [0, 0])); // another model, other outputs
  expect((await send('POST', base, { name: 'gain', model: 'gain', version: 1, progressDeadlineSeconds: 60 })).status).toBe(201);
  await until('Complete on version 1', (e) => e.phase === 'Complete' && e.observed.readyReplicas === 1);
}, 120_000);

afterAll(async () => {
  await send('DELETE', `${base}/gain`).catch(() => undefined);
  await eventually(async () => ((await send('GET', `${base}/gain`)).status === 404 ? true : undefined), 30_000, 'endpoint removed').catch(() => undefined);
  await closeApp(t);
  await rm(home, { recursive: true, force: true });
}, 90_000);

describe('canary and shadow traffic on the local driver', () => {
  it('refuses bad canary and shadow with 400 naming the field', async () => {
    const cases: [unknown, string][] = [
      [{ canary: { version: 2, percent: 150 } }, 'canary.percent'],
      [{ canary: { version: 2, percent: -1 } }, 'canary.percent'],
      [{ canary: { percent: 10 } }, 'canary.version'],
      [{ canary: { version: 2, revision: 1, percent: 10 } }, 'canary.version'],
      [{ canary: { version: 4, percent: 10 } }, 'canary.version'],
      [{ canary: { version: 1, percent: 10 } }, 'canary.version'],
      [{ canary: { version: 99, percent: 10 } }, 'canary.version'],
      [{ canary: { revision: 42, percent: 10 } }, 'canary.revision'],
      [{ canary: { version: 2, percent: 10, analysis: { maxLatencyRatio: 0.5 } } }, 'canary.analysis.maxLatencyRatio'],
      [{ canary: { version: 2, percent: 10 }, replicas: 2 }, 'replicas'],
      [{ shadow: { version: 4, percent: 10 } }, 'shadow.version'],
      [{ shadow: { model: 'wide', version: 1, percent: 10 } }, 'shadow.version'],
      [{ shadow: { model: 'nope', version: 1, percent: 10 } }, 'shadow.model'],
      [{ shadow: { version: 2, percent: 101 } }, 'shadow.percent'],
    ];
    for (const [body, field] of cases) {
      const res = await send('PATCH', `${base}/gain`, body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(JSON.stringify(res.body), JSON.stringify(body)).toContain(`"${field}"`);
    }
    expect((await endpoint()).canary).toBeNull();
  });

  it('refuses a canary while a rollout is in progress', async () => {
    expect((await send('PATCH', `${base}/gain`, { env: { CANARY_TEST: '1' } })).status).toBe(200);
    const res = await send('PATCH', `${base}/gain`, { canary: { version: 2, percent: 10 } });
    expect(res.status).toBe(400);
    expect(res.body.errors).toContainEqual(expect.objectContaining({ field: 'canary', message: expect.stringMatching(/still rolling out/) }));
    await until('Complete again', (e) => e.phase === 'Complete' && e.observed.rollout === 'Complete' && e.observed.readyReplicas === 1);
  }, 90_000);

  it('splits traffic by percent, counted by which version answered, then promotes a healthy canary', async () => {
    const started = await send('PATCH', `${base}/gain`, { canary: { version: 2, percent: 30, analysis: { auto: false } } });
    expect(started.status, JSON.stringify(started.body)).toBe(200);
    expect(started.body.canary).toMatchObject({ modelVersion: 2, percent: 30, replicas: 1, analysis: { auto: false } });
    await until('canary ready', (e) => e.observed.canary?.readyReplicas === 1 && e.observed.canary?.rollout === 'Complete');
    const answers = await burst(400);
    expect(answers.filter((a) => a.status !== 200)).toEqual([]);
    const canaryShare = answers.filter((a) => a.version === 2).length / answers.length;
    expect(answers.every((a) => a.version === 1 || a.version === 2)).toBe(true);
    // 400 draws at 30 %: the standard deviation is 2.3 points; 0.18–0.42 is more than 5 of them.
    expect(canaryShare).toBeGreaterThan(0.18);
    expect(canaryShare).toBeLessThan(0.42);

    // The gate on: judged after 50 canary requests; the latency factor is wide so only the error rate decides here.
    const gated = await send('PATCH', `${base}/gain`, { canary: { percent: 50, analysis: { auto: true, minRequests: 50, minSeconds: 1, maxLatencyRatio: 1000 } } });
    expect(gated.status, JSON.stringify(gated.body)).toBe(200);
    expect(gated.body.canary).toMatchObject({ percent: 50, analysis: { auto: true, minRequests: 50 } });
    await drive(async () => (await endpoint()).canary === null);
    const promoted = await until('promoted and rolled out', (e) => e.phase === 'Complete' && e.modelVersion === 2 && e.observed.rollout === 'Complete');
    expect(promoted.canary).toBeNull();
    const event = (await events()).find((e) => e.reason === 'CanaryPromoted');
    expect(event?.message).toMatch(/canary revision \d+ \(version 2\) promoted: canary error rate 0\.00 % ≤ 1\.00 % and p99 .* ms ≤ .* ms \(canary \d+ requests, error rate 0\.00 %, p99 .*; stable \d+ requests, error rate 0\.00 %/);
    const revisions = (await send('GET', `${base}/gain/revisions`)).body.items as { cause: string; status: string; modelVersion: number; sourceRevision: number | null; revision: number }[];
    const canaryRev = revisions.find((r) => r.cause === 'Canary' && r.modelVersion === 2)!;
    expect(canaryRev.status).toBe('Complete');
    expect(revisions[0]).toMatchObject({ cause: 'CanaryPromoted', modelVersion: 2, sourceRevision: canaryRev.revision, status: 'Complete' });
    await until('canary replicas gone', (e) => e.observed.canary === undefined, 30_000);
    expect((await burst(20)).every((a) => a.version === 2)).toBe(true);
  }, 180_000);

  it('rolls back a canary whose replicas fail its requests, and says why with the figures', async () => {
    const started = await send('PATCH', `${base}/gain`, { canary: { version: 3, percent: 50, analysis: { minRequests: 20, minSeconds: 0 } } });
    expect(started.status, JSON.stringify(started.body)).toBe(200);
    await until('failing canary ready', (e) => e.observed.canary?.readyReplicas === 1 && e.observed.canary?.rollout === 'Complete');
    const seen = await drive(async () => (await endpoint()).canary === null, 2000);
    expect(seen.some((a) => a.status === 500)).toBe(true); // the canary did answer, and failed
    const rolledBack = (await events()).find((e) => e.reason === 'CanaryRolledBack');
    expect(rolledBack).toMatchObject({ type: 'Warning' });
    // Stable's own rate is whatever the window saw (a loaded machine may time one out): only the canary's is known.
    expect(rolledBack?.message).toMatch(/canary revision \d+ \(version 3\) rolled back: canary error rate 100\.00 % > stable \d+\.\d\d % \+ 1\.00 % margin \(canary \d+ requests, error rate 100\.00 %/);
    const e = await endpoint();
    expect(e).toMatchObject({ modelVersion: 2, canary: null });
    const revisions = (await send('GET', `${base}/gain/revisions`)).body.items as { cause: string; status: string; modelVersion: number }[];
    expect(revisions.find((r) => r.cause === 'Canary' && r.modelVersion === 3)?.status).toBe('Failed');
    await until('canary replicas gone', (x) => x.observed.canary === undefined, 30_000);
    // Every answer from stable's version 2; a failure names what came instead.
    expect((await burst(20)).filter((a) => !(a.status === 200 && a.version === 2))).toEqual([]);
  }, 120_000);

  it('mirrors requests to a shadow: answers come only from stable, the shadow is counted', async () => {
    const started = await send('PATCH', `${base}/gain`, { shadow: { version: 5, percent: 100 } });
    expect(started.status, JSON.stringify(started.body)).toBe(200);
    expect(started.body.shadow).toMatchObject({ model: 'gain', modelVersion: 5, percent: 100 });
    await until('shadow ready', (e) => e.observed.shadow?.readyReplicas === 1 && e.observed.shadow?.rollout === 'Complete');
    const before = await shadowAnswers('200');
    const answers = await burst(60);
    expect(answers.every((a) => a.status === 200 && a.version === 2)).toBe(true);
    // Fire-and-forget: the copies finish after the answers; all 60 reach the shadow's replica.
    await eventually(async () => ((await shadowAnswers('200')) - before >= 60 ? true : undefined), 10_000, 'shadow answered the copies');
    expect((await send('PATCH', `${base}/gain`, { shadow: null })).body.shadow).toBeNull();
    await until('shadow replicas gone', (e) => e.observed.shadow === undefined, 30_000);
    expect((await events()).some((e) => e.reason === 'ShadowStopped')).toBe(true);
  }, 120_000);

  it('manual rollback and promote; 409 without a canary; a canary blocks version changes', async () => {
    expect((await send('POST', `${base}/gain/canary/promote`)).status).toBe(409);
    const start = async () => {
      const res = await send('PATCH', `${base}/gain`, { canary: { version: 5, percent: 0, analysis: { auto: false } } });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
    };
    await start();
    // The registry keeps a version a canary runs.
    const deleted = await send('DELETE', '/v1/projects/beam/models/gain/versions/5');
    expect(deleted.status).toBe(409);
    expect(deleted.body.detail).toMatch(/served by endpoints: gain/);
    const blocked = await send('PATCH', `${base}/gain`, { version: 1 });
    expect(blocked.status).toBe(409);
    expect(JSON.stringify(blocked.body)).toContain('"version"');
    expect((await send('PATCH', `${base}/gain`, { canary: { version: 1, percent: 10 } })).status).toBe(409);
    const back = await send('POST', `${base}/gain/canary/rollback`);
    expect(back.status).toBe(200);
    expect(back.body).toMatchObject({ canary: null, modelVersion: 2 });
    expect((await events()).at(-1)).toMatchObject({ reason: 'CanaryRolledBack', message: expect.stringMatching(/rolled back by hand/) });
    await start();
    const promoted = await send('POST', `${base}/gain/canary/promote`);
    expect(promoted.status).toBe(200);
    expect(promoted.body).toMatchObject({ canary: null, modelVersion: 5, phase: 'Progressing', reason: 'CanaryPromoted' });
    await until('version 5 rolled out', (e) => e.phase === 'Complete' && e.observed.rollout === 'Complete');
    expect((await burst(10)).every((a) => a.version === 5)).toBe(true);
  }, 120_000);

  it('the CLI starts, shows and rolls back a canary, and starts and stops a shadow', async () => {
    const beamline = cliRunner(() => home);
    expect((await beamline('login', '--url', t.url, '--token', token, '--project', 'beam')).code).toBe(0);
    const started = await beamline('endpoints', 'canary', 'gain', '--version', '2', '--percent', '20', '--manual', '--json');
    expect(started.code, started.stderr).toBe(0);
    expect(started.json().canary).toMatchObject({ modelVersion: 2, percent: 20, analysis: { auto: false } });
    const status = await beamline('endpoints', 'status', 'gain');
    expect(status.stdout).toMatch(/canary\s+revision \d+ \(version 2\), 20 % on \d\/1 ready, manual/);
    expect((await beamline('endpoints', 'canary', 'gain', '--percent', '150')).code).toBe(4);
    expect((await beamline('endpoints', 'canary', 'gain', 'rollback', '--json')).json().canary).toBeNull();
    const shadow = await beamline('endpoints', 'shadow', 'gain', '--version', '1', '--percent', '5', '--json');
    expect(shadow.code, shadow.stderr).toBe(0);
    expect(shadow.json().shadow).toMatchObject({ modelVersion: 1, percent: 5 });
    expect((await beamline('endpoints', 'shadow', 'gain', 'stop', '--json')).json().shadow).toBeNull();
  }, 120_000);
});
