import { describe, expect, it } from 'vitest';
import { concatFeeds, planBatch, splitOutputs, SplitError, type Tensor } from './batch-plan.js';
import type { InferInput } from './protocol.js';

const item = (batchKey: string | null, rows?: number) => ({ batchKey, rows });

describe('planBatch', () => {
  it.each([
    ['empty queue', [], 8, []],
    ['one request', [item('a', 1)], 8, [0]],
    ['same key, all fit', [item('a', 1), item('a', 2), item('a', 3)], 8, [0, 1, 2]],
    ['stops at maxBatchSize', [item('a', 4), item('a', 4), item('a', 1)], 8, [0, 1]],
    ['skips a request that does not fit, takes a later one that does', [item('a', 4), item('a', 5), item('a', 4)], 8, [0, 2]],
    ['other keys wait for their own batch', [item('a', 1), item('b', 1), item('a', 1)], 8, [0, 2]],
    ['an unbatchable head runs alone', [item(null), item('a', 1)], 8, [0]],
    ['an unbatchable request is never pulled into a batch', [item('a', 1), item(null), item('a', 1)], 8, [0, 2]],
    ['a head as large as the limit runs alone', [item('a', 8), item('a', 1)], 8, [0]],
    ['a head larger than the limit runs alone', [item('a', 20), item('a', 1)], 8, [0]],
    ['a later too-large request is left for later', [item('a', 1), item('a', 20)], 8, [0]],
  ])('%s', (_label, queue, max, expected) => {
    expect(planBatch(queue, max)).toEqual(expected);
  });
});

const input = (name: string, rows: number, values: number[]): InferInput => ({
  name,
  datatype: 'FP32',
  shape: [rows, values.length / rows],
  data: Float32Array.from(values),
});

describe('concatFeeds and splitOutputs', () => {
  it('stacks rows in request order and cuts outputs back by rows', () => {
    const merged = concatFeeds([
      [input('x', 1, [1, 2])],
      [input('x', 2, [3, 4, 5, 6])],
    ]);
    expect(merged).toEqual([{ name: 'x', datatype: 'FP32', shape: [3, 2], data: Float32Array.from([1, 2, 3, 4, 5, 6]) }]);
    const out = new Map<string, Tensor>([['y', { datatype: 'FP32', shape: [3, 1], data: Float32Array.from([10, 20, 30]) }]]);
    const parts = splitOutputs(out, [1, 2]);
    expect(parts[0].get('y')).toEqual({ datatype: 'FP32', shape: [1, 1], data: Float32Array.from([10]) });
    expect(parts[1].get('y')).toEqual({ datatype: 'FP32', shape: [2, 1], data: Float32Array.from([20, 30]) });
  });

  it('stacks BYTES as arrays of strings', () => {
    const merged = concatFeeds([
      [{ name: 's', datatype: 'BYTES', shape: [1], data: ['a'] }],
      [{ name: 's', datatype: 'BYTES', shape: [2], data: ['b', 'c'] }],
    ]);
    expect(merged[0]).toEqual({ name: 's', datatype: 'BYTES', shape: [3], data: ['a', 'b', 'c'] });
  });

  it('refuses to split an output whose first dimension is not the stacked rows', () => {
    const out = new Map<string, Tensor>([['sum', { datatype: 'FP32', shape: [1, 4], data: new Float32Array(4) }]]);
    expect(() => splitOutputs(out, [1, 2])).toThrow(SplitError);
  });
});
