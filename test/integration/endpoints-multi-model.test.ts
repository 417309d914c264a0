import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SERVING_DRIVER, type ServingDriver } from '../../src/cluster/serving-driver.js';
import { ReplicaTokens } from '../../src/serving/endpoints/replica-tokens.js';
import { linearModel } from '../helpers/onnx.js';
import { registry, sha256 } from '../helpers/onnx-registry.js';
import { v2Call } from '../helpers/runtime.js';
import { client, closeApp, eventually, seedToken, startTestApp, type TestApp } from '../helpers/test-app.js';

// A multi-model endpoint on the embedded defaults: API, controller, the local serving
// driver with a real `beamline runtime --models` process, and the infer proxy. Model `k<n>`
// computes y = n·x, so every answer names the model that gave it. A 1 MiB budget holds
// exactly one of them (each is estimated at 512 KiB + 1.1 × its ~200-byte file).
const models = '/v1/projects/pool/models';
const base = '/v1/projects/pool/endpoints';
let t: TestApp;
let home: string;
let artifacts: string;
let token: string;

const send = (method: string, path: string, body?: unknown) => client(t.url, token).send(method, path, body);
const body = (x: number) => ({ inputs: [{ name: 'x', shape: [1, 1], datatype: 'FP32', data: [x] }] });
const endpoint = async (name: string) => (await send('GET', `${base}/${name}`)).body;

/** The replica's own URL and token: the repository API and /metrics are per replica, not proxied. */
async function replica(name: string) {
  const { id } = await endpoint(name);
  const upstream = t.app.get<ServingDriver>(SERVING_DRIVER).observe().find((o) => o.endpointId === id)!.upstreams[0];
  const auth = { authorization: `Bearer ${await t.app.get(ReplicaTokens).forEndpoint(id)}` };
  return {
    index: async () => JSON.parse((await v2Call(upstream, 'POST', '/v2/repository/index', '{}', auth)).bytes.toString()) as Array<{ name: string; state: string; reason: string }>,
    post: (path: string) => v2Call(upstream, 'POST', path, '{}', auth),
    metric: async (pattern: RegExp) => Number(pattern.exec((await v2Call(upstream, 'GET', '/metrics')).bytes.toString())?.[1] ?? NaN),
  };
}

beforeAll(async () => {
  home = await mkdtemp(join(tmpdir(), 'beamline-mm-home-'));
  artifacts = join(home, 'artifacts');
  t = await startTestApp({ home, env: { BEAMLINE_CLUSTER_DRIVER: 'local', BEAMLINE_ARTIFACT_DIR: artifacts, BEAMLINE_SCHEDULER_INTERVAL_MS: '200' } });
  token = await seedToken(t.app, 'MEMBER', ['pool']);
  const reg = registry(t.url, token);
  for (const n of [1, 2, 3]) {
    expect((await send('POST', models, { name: `k${n}` })).status).toBe(201);
    expect((await reg.multipart(`${models}/k${n}/versions`, linearModel([[n]], [0]))).status).toBe(201);
  }
  // 512 × 512 weights: a 1 MiB file, estimated at about 1.6 MiB loaded.
  expect((await send('POST', models, { name: 'big' })).status).toBe(201);
  expect((await reg.multipart(`${models}/big/versions`, linearModel(Array.from({ length: 512 }, () => Array(512).fill(0.5)), Array(512).fill(0)))).status).toBe(201);
  // `broken`'s stored bytes go bad after registration: a replica cannot load it.
  const bad = linearModel([[9]], [0.5]);
  expect((await send('POST', models, { name: 'broken' })).status).toBe(201);
  expect((await reg.multipart(`${models}/broken/versions`, bad)).status).toBe(201);
  const digest = sha256(bad);
  await writeFile(join(artifacts, 'sha256', digest.slice(0, 2), digest.slice(2, 4), digest), 'not an onnx model');
}, 60_000);

afterAll(async () => {
  await closeApp(t);
  await rm(home, { recursive: true, force: true });
});

