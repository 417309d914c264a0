import ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fromBinary, fromJson, toBinary, type V2Datatype } from '../../src/serving/runtime/datatypes.js';
import type { RunningRuntime } from '../../src/serving/runtime/runtime.js';
import { datatypesModel, mlpModel } from '../helpers/onnx-conv.js';
import { binaryBody, startTestRuntime, v2, v2Call, writeModel } from '../helpers/runtime.js';

/** Two rows of two values per datatype; halves exactly representable in FP16. */
const SAMPLES: Record<V2Datatype, unknown[][]> = {
  BOOL: [[true, false], [false, true]],
  UINT8: [[0, 255], [7, 8]],
  UINT16: [[0, 65535], [1, 2]],
  UINT32: [[0, 4294967295], [3, 4]],
  UINT64: [[0, 9007199254740991], [5, 6]],
  INT8: [[-128, 127], [-1, 1]],
  INT16: [[-32768, 32767], [-2, 2]],
  INT32: [[-2147483648, 2147483647], [-3, 3]],
  INT64: [[-9007199254740991, 9007199254740991], [-4, 4]],
  FP16: [[0.5, -2.25], [1024, 0]],
  // FP32 values exact in float32: JSON carries the float32 value printed as a double.
  FP32: [[1.5, -0.25], [3.75, 0.125]],
  FP64: [[Math.PI, -Math.E], [1e300, -1e-300]],
  BYTES: [['hello', ''], ['ünïcode', 'beamline']],
};
const TYPES = Object.keys(SAMPLES) as V2Datatype[];

let types: RunningRuntime;
let mlp: RunningRuntime;
let mlpPath: string;

beforeAll(async () => {
  types = await startTestRuntime(['--model', await writeModel(datatypesModel(), 'types'), '--max-body-bytes', '1048576']);
  mlpPath = await writeModel(mlpModel(), 'mlp');
  mlp = await startTestRuntime(['--model', mlpPath, '--version', '7']);
});
afterAll(async () => {
  await types?.shutdown('test');
  await mlp?.shutdown('test');
});

const jsonInputs = (nested: boolean) =>
  TYPES.map((t) => ({ name: `in_${t}`, datatype: t, shape: [2, 2], data: nested ? SAMPLES[t] : SAMPLES[t].flat() }));

describe('health and metadata', () => {
  it('answers live, ready, server metadata, model metadata and model ready', async () => {
    const c = v2(mlp.url);
    expect((await c.get('/v2/health/live')).status).toBe(200);
    expect((await c.get('/v2/health/ready')).status).toBe(200);
    expect((await c.get('/v2')).body).toEqual({ name: 'beamline', version: '0.1.0', extensions: ['binary_tensor_data'] });
    const meta = { name: 'mlp', versions: ['7'], platform: 'onnxruntime_onnx', inputs: [{ name: 'x', datatype: 'FP32', shape: [-1, 32] }], outputs: [{ name: 'y', datatype: 'FP32', shape: [-1, 10] }] };
    expect((await c.get('/v2/models/mlp')).body).toEqual(meta);
    expect((await c.get('/v2/models/mlp/versions/7')).body).toEqual(meta);
    expect((await c.get('/v2/models/mlp/ready')).status).toBe(200);
    expect((await c.get('/v2/models/mlp/versions/7/ready')).status).toBe(200);
  });

  it('answers 404 with an error body for an unknown model or version, and 405 for a wrong method', async () => {
    const c = v2(mlp.url);
    for (const path of ['/v2/models/nope', '/v2/models/nope/ready', '/v2/models/mlp/versions/8', '/v2/models/mlp/versions/8/ready']) {
      const res = await c.get(path);
      expect(res.status, path).toBe(404);
      expect(res.body.error).toMatch(/unknown (model|version)/);
    }
    const infer = await c.post('/v2/models/mlp/versions/8/infer', { inputs: [] });
    expect(infer.status).toBe(404);
    expect((await c.get('/v2/models/mlp/infer')).status).toBe(405);
    expect((await c.post('/v2/models/mlp', {})).status).toBe(405);
    expect((await c.get('/nowhere')).status).toBe(404);
  });

  it('with a replica token (BEAMLINE_RUNTIME_REPLICA_TOKEN), needs it everywhere but health and /metrics', async () => {
    const token = 'the-replica-token-0123456789';
    const rt = await startTestRuntime(['--model', mlpPath], { BEAMLINE_RUNTIME_REPLICA_TOKEN: token });
    try {
      const infer = JSON.stringify({ inputs: [{ name: 'x', datatype: 'FP32', shape: [1, 32], data: new Array(32).fill(0) }] });
      for (const [method, path, body] of [['GET', '/v2'], ['GET', '/v2/models/mlp'], ['GET', '/v2/models/mlp/ready'], ['POST', '/v2/models/mlp/infer', infer], ['GET', '/nowhere']]) {
        for (const authorization of [undefined, 'Bearer wrong', `Basic ${token}`, `Bearer ${token}x`]) {
          const res = await v2Call(rt.url, method!, path!, body, authorization ? { authorization } : {});
          expect(res.status, `${method} ${path} with ${authorization}`).toBe(401);
          expect(res.headers['www-authenticate']).toBe('Bearer');
        }
      }
      const ok = await v2Call(rt.url, 'POST', '/v2/models/mlp/infer', infer, { authorization: `Bearer ${token}` });
      expect(ok.status).toBe(200);
      for (const open of ['/v2/health/live', '/v2/health/ready', '/metrics']) expect((await v2Call(rt.url, 'GET', open)).status, open).toBe(200);
    } finally {
      await rt.shutdown('test');
    }
  });

  it('reports not ready (503) as soon as shutdown starts, while still live', async () => {
    const rt = await startTestRuntime(['--model', mlpPath, '--drain-seconds', '1']);
    const stopping = rt.shutdown('test');
    const c = v2(rt.url);
    const ready = await c.get('/v2/health/ready');
    expect(ready.status).toBe(503);
    expect(ready.body).toEqual({ error: 'the server is shutting down' });
    expect((await c.get('/v2/models/mlp/ready')).status).toBe(503);
    expect((await c.get('/v2/health/live')).status).toBe(200);
    await stopping;
  });
});

