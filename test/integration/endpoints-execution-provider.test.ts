import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { linearModel } from '../helpers/onnx.js';
import { registry } from '../helpers/onnx-registry.js';
import { client, closeApp, eventually, seedToken, startTestApp, type TestApp } from '../helpers/test-app.js';

// runtime.executionProvider on the local driver with real `beamline runtime` processes.
// The machine is given one GPU by an nvidia-smi on PATH (the API checks GPU requests against
// the inventory); the npm build of onnxruntime-node ships no CUDA provider library, so a
// cuda replica cannot start it, and must fail rather than serve on CPU while holding a GPU.
const models = '/v1/projects/gpu/models';
const base = '/v1/projects/gpu/endpoints';
const savedPath = process.env.PATH;
let fakeBin: string;
let t: TestApp;
let token: string;

const send = (method: string, path: string, body?: unknown) => client(t.url, token).send(method, path, body);
const gpu = { cpu: '1', memory: '1Gi', gpu: { count: 1 } };

beforeAll(async () => {
  fakeBin = await mkdtemp(join(tmpdir(), 'one-gpu-'));
  await writeFile(join(fakeBin, 'nvidia-smi'), '#!/bin/sh\necho "0, NVIDIA H100 80GB HBM3, 81559"\n');
  await chmod(join(fakeBin, 'nvidia-smi'), 0o755);
  process.env.PATH = `${fakeBin}:${savedPath}`;
  t = await startTestApp({ env: { BEAMLINE_CLUSTER_DRIVER: 'local', BEAMLINE_SCHEDULER_INTERVAL_MS: '200' } });
  token = await seedToken(t.app, 'MEMBER', ['gpu']);
  expect((await send('POST', models, { name: 'gain' })).status).toBe(201);
  expect((await registry(t.url, token).multipart(`${models}/gain/versions`, linearModel([[2]], [0]))).status).toBe(201);
}, 60_000);

afterAll(async () => {
  await closeApp(t);
  process.env.PATH = savedPath;
  await rm(fakeBin, { recursive: true, force: true });
});

describe('runtime.executionProvider', () => {
  it.each([
    [{ runtime: { executionProvider: 'cuda' } }, 'runtime.executionProvider', /needs a GPU/],
    [{ runtime: { executionProvider: 'webgpu' }, resources: { cpu: '1', memory: '1Gi', gpu: null } }, 'runtime.executionProvider', /needs a GPU/],
    [{ runtime: { executionProvider: 'tpu' }, resources: gpu }, 'runtime.executionProvider', /cpu|cuda|webgpu/],
    [{ runtime: { provider: 'cuda' }, resources: gpu }, 'runtime.provider', /unknown field/],
  ])('refuses %j naming the field', async (extra, field, message) => {
    const res = await send('POST', base, { name: 'bad', model: 'gain', version: 1, ...extra });
    expect(res.status, JSON.stringify(res.body)).toBe(400);
    const problem = res.body.errors.find((e: { field: string }) => e.field === field);
    expect(problem, JSON.stringify(res.body.errors)).toBeDefined();
    expect(`${problem.message} ${problem.field}`).toMatch(message);
    expect((await send('GET', `${base}/bad`)).status).toBe(404);
  });

  it('serves on cpu by default and shows the provider', async () => {
    expect((await send('POST', base, { name: 'plain', model: 'gain', version: 1 })).status).toBe(201);
    const e = await eventually(async () => {
      const x = (await send('GET', `${base}/plain`)).body;
      return x.phase === 'Complete' ? x : undefined;
    }, 60_000, 'plain Complete');
    expect(e.runtime).toEqual({ executionProvider: 'cpu' });
    const out = await send('POST', `${base}/plain/infer`, { inputs: [{ name: 'x', shape: [1, 1], datatype: 'FP32', data: [3] }] });
    expect(out.body.outputs[0].data).toEqual([6]);
  }, 90_000);

  it('refuses to take the GPU away from a cuda endpoint, naming resources.gpu', async () => {
    expect((await send('POST', base, { name: 'later', model: 'gain', version: 1, replicas: 1, resources: gpu, runtime: { executionProvider: 'cuda' } })).status).toBe(201);
    const res = await send('PATCH', `${base}/later`, { resources: { cpu: '1', memory: '1Gi', gpu: null } });
    expect(res.status).toBe(400);
    expect(res.body.errors.map((e: { field: string }) => e.field)).toContain('resources.gpu');
    await send('DELETE', `${base}/later`);
  });

  it('fails a cuda replica that cannot start the provider, saying why, instead of serving on cpu', async () => {
    const created = await send('POST', base, { name: 'cuda', model: 'gain', version: 1, resources: gpu, runtime: { executionProvider: 'cuda' }, progressDeadlineSeconds: 30 });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(created.body.runtime).toEqual({ executionProvider: 'cuda' });
    const e = await eventually(async () => {
      const x = (await send('GET', `${base}/cuda`)).body;
      return x.phase === 'Failed' ? x : undefined;
    }, 90_000, 'cuda Failed');
    expect(e.ready).toBe(false);
    expect(e.message).toMatch(/execution provider cuda could not start/);
    const infer = await send('POST', `${base}/cuda/infer`, { inputs: [{ name: 'x', shape: [1, 1], datatype: 'FP32', data: [3] }] });
    expect(infer.status).toBeGreaterThanOrEqual(500); // no replica ever served, on cpu or otherwise
  }, 120_000);

  it('moves an endpoint to cpu with a new revision whose message says so', async () => {
    const res = await send('PATCH', `${base}/cuda`, { runtime: { executionProvider: 'cpu' } });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.runtime).toEqual({ executionProvider: 'cpu' });
    const revisions = (await send('GET', `${base}/cuda/revisions`)).body.items;
    expect(revisions[0].message).toMatch(/execution provider cuda → cpu/);
    const e = await eventually(async () => {
      const x = (await send('GET', `${base}/cuda`)).body;
      return x.phase === 'Complete' ? x : undefined;
    }, 90_000, 'cuda endpoint Complete on cpu');
    expect(e.ready).toBe(true);
  }, 120_000);
});