describe('bad input names the field', () => {
  it.each([
    ['a model listed twice', { models: [{ model: 'k1', version: 1 }, { model: 'k1', version: 1 }] }, 'models.1.model', /listed twice/],
    ['an unknown model', { models: [{ model: 'nope', version: 1 }] }, 'models.0.model', /no model 'nope'/],
    ['an unknown version', { models: [{ model: 'k1', version: 7 }] }, 'models.0.version', /Version 7/],
    ['an alias (not followed by a model list)', { models: [{ model: 'k1', version: '@prod' }] }, 'models.0.version', /aliases are not followed/],
    ['a model larger than the budget', { models: [{ model: 'k1', version: 1 }, { model: 'big', version: 1 }], memoryBudget: '1Mi' }, 'models.1', /needs about 1\.6 MiB .* more than the memory budget of 1 MiB/],
    ['a budget that leaves the runtime no room', { models: [{ model: 'k1', version: 1 }], memoryBudget: '1Gi', resources: { memory: '1Gi' } }, 'memoryBudget', /must leave 256 MiB/],
    ['model and models together', { model: 'k1', version: 1, models: [{ model: 'k2', version: 1 }] }, 'model', /either model and version, or models/],
    ['a budget without models', { model: 'k1', version: 1, memoryBudget: '1Gi' }, 'memoryBudget', /only for a multi-model endpoint/],
  ])('%s', async (_label, fields, field, message) => {
    const res = await send('POST', base, { name: 'bad', ...fields });
    expect(res.status, JSON.stringify(res.body)).toBe(400);
    expect(res.body.errors).toEqual(expect.arrayContaining([expect.objectContaining({ field, message: expect.stringMatching(message) })]));
  });
});

