import { describe, expect, it } from 'vitest';
import { toBinary, fromJson } from './datatypes.js';
import { encodeInferResponse, parseInferRequest } from './protocol.js';

const body = (value: unknown) => Buffer.from(JSON.stringify(value));

describe('parseInferRequest', () => {
  it('decodes nested JSON data, id and requested outputs with their binary flags', () => {
    const req = parseInferRequest(
      body({
        id: 'r1',
        parameters: { binary_data_output: true },
        inputs: [{ name: 'x', datatype: 'INT32', shape: [2, 2], data: [[1, 2], [3, 4]] }],
        outputs: [{ name: 'y' }, { name: 'z', parameters: { binary_data: false } }],
      }),
    );
    expect(req.id).toBe('r1');
    expect(req.inputs[0].data).toEqual(Int32Array.from([1, 2, 3, 4]));
    expect(req.outputs).toEqual([{ name: 'y', binary: true }, { name: 'z', binary: false }]);
  });

  it('takes binary tensors after the JSON header, in input order', () => {
    const a = toBinary('FP32', fromJson('FP32', [1, 2]));
    const b = toBinary('BYTES', ['hi']);
    const header = body({
      inputs: [
        { name: 'a', datatype: 'FP32', shape: [2], parameters: { binary_data_size: a.length } },
        { name: 'j', datatype: 'BOOL', shape: [1], data: [true] },
        { name: 'b', datatype: 'BYTES', shape: [1], parameters: { binary_data_size: b.length } },
      ],
    });
    const req = parseInferRequest(Buffer.concat([header, a, b]), String(header.length));
    expect(req.inputs.map((i) => i.data)).toEqual([Float32Array.from([1, 2]), Uint8Array.from([1]), ['hi']]);
  });

  it.each([
    ['trailing binary bytes', () => Buffer.concat([body({ inputs: [{ name: 'a', datatype: 'BOOL', shape: [1], data: [true] }] }), Buffer.from([1])]), 'header', /1 bytes of binary data belong to no input/],
    ['data and binary together', () => body({ inputs: [{ name: 'a', datatype: 'BOOL', shape: [1], data: [true], parameters: { binary_data_size: 1 } }] }), undefined, /either data or parameters.binary_data_size/],
    ['a non-numeric header length', () => body({}), 'abc', /Inference-Header-Content-Length must be a byte count/],
    ['a shape entry that is not an integer', () => body({ inputs: [{ name: 'a', datatype: 'BOOL', shape: [1.5], data: [true] }] }), undefined, /inputs\[0\].shape\[0\]/],
    ['a missing name', () => body({ inputs: [{ datatype: 'BOOL', shape: [1], data: [true] }] }), undefined, /inputs\[0\].name/],
  ])('refuses %s', (_label, make, header, message) => {
    const buf = make();
    const headerLength = header === 'header' ? String(buf.length - 1) : header;
    expect(() => parseInferRequest(buf, headerLength)).toThrow(message);
  });
});

describe('encodeInferResponse', () => {
  it('writes JSON outputs, and binary ones after the header with their sizes', () => {
    const out = encodeInferResponse({ modelName: 'm', modelVersion: '2', id: 'r' }, [
      { name: 'j', datatype: 'INT64', shape: [2], data: BigInt64Array.from([2n ** 62n, -1n]), binary: false },
      { name: 'b', datatype: 'FP32', shape: [1], data: Float32Array.from([1]), binary: true },
    ]);
    const header = JSON.parse(out.body.subarray(0, out.headerLength).toString());
    expect(header).toEqual({
      model_name: 'm',
      model_version: '2',
      id: 'r',
      outputs: [
        { name: 'j', datatype: 'INT64', shape: [2], data: [2 ** 62, -1] },
        { name: 'b', datatype: 'FP32', shape: [1], parameters: { binary_data_size: 4 } },
      ],
    });
    // int64 is printed exactly even past 2^53.
    expect(out.body.toString()).toContain('"data":[4611686018427387904,-1]');
    expect(out.body.subarray(out.headerLength).readFloatLE(0)).toBe(1);
  });

  it('has no header length when every output is JSON', () => {
    expect(encodeInferResponse({ modelName: 'm', modelVersion: '1' }, []).headerLength).toBeUndefined();
  });
});