describe('infer: datatypes, JSON and binary', () => {
  it.each([false, true])('round-trips every datatype as JSON (nested data: %s)', async (nested) => {
    const res = await v2(types.url).post('/v2/models/types/infer', { id: 'req-1', inputs: jsonInputs(nested) });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.model_name).toBe('types');
    expect(res.body.model_version).toBe('1');
    expect(res.body.id).toBe('req-1');
    for (const t of TYPES) {
      const out = res.body.outputs.find((o: { name: string }) => o.name === `out_${t}`);
      expect(out, t).toEqual({ name: `out_${t}`, datatype: t, shape: [2, 2], data: SAMPLES[t].flat() });
    }
  });

  it('accepts binary inputs and returns binary outputs when asked (Inference-Header-Content-Length)', async () => {
    const tensors = TYPES.map((t) => toBinary(t, fromJson(t, SAMPLES[t].flat())));
    const header = {
      inputs: TYPES.map((t, i) => ({ name: `in_${t}`, datatype: t, shape: [2, 2], parameters: { binary_data_size: tensors[i].length } })),
      outputs: TYPES.map((t) => ({ name: `out_${t}`, parameters: { binary_data: t !== 'FP64' } })),
    };
    const { body, headerLength } = binaryBody(header, tensors);
    const res = await v2(types.url).post('/v2/models/types/infer', body, { 'content-type': 'application/octet-stream', 'inference-header-content-length': headerLength });
    expect(res.status, res.bytes.toString()).toBe(200);
    expect(res.headers['content-type']).toBe('application/octet-stream');
    let at = Number(res.headers['inference-header-content-length']);
    for (const [i, t] of TYPES.entries()) {
      const out = res.body.outputs[i];
      expect(out.name).toBe(`out_${t}`);
      if (t === 'FP64') {
        expect(out.data).toEqual(SAMPLES.FP64.flat());
        continue;
      }
      const size = out.parameters.binary_data_size;
      const decoded = fromBinary(t, res.bytes.subarray(at, at + size), 4);
      at += size;
      expect(Buffer.compare(toBinary(t, decoded), tensors[i]), t).toBe(0);
    }
    expect(at).toBe(res.bytes.length);
  });

  it('gives the same numbers as an in-process session.run, and only the outputs asked for', async () => {
    const x = Array.from({ length: 3 * 32 }, (_, i) => Math.sin(i));
    const session = await ort.InferenceSession.create(mlpPath);
    const expected = (await session.run({ x: new ort.Tensor('float32', Float32Array.from(x), [3, 32]) })).y.data as Float32Array;
    await session.release();
    const res = await v2(mlp.url).post('/v2/models/mlp/versions/7/infer', { inputs: [{ name: 'x', datatype: 'FP32', shape: [3, 32], data: x }], outputs: [{ name: 'y' }] });
    expect(res.status).toBe(200);
    expect(res.body.outputs).toHaveLength(1);
    expect(res.body.outputs[0].shape).toEqual([3, 10]);
    expect(Float32Array.from(res.body.outputs[0].data)).toEqual(expected);
    expect(res.body.id).toBeUndefined();
  });
});

