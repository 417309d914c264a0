import { rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningRuntime } from '../../src/serving/runtime/runtime.js';
import { linearModel } from '../helpers/onnx.js';
import { startTestRuntime, v2, writeModel } from '../helpers/runtime.js';

/**
 * A multi-model runtime (`--models`, `--memory-budget`) with real onnxruntime sessions.
 * Four linear models y = k·x (k = 1..4, so an answer names the model that gave it), each
 * estimated at just over 0.5 MiB (memory-plan.ts: 512 KiB + 1.1 × a few hundred bytes):
 * a 2 MiB budget holds three of them, never four.
 */
const NAMES = ['a', 'b', 'c', 'd'];
let runtime: RunningRuntime;
const paths: string[] = [];

const modelsFlag = (extra: Array<{ name: string; version: string; model: string }> = []) =>
  JSON.stringify([...NAMES.map((name, i) => ({ name, version: '1', model: paths[i] })), ...extra]);
const infer = (name: string, x = 2, version?: string) =>
  v2(runtime.url).post(`/v2/models/${name}${version ? `/versions/${version}` : ''}/infer`, { inputs: [{ name: 'x', datatype: 'FP32', shape: [1, 1], data: [x] }] });
const index = async () => (await v2(runtime.url).post('/v2/repository/index', {})).body as Array<{ name: string; state: string; reason: string }>;
const stateOf = async (name: string) => (await index()).find((m) => m.name === name)!;
const metric = async (pattern: RegExp) => {
  const text = (await v2(runtime.url).get('/metrics')).bytes.toString();
  return Number(pattern.exec(text)?.[1] ?? NaN);
};

beforeAll(async () => {
  for (const [i, name] of NAMES.entries()) paths.push(await writeModel(linearModel([[i + 1]], [0]), name));
  runtime = await startTestRuntime(['--models', modelsFlag(), '--memory-budget', '2Mi']);
});
afterAll(async () => {
  await runtime?.shutdown('test');
  for (const p of paths) await rm(dirname(p), { recursive: true, force: true });
});

