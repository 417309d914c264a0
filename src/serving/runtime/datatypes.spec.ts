import { describe, expect, it } from 'vitest';
import { CodecError, flatten, fromBinary, fromHalf, fromJson, toBinary, toHalf, toJsonText, type V2Datatype } from './datatypes.js';

describe('flatten', () => {
  it.each([
    [[1, 2, 3], [1, 2, 3]],
    [[[1, 2], [3, 4]], [1, 2, 3, 4]],
    [[[[1], [2]], [[3], [4]]], [1, 2, 3, 4]],
    [[1, [2, 3]], [1, 2, 3]],
    [[], []],
  ])('%j → %j', (input, out) => expect(flatten(input)).toEqual(out));

  it('flattens 100,000 levels of nesting without overflowing the stack', () => {
    const deep = JSON.parse(`${'['.repeat(100_000)}1${']'.repeat(100_000)}`) as unknown[];
    expect(flatten([deep, 2])).toEqual([1, 2]);
  });
});

describe('fromJson / toJsonText round trip', () => {
  const cases: Array<[V2Datatype, unknown[], string]> = [
    ['BOOL', [true, false], '[true,false]'],
    ['UINT8', [0, 255], '[0,255]'],
    ['INT8', [-128, 127], '[-128,127]'],
    ['UINT16', [65535], '[65535]'],
    ['INT16', [-32768], '[-32768]'],
    ['UINT32', [4294967295], '[4294967295]'],
    ['INT32', [-2147483648], '[-2147483648]'],
    ['INT64', [-9007199254740991, 3], '[-9007199254740991,3]'],
    ['UINT64', [9007199254740991], '[9007199254740991]'],
    ['FP16', [0.5, -2.25, 65504], '[0.5,-2.25,65504]'],
    ['FP32', [1.5, -0.25], '[1.5,-0.25]'],
    ['FP64', [Math.PI], `[${Math.PI}]`],
    ['BYTES', ['a', 'ü"'], '["a","ü\\""]'],
  ];
  it.each(cases)('%s', (datatype, values, text) => {
    expect(toJsonText(datatype, fromJson(datatype, values))).toBe(text);
  });

  it('prints non-finite floats as null', () => {
    expect(toJsonText('FP32', Float32Array.from([1, NaN, Infinity]))).toBe('[1,null,null]');
  });
});

describe('fromJson refuses elements that do not fit, naming the element', () => {
  it.each([
    ['BOOL', [1], /element 0 is 1; BOOL needs true or false/],
    ['UINT8', [256], /element 0 is 256; UINT8 needs an integer in \[0, 255\]/],
    ['INT8', [1.5], /INT8 needs an integer/],
    ['UINT32', [-1], /UINT32 needs an integer/],
    ['INT64', [2 ** 60], /INT64 needs an integer/],
    ['FP32', [0, '1'], /element 1 is "1"; FP32 needs a number/],
    ['FP16', [null], /element 0 is null; FP16 needs a number/],
    ['BYTES', [1], /BYTES needs a string/],
  ] as Array<[V2Datatype, unknown[], RegExp]>)('%s %j', (datatype, values, message) => {
    expect(() => fromJson(datatype, values)).toThrow(CodecError);
    expect(() => fromJson(datatype, values)).toThrow(message);
  });
});

describe('binary extension codecs', () => {
  it.each(['BOOL', 'UINT8', 'INT16', 'UINT32', 'INT64', 'FP16', 'FP32', 'FP64'] as V2Datatype[])('%s round-trips at any byte offset', (datatype) => {
    const data = fromJson(datatype, datatype === 'BOOL' ? [true, false, true] : [1, 0, 1]);
    const bytes = toBinary(datatype, data);
    const unaligned = Buffer.concat([Buffer.from([9]), bytes]).subarray(1);
    expect(fromBinary(datatype, unaligned, 3)).toEqual(data);
  });

  it('BYTES are 4-byte little-endian lengths, then the bytes', () => {
    const bytes = toBinary('BYTES', ['ab', '', 'ü']);
    expect([...bytes]).toEqual([2, 0, 0, 0, 97, 98, 0, 0, 0, 0, 2, 0, 0, 0, 0xc3, 0xbc]);
    expect(fromBinary('BYTES', bytes, 3)).toEqual(['ab', '', 'ü']);
  });

  it.each([
    ['FP32', Buffer.alloc(7), 2, /has 7 bytes; 2 FP32 elements need 8/],
    ['BYTES', Buffer.from([5, 0, 0, 0, 1]), 1, /runs past the end/],
    ['BYTES', Buffer.from([1, 0]), 1, /inside a 4-byte length prefix/],
    ['BYTES', Buffer.from([0, 0, 0, 0]), 2, /holds 1 BYTES elements; the shape needs 2/],
  ] as Array<[V2Datatype, Buffer, number, RegExp]>)('refuses %s with the wrong size', (datatype, bytes, count, message) => {
    expect(() => fromBinary(datatype, bytes, count)).toThrow(message);
  });
});

describe('FP16', () => {
  it.each([
    [0, 0x0000],
    [-0, 0x8000],
    [1, 0x3c00],
    [-2, 0xc000],
    [65504, 0x7bff],
    [65520, 0x7c00],
    [Infinity, 0x7c00],
    [2 ** -24, 0x0001],
    [2 ** -14, 0x0400],
    [0.1, 0x2e66],
  ])('%d ↔ 0x%s', (value, bits) => {
    expect(toHalf(value)).toBe(bits);
    if (value !== 65520 && value !== 0.1) expect(fromHalf(bits)).toBe(value);
  });

  it('NaN stays NaN', () => expect(fromHalf(toHalf(NaN))).toBeNaN());
});