describe('infer: each bad input gets its status and an {"error"} body', () => {
  const x = (over: Record<string, unknown> = {}) => ({ inputs: [{ name: 'x', datatype: 'FP32', shape: [1, 32], data: Array(32).fill(0), ...over }] });
  const cases: Array<[string, string | unknown, RegExp, Record<string, string | number>?]> = [
    ['non-JSON body', '{"inputs": [', /not valid JSON/],
    ['no inputs', { inputs: [] }, /inputs/],
    ['unknown field', { inputs: x().inputs, colour: 'red' }, /colour|unrecognized/i],
    ['wrong input name', x({ name: 'z' }), /unknown input 'z'.*inputs are: x/],
    ['wrong datatype', x({ datatype: 'FP64' }), /datatype FP64 does not match the model's FP32/],
    ['unknown datatype', x({ datatype: 'FLOAT' }), /unknown datatype 'FLOAT'/],
    ['wrong rank', x({ shape: [32], data: Array(32).fill(0) }), /rank 1.*\[-1, 32\]/],
    ['wrong fixed dimension', x({ shape: [1, 31], data: Array(31).fill(0) }), /dimension 1 is 31/],
    ['element count', x({ data: Array(31).fill(0) }), /31 elements; shape \[1, 32\] needs 32/],
    ['element type', x({ data: [...Array(31).fill(0), 'a'] }), /element 31 is "a"; FP32 needs a number/],
    ['negative shape', x({ shape: [-1, 32] }), /shape/],
    ['no data', x({ data: undefined }), /data must be an array/],
    ['input given twice', { inputs: [...x().inputs, ...x().inputs] }, /given twice/],
    ['unknown output', { ...x(), outputs: [{ name: 'nope' }] }, /unknown output 'nope'/],
    ['bad header length', JSON.stringify(x()), /Inference-Header-Content-Length/, { 'inference-header-content-length': 999999 }],
    ['binary size past the end', { inputs: [{ name: 'x', datatype: 'FP32', shape: [1, 32], parameters: { binary_data_size: 128 } }] }, /runs past the end/],
  ];
  it.each(cases)('%s → 400', async (_label, body, message, headers) => {
    const res = await v2(mlp.url).post('/v2/models/mlp/infer', body, headers);
    expect(res.status, res.bytes.toString()).toBe(400);
    expect(Object.keys(res.body)).toEqual(['error']);
    expect(res.body.error).toMatch(message);
  });

  it('refuses a body over the limit with 413 and keeps serving', async () => {
    const huge = JSON.stringify({ inputs: [{ name: 'in_FP32', datatype: 'FP32', shape: [1, 2], data: Array(300_000).fill(1.25) }] });
    expect(huge.length).toBeGreaterThan(1048576);
    const res = await v2(types.url).post('/v2/models/types/infer', huge);
    expect(res.status).toBe(413);
    expect(res.body.error).toMatch(/larger than the 1048576 bytes/);
    expect((await v2(types.url).get('/v2/health/ready')).status).toBe(200);
  });

  it('counts outcomes and exposes histograms on /metrics', async () => {
    const text = (await v2(mlp.url).get('/metrics')).bytes.toString();
    expect(text).toMatch(/beamline_runtime_requests_total\{model="mlp",version="7",outcome="bad_request"\} \d+/);
    expect(text).toMatch(/beamline_runtime_requests_total\{model="mlp",version="7",outcome="success"\} \d+/);
    expect(text).toMatch(/beamline_runtime_request_duration_seconds_bucket\{le="0.001",model="mlp",version="7",phase="compute"\}/);
    expect(text).toMatch(/beamline_runtime_batch_size_bucket/);
    expect(text).toMatch(/beamline_runtime_inflight_requests\{model="mlp",version="7"\} 0/);
    expect(text).toMatch(/beamline_runtime_model_load_seconds\{model="mlp",version="7",source="local"\}/);
    expect(text).toMatch(/process_cpu_seconds_total/);
  });
});