describe('a multi-model runtime', () => {
  it('starts ready with nothing loaded, and says so in the repository index', async () => {
    expect((await v2(runtime.url).get('/v2/health/ready')).status).toBe(200);
    expect((await index()).map((m) => [m.name, m.state])).toEqual(NAMES.map((n) => [n, 'UNAVAILABLE']));
    expect(await metric(/beamline_runtime_memory_budget_bytes (\d+)/)).toBe(2 * 2 ** 20);
    const ready = await v2(runtime.url).get('/v2/models/a/ready');
    expect(ready.status).toBe(503);
    expect(ready.body.error).toMatch(/loads on its first request/);
  });

  it('loads a model on its first request, once for many concurrent first requests', async () => {
    const answers = await Promise.all(Array.from({ length: 12 }, (_, i) => infer('a', i)));
    expect(answers.map((r) => r.status)).toEqual(Array(12).fill(200));
    expect(answers.map((r) => r.body.outputs[0].data[0])).toEqual(Array.from({ length: 12 }, (_, i) => i));
    expect(answers[0].body).toMatchObject({ model_name: 'a', model_version: '1' });
    expect(await metric(/beamline_runtime_model_loads_total\{model="a",version="1",outcome="success"\} (\d+)/)).toBe(1);
    expect(await metric(/beamline_runtime_model_load_duration_seconds_count\{model="a",version="1"\} (\d+)/)).toBe(1);
    expect(await metric(/beamline_runtime_requests_total\{model="a",version="1",outcome="success"\} (\d+)/)).toBe(12);
    expect((await stateOf('a')).state).toBe('READY');
    expect(await metric(/beamline_runtime_model_memory_bytes\{model="a",version="1"\} (\d+)/)).toBeGreaterThan(512 * 1024);
  });

  it('routes by name and version: each answer comes from the model named', async () => {
    for (const [i, name] of NAMES.entries()) {
      const res = await infer(name, 3, '1');
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      expect(res.body.outputs[0].data).toEqual([3 * (i + 1)]);
    }
  });

  it('unloads the least recently used model when the next one does not fit the budget', async () => {
    // After the last test: d was loaded last, and a (the least recently used) made room for it.
    expect((await index()).map((m) => [m.name, m.state])).toEqual([['a', 'UNAVAILABLE'], ['b', 'READY'], ['c', 'READY'], ['d', 'READY']]);
    expect((await stateOf('a')).reason).toMatch(/least recently used.*'d'/);
    expect(await metric(/beamline_runtime_model_unloads_total\{model="a",version="1",reason="lru"\} (\d+)/)).toBe(1);
    // Use b, then load a: c is now the least recently used, so c goes, b stays.
    expect((await infer('b')).status).toBe(200);
    expect((await infer('a')).status).toBe(200);
    expect((await index()).map((m) => [m.name, m.state])).toEqual([['a', 'READY'], ['b', 'READY'], ['c', 'UNAVAILABLE'], ['d', 'READY']]);
    expect(await metric(/beamline_runtime_model_loads_total\{model="a",version="1",outcome="success"\} (\d+)/)).toBe(2);
    expect(await metric(/beamline_runtime_model_memory_bytes\{model="c",version="1"\} (\d+)/)).toBe(0);
  });

  it('loads and unloads through the V2 repository API', async () => {
    const unload = await v2(runtime.url).post('/v2/repository/models/b/unload', {});
    expect(unload.status, JSON.stringify(unload.body)).toBe(200);
    expect(await stateOf('b')).toMatchObject({ state: 'UNAVAILABLE', reason: expect.stringMatching(/unloaded by request/) });
    expect(await metric(/beamline_runtime_model_unloads_total\{model="b",version="1",reason="request"\} (\d+)/)).toBe(1);
    const load = await v2(runtime.url).post('/v2/repository/models/c/load', {});
    expect(load.status, JSON.stringify(load.body)).toBe(200);
    expect((await stateOf('c')).state).toBe('READY');
    expect((await v2(runtime.url).get('/v2/models/c/ready')).status).toBe(200);
    // a, c, d are loaded: the budget held three and no more at every step.
    expect((await index()).filter((m) => m.state === 'READY').map((m) => m.name)).toEqual(['a', 'c', 'd']);
  });

  it('answers 404 naming the model or version it does not serve, and describes a model it does', async () => {
    const unknown = await infer('zzz');
    expect(unknown.status).toBe(404);
    expect(unknown.body.error).toMatch(/unknown model 'zzz'; this endpoint serves 'a', 'b', 'c', 'd'/);
    const version = await infer('a', 1, '7');
    expect(version.status).toBe(404);
    expect(version.body.error).toMatch(/unknown version '7' of model 'a'; this endpoint serves version 1/);
    expect((await v2(runtime.url).post('/v2/repository/models/zzz/load', {})).status).toBe(404);
    const meta = await v2(runtime.url).get('/v2/models/b');
    expect(meta.body).toMatchObject({ name: 'b', versions: ['1'], inputs: [{ name: 'x', datatype: 'FP32', shape: [-1, 1] }] });
  });
});

describe('a multi-model runtime that cannot serve its list', () => {
  it('does not turn ready when a model cannot be loaded, and names it', async () => {
    const broken = join(dirname(paths[0]), 'broken.onnx');
    await writeFile(broken, Buffer.from('not an onnx file'));
    await expect(startTestRuntime(['--models', modelsFlag([{ name: 'broken', version: '2', model: broken }]), '--memory-budget', '2Mi'])).rejects.toThrow(
      /model 'broken' version 2 could not be loaded/,
    );
  });

  it('does not fall back to cpu when a GPU provider cannot start and fallback is off (endpoints set it off)', async () => {
    await expect(startTestRuntime(['--models', modelsFlag(), '--memory-budget', '2Mi', '--execution-providers', 'cuda', '--provider-fallback', 'off'])).rejects.toThrow(
      /execution provider cuda could not start/,
    );
  });

  it('refuses to start with a model larger than the memory budget', async () => {
    const big = await writeModel(linearModel(Array.from({ length: 512 }, () => Array(512).fill(0.5)), Array(512).fill(0)), 'big');
    try {
      await expect(startTestRuntime(['--models', JSON.stringify([{ name: 'big', version: '1', model: big }]), '--memory-budget', '1Mi'])).rejects.toThrow(
        /model 'big' version 1 needs about 1\.6 MiB loaded, more than --memory-budget \(1\.0 MiB\)/,
      );
    } finally {
      await rm(dirname(big), { recursive: true, force: true });
    }
  });
});
