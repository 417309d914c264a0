import { writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningRuntime } from '../../src/serving/runtime/runtime.js';
import { lumeModel } from '../helpers/onnx-conv.js';
import { startTestRuntime, v2, writeModel } from '../helpers/runtime.js';

/**
 * LUME variable metadata: y = 2·x0 − 3·x1 + 0.5·x2 + 1 with x0 ranged to [-1, 1] and x2
 * defaulting to 4. The range policy decides whether an outlier is refused or served
 * with a warning; a missing input with a default is filled.
 */
let refuse: RunningRuntime;
let warn: RunningRuntime;

beforeAll(async () => {
  const path = await writeModel(lumeModel(), 'lume');
  const variables = join(dirname(path), 'variables.json');
  await writeFile(variables, JSON.stringify({ inputs: { x0: { range: [-1, 1], unit: 'A' }, x2: { default: 4 } }, outputs: { y: { unit: 'mm' } } }));
  refuse = await startTestRuntime(['--model', path, '--variables', variables]);
  warn = await startTestRuntime(['--model', path, '--variables', variables, '--range-policy', 'warn']);
});
afterAll(async () => {
  await Promise.all([refuse?.shutdown('test'), warn?.shutdown('test')]);
});

const row = (x0: number[], x1: number[], x2?: number[]) => ({
  inputs: [
    { name: 'x0', datatype: 'FP32', shape: [x0.length, 1], data: x0 },
    { name: 'x1', datatype: 'FP32', shape: [x1.length, 1], data: x1 },
    ...(x2 ? [{ name: 'x2', datatype: 'FP32', shape: [x2.length, 1], data: x2 }] : []),
  ],
});

describe('LUME variables', () => {
  it('fills a missing input from its default, one value per row', async () => {
    const res = await v2(refuse.url).post('/v2/models/lume/infer', row([0.5, -1], [1, 0]));
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.outputs[0]).toMatchObject({ name: 'y', shape: [2, 1], data: [2 * 0.5 - 3 + 2 + 1, -2 + 0 + 2 + 1] });
  });

  it('refuses an input outside its range under the refuse policy (the default)', async () => {
    const res = await v2(refuse.url).post('/v2/models/lume/infer', row([0.5, 1.5], [0, 0], [0, 0]));
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ error: "input 'x0': element 1 is 1.5, outside its range [-1, 1]" });
  });

  it('serves it with a warning in the response and a metric under the warn policy', async () => {
    const res = await v2(warn.url).post('/v2/models/lume/infer', row([1.5], [0], [0]));
    expect(res.status).toBe(200);
    expect(res.body.parameters).toEqual({ warnings: ["input 'x0': element 0 is 1.5, outside its range [-1, 1]"] });
    expect(res.body.outputs[0].data).toEqual([4]);
    const metrics = (await v2(warn.url).get('/metrics')).bytes.toString();
    expect(metrics).toMatch(/beamline_runtime_range_warnings_total\{model="lume",version="1",input="x0"\} 1/);
  });

  it('still refuses a missing input without a default', async () => {
    const res = await v2(refuse.url).post('/v2/models/lume/infer', { inputs: [{ name: 'x0', datatype: 'FP32', shape: [1, 1], data: [0] }] });
    expect(res.status).toBe(400);
    expect(res.body.error).toBe("missing input 'x1' (and it has no default)");
  });
});
