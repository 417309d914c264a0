import { describe, expect, it } from 'vitest';
import { fromJson, type V2Datatype } from './datatypes.js';
import type { InferInput, InferRequest } from './protocol.js';
import { isBatchable, validateRequest, type ModelSpec, type TensorMeta } from './validation.js';

const meta = (name: string, shape: Array<number | string>, datatype: V2Datatype = 'FP32'): TensorMeta => ({ name, datatype, shape });

function spec(overrides: Partial<ModelSpec> = {}): ModelSpec {
  const inputs = overrides.inputs ?? [meta('a', ['batch', 2]), meta('b', ['batch', 1])];
  const outputs = overrides.outputs ?? [meta('y', ['batch', 1])];
  return { name: 'm', version: '1', inputs, outputs, rangePolicy: 'refuse', batchable: isBatchable(inputs, outputs), ...overrides };
}

const input = (name: string, shape: number[], values: number[], datatype: V2Datatype = 'FP32'): InferInput => ({ name, datatype, shape, data: fromJson(datatype, values) });
const request = (inputs: InferInput[], outputs?: string[]): InferRequest => ({ inputs, outputs: outputs?.map((name) => ({ name, binary: false })), binaryOutputs: false });

describe('isBatchable', () => {
  it.each([
    ['symbolic first dims everywhere', [meta('a', ['n', 2])], [meta('y', ['n'])], true],
    ['-1 first dims', [meta('a', [-1, 2])], [meta('y', [-1])], true],
    ['a fixed first dim', [meta('a', [1, 2])], [meta('y', ['n'])], false],
    ['an output without a batch dim', [meta('a', ['n', 2])], [meta('y', [1])], false],
    ['a scalar input', [meta('a', [])], [meta('y', ['n'])], false],
    ['inputs with different batch symbols', [meta('a', ['n', 2]), meta('b', ['m', 2])], [meta('y', ['n'])], false],
  ])('%s → %s', (_label, inputs, outputs, expected) => {
    expect(isBatchable(inputs, outputs)).toBe(expected);
  });
});

describe('validateRequest', () => {
  it('orders feeds as the model does and keys the batch by trailing dims', () => {
    const v = validateRequest(spec(), request([input('b', [2, 1], [1, 2]), input('a', [2, 2], [1, 2, 3, 4])]));
    expect(v.feeds.map((f) => f.name)).toEqual(['a', 'b']);
    expect(v.rows).toBe(2);
    expect(v.batchKey).toBe('FP32[2]|FP32[1]');
  });

  it.each([
    ['an unknown input', [input('c', [1, 1], [0])], /unknown input 'c'; the model's inputs are: a, b/],
    ['a wrong datatype', [input('a', [1, 2], [0, 0], 'FP64'), input('b', [1, 1], [0])], /input 'a': datatype FP64 does not match the model's FP32/],
    ['a wrong rank', [input('a', [2], [0, 0]), input('b', [1, 1], [0])], /input 'a': shape \[2\] has rank 1; the model expects \[-1, 2\]/],
    ['a wrong fixed dim', [input('a', [1, 3], [0, 0, 0]), input('b', [1, 1], [0])], /input 'a': dimension 1 is 3/],
    ['a symbolic dim bound twice differently', [input('a', [1, 2], [0, 0]), input('b', [2, 1], [0, 0])], /input 'b': dimension 0 \('batch'\) is 2 but another input set 'batch' to 1/],
    ['a missing input without default', [input('a', [1, 2], [0, 0])], /missing input 'b' \(and it has no default\)/],
  ])('refuses %s', (_label, inputs, message) => {
    expect(() => validateRequest(spec(), request(inputs))).toThrow(message);
  });

  it('refuses an unknown requested output', () => {
    expect(() => validateRequest(spec(), request([input('a', [1, 2], [0, 0]), input('b', [1, 1], [0])], ['z']))).toThrow(/unknown output 'z'; the model's outputs are: y/);
  });

  it('does not batch a model without a shared batch dimension', () => {
    const s = spec({ inputs: [meta('a', [1, 2])], outputs: [meta('y', [1])] });
    expect(validateRequest(s, request([input('a', [1, 2], [0, 0])])).batchKey).toBeNull();
  });
});

describe('LUME variables', () => {
  const variables = {
    inputs: { a: { range: [0, 1] as [number, number], constant: false }, b: { default: 7, constant: false } },
    outputs: {},
  };

  it('fills a missing input from its default, sized by the bound batch symbol', () => {
    const v = validateRequest(spec({ variables }), request([input('a', [3, 2], [0, 0, 0, 0, 0, 0])]));
    expect(v.feeds[1]).toEqual({ name: 'b', datatype: 'FP32', shape: [3, 1], data: Float32Array.from([7, 7, 7]) });
  });

  it('fills INT64 and FP16 defaults in their own representation', () => {
    const s = spec({ inputs: [meta('a', ['n', 2]), meta('b', [2], 'INT64'), meta('c', [1], 'FP16')], outputs: [meta('y', ['n'])], variables: { inputs: { b: { default: [4, 5], constant: false }, c: { default: 1, constant: false } }, outputs: {} } });
    const v = validateRequest(s, request([input('a', [1, 2], [0, 0])]));
    expect(v.feeds[1].data).toEqual(BigInt64Array.from([4n, 5n]));
    expect(v.feeds[2].data).toEqual(Uint16Array.from([0x3c00]));
  });

  it('refuses a value outside the range under refuse, naming the element', () => {
    expect(() => validateRequest(spec({ variables }), request([input('a', [1, 2], [0.5, 1.5])]))).toThrow("input 'a': element 1 is 1.5, outside its range [0, 1]");
  });

  it('warns once per input under warn and keeps the request', () => {
    const v = validateRequest(spec({ variables, rangePolicy: 'warn' }), request([input('a', [1, 2], [-1, 2])]));
    expect(v.warnings).toEqual([{ input: 'a', message: "input 'a': element 0 is -1, outside its range [0, 1]" }]);
  });

  it('treats NaN as outside any range', () => {
    expect(() => validateRequest(spec({ variables }), request([input('a', [1, 2], [0, NaN])]))).toThrow(/element 1 is NaN/);
  });
});
