import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningRuntime } from '../../src/serving/runtime/runtime.js';
import { gatherModel, mlpModel, weights } from '../helpers/onnx-conv.js';
import { startTestRuntime, v2, writeModel } from '../helpers/runtime.js';

/**
 * Dynamic batching: the same requests from many concurrent clients give the same
 * numbers with batching on and off, and a bad request sharing a batch fails alone.
 * A generous queue delay makes batches form whatever the machine's load; the test
 * asserts on what was merged (the batch-size histogram), never on time.
 */
let on: RunningRuntime;
let off: RunningRuntime;
let gather: RunningRuntime;

beforeAll(async () => {
  const path = await writeModel(mlpModel(), 'mlp');
  on = await startTestRuntime(['--model', path, '--batching', 'on', '--max-batch-size', '32', '--max-queue-delay-micros', '50000']);
  off = await startTestRuntime(['--model', path, '--batching', 'off']);
  gather = await startTestRuntime(['--model', await writeModel(gatherModel(), 'gather'), '--max-batch-size', '64', '--max-queue-delay-micros', '100000']);
});
afterAll(async () => {
  await Promise.all([on?.shutdown('test'), off?.shutdown('test'), gather?.shutdown('test')]);
});

const requests = Array.from({ length: 48 }, (_, k) => {
  const rows = 1 + (k % 4);
  return { id: `r${k}`, inputs: [{ name: 'x', datatype: 'FP32', shape: [rows, 32], data: Array.from(weights(rows * 32, 1000 + k, 3)) }] };
});

async function histogram(url: string): Promise<{ count: number; sum: number }> {
  const text = (await v2(url).get('/metrics')).bytes.toString();
  const count = Number(/beamline_runtime_batch_size_count\{[^}]*\} (\d+)/.exec(text)?.[1] ?? 0);
  const sum = Number(/beamline_runtime_batch_size_sum\{[^}]*\} (\d+)/.exec(text)?.[1] ?? 0);
  return { count, sum };
}

describe('dynamic batching', () => {
  it('gives the same results with and without batching under 48 concurrent clients', async () => {
    const before = await histogram(on.url);
    const [batched, single] = await Promise.all([
      Promise.all(requests.map((r) => v2(on.url).post('/v2/models/mlp/infer', r))),
      Promise.all(requests.map((r) => v2(off.url).post('/v2/models/mlp/infer', r))),
    ]);
    for (const [k, res] of batched.entries()) {
      expect(res.status).toBe(200);
      expect(single[k].status).toBe(200);
      expect(res.body.id).toBe(`r${k}`);
      expect(res.body.outputs[0].shape).toEqual([requests[k].inputs[0].shape[0], 10]);
      const a = res.body.outputs[0].data as number[];
      const b = single[k].body.outputs[0].data as number[];
      // A stacked GEMM may block differently from a single-row one: equal to float32 rounding.
      a.forEach((v, i) => expect(Math.abs(v - b[i])).toBeLessThanOrEqual(1e-5 * Math.max(1, Math.abs(b[i]))));
    }
    const after = await histogram(on.url);
    const runs = after.count - before.count;
    const rows = after.sum - before.sum;
    expect(rows).toBe(requests.reduce((s, r) => s + r.inputs[0].shape[0], 0));
    expect(runs).toBeLessThan(requests.length);
  });

  it('fails only the bad requests of a shared batch: a 400 before it, a 500 inside it', async () => {
    const good = (i: number) => ({ inputs: [{ name: 'index', datatype: 'INT64', shape: [2], data: [i % 10, (i + 3) % 10] }] });
    const outOfTable = { inputs: [{ name: 'index', datatype: 'INT64', shape: [1], data: [99] }] };
    const wrongType = { inputs: [{ name: 'index', datatype: 'INT32', shape: [1], data: [1] }] };
    const bodies = [...Array.from({ length: 6 }, (_, i) => good(i)), outOfTable, wrongType, ...Array.from({ length: 6 }, (_, i) => good(i + 6))];
    const before = await histogram(gather.url);
    const results = await Promise.all(bodies.map((b) => v2(gather.url).post('/v2/models/gather/infer', b)));
    results.forEach((res, k) => {
      if (k === 6) {
        expect(res.status).toBe(500);
        expect(res.body.error).toMatch(/inference failed/);
      } else if (k === 7) {
        expect(res.status).toBe(400);
        expect(res.body.error).toMatch(/INT32 does not match the model's INT64/);
      } else {
        expect(res.status, JSON.stringify(res.body)).toBe(200);
        const [i, j] = bodies[k].inputs[0].data as number[];
        expect(res.body.outputs[0].data).toEqual([4 * i, 4 * i + 1, 4 * i + 2, 4 * i + 3, 4 * j, 4 * j + 1, 4 * j + 2, 4 * j + 3]);
      }
    });
    const after = await histogram(gather.url);
    // The merged run that held index 99 failed, then each request ran alone.
    expect(after.count - before.count).toBeGreaterThan(1);
  });
});