describe('a multi-model endpoint on the local driver', () => {
  it('starts with nothing loaded and shows its models, budget and infer URL', async () => {
    const created = await send('POST', base, { name: 'trio', models: [1, 2, 3].map((n) => ({ model: `k${n}`, version: 1 })), memoryBudget: '1Mi' });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const e = await eventually(async () => {
      const x = await endpoint('trio');
      return x.phase === 'Complete' && x.ready ? x : undefined;
    }, 60_000, 'trio Complete');
    expect(e).toMatchObject({ models: [{ model: 'k1', version: 1 }, { model: 'k2', version: 1 }, { model: 'k3', version: 1 }], memoryBudget: '1Mi', inferUrl: '/v1/projects/pool/endpoints/trio/v2/models/{model}/infer' });
    expect((await (await replica('trio')).index()).map((m) => m.state)).toEqual(['UNAVAILABLE', 'UNAVAILABLE', 'UNAVAILABLE']);
  }, 90_000);

  it('routes by model name through the proxy, loading each model on its first request', async () => {
    for (const n of [2, 1, 3]) {
      const res = await send('POST', `${base}/trio/v2/models/k${n}/infer`, body(5));
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      expect(res.body).toMatchObject({ model_name: `k${n}`, outputs: [{ data: [5 * n] }] });
    }
    const r = await replica('trio');
    for (const n of [1, 2, 3]) {
      expect(await r.metric(new RegExp(`beamline_runtime_model_loads_total\\{model="k${n}",version="1",outcome="success"\\} (\\d+)`))).toBe(1);
      expect(await r.metric(new RegExp(`beamline_runtime_requests_total\\{model="k${n}",version="1",outcome="success"\\} (\\d+)`))).toBe(1);
    }
    expect(await r.metric(/beamline_runtime_model_load_duration_seconds_count\{model="k3",version="1"\} (\d+)/)).toBe(1);
  });

  it('unloads the least recently used model to stay within the 1 MiB budget', async () => {
    const r = await replica('trio');
    // k2, k1, k3 were asked for in that order: each load pushed out the one before.
    expect((await r.index()).map((m) => [m.name, m.state])).toEqual([['k1', 'UNAVAILABLE'], ['k2', 'UNAVAILABLE'], ['k3', 'READY']]);
    expect((await r.index())[0].reason).toMatch(/least recently used.*'k3'/);
    expect(await r.metric(/beamline_runtime_model_unloads_total\{model="k2",version="1",reason="lru"\} (\d+)/)).toBe(1);
    expect(await r.metric(/beamline_runtime_model_unloads_total\{model="k1",version="1",reason="lru"\} (\d+)/)).toBe(1);
    expect(await r.metric(/beamline_runtime_model_memory_bytes\{model="k1",version="1"\} (\d+)/)).toBe(0);
    expect(await r.metric(/beamline_runtime_memory_budget_bytes (\d+)/)).toBe(2 ** 20);
  });

  it('loads and unloads through the replica\'s V2 repository API', async () => {
    const r = await replica('trio');
    expect((await r.post('/v2/repository/models/k1/load')).status).toBe(200);
    expect((await r.index()).map((m) => m.state)).toEqual(['READY', 'UNAVAILABLE', 'UNAVAILABLE']);
    expect((await r.post('/v2/repository/models/k1/unload')).status).toBe(200);
    expect((await r.index())[0]).toMatchObject({ state: 'UNAVAILABLE', reason: expect.stringMatching(/unloaded by request/) });
    expect(await r.metric(/beamline_runtime_model_unloads_total\{model="k1",version="1",reason="request"\} (\d+)/)).toBe(1);
    expect((await r.post('/v2/repository/models/nope/load')).status).toBe(404);
  });

  it('answers the model-less /infer with 400 naming the path, and an unknown model with 404', async () => {
    const plain = await send('POST', `${base}/trio/infer`, body(1));
    expect(plain.status).toBe(400);
    expect(plain.body.errors).toEqual([expect.objectContaining({ field: 'path', message: expect.stringMatching(/v2\/models\/\{model\}\/infer/) })]);
    const unknown = await send('POST', `${base}/trio/v2/models/k9/infer`, body(1));
    expect(unknown.status).toBe(404);
    expect(JSON.stringify(unknown.body)).toMatch(/unknown model 'k9'; this endpoint serves 'k1', 'k2', 'k3'/);
  });

  it('changes its list with a PATCH (a new revision), and refuses version there', async () => {
    expect((await send('PATCH', `${base}/trio`, { version: 2 })).body.errors).toEqual([expect.objectContaining({ field: 'version' })]);
    expect((await send('PATCH', `${base}/trio`, { canary: { version: 1, percent: 10 } })).body.errors).toEqual([expect.objectContaining({ field: 'canary' })]);
    const patched = await send('PATCH', `${base}/trio`, { models: [{ model: 'k3', version: 1 }, { model: 'k1', version: 1 }], memoryBudget: '2Mi' });
    expect(patched.status, JSON.stringify(patched.body)).toBe(200);
    expect(patched.body).toMatchObject({ model: 'k3', modelVersion: 1, models: [{ model: 'k3', version: 1 }, { model: 'k1', version: 1 }], memoryBudget: '2Mi' });
    await eventually(async () => {
      const x = await endpoint('trio');
      return x.phase === 'Complete' && x.desiredRevision === 2 && x.observed.updatedReplicas === 1 ? x : undefined;
    }, 60_000, 'revision 2 Complete');
    const res = await send('POST', `${base}/trio/v2/models/k3/infer`, body(2));
    expect(res.body.outputs[0].data).toEqual([6]);
    expect((await send('POST', `${base}/trio/v2/models/k2/infer`, body(2))).status).toBe(404);
    // Every version in the list is in use, not only the model the endpoint was created with.
    const remove = await send('DELETE', `${models}/k3/versions/1`);
    expect(remove.status, JSON.stringify(remove.body)).toBe(409);
    expect(JSON.stringify(remove.body)).toMatch(/trio/);
  }, 90_000);

  it('fails readiness for a model its replica cannot load, and the event says which', async () => {
    const created = await send('POST', base, { name: 'cracked', models: [{ model: 'k1', version: 1 }, { model: 'broken', version: 1 }], memoryBudget: '1Mi', progressDeadlineSeconds: 30 });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const e = await eventually(async () => {
      const x = await endpoint('cracked');
      return x.phase === 'Failed' ? x : undefined;
    }, 90_000, 'cracked Failed');
    expect(e.ready).toBe(false);
    const events = (await send('GET', `${base}/cracked/events`)).body.items as Array<{ reason: string; message: string }>;
    expect(events.find((x) => x.reason === 'RolloutFailed')?.message).toMatch(/model 'broken' version 1 could not be loaded/);
  }, 120_000);
});
