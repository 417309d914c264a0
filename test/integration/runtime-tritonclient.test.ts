import { spawn, spawnSync } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningRuntime } from '../../src/serving/runtime/runtime.js';
import { datatypesModel, mlpModel } from '../helpers/onnx-conv.js';
import { startTestRuntime, writeModel } from '../helpers/runtime.js';

/**
 * A client written for Triton/KServe works unchanged: NVIDIA's `tritonclient[http]`
 * from PyPI (installed by .ci/run) drives the runtime, binary and JSON tensors alike.
 */
const python = process.env.PYTHON ?? 'python3';
const probe = spawnSync(python, ['-c', 'import tritonclient.http, numpy'], { encoding: 'utf8' });
const missing = probe.status !== 0 ? `tritonclient[http] is not importable (${(probe.stderr || probe.error?.message || '').trim().split('\n').pop()}); install it with: python3 -m pip install 'tritonclient[http]'` : undefined;
if (missing) console.warn(`skipping the tritonclient test: ${missing}`);

const SCRIPT = String.raw`
import json, sys
import numpy as np
import tritonclient.http as httpclient

url, mlp_url = sys.argv[1], sys.argv[2]
c = httpclient.InferenceServerClient(url=url)
assert c.is_server_live() and c.is_server_ready()
assert c.is_model_ready('types') and c.is_model_ready('types', model_version='1')
assert c.get_server_metadata()['name'] == 'beamline'
meta = c.get_model_metadata('types')
assert meta['platform'] == 'onnxruntime_onnx', meta

samples = {
  'BOOL': np.array([[True, False], [False, True]]),
  'UINT8': np.array([[0, 255], [1, 2]], dtype=np.uint8),
  'UINT16': np.array([[0, 65535], [1, 2]], dtype=np.uint16),
  'UINT32': np.array([[0, 4294967295], [1, 2]], dtype=np.uint32),
  'UINT64': np.array([[0, 2**63 + 5], [1, 2]], dtype=np.uint64),
  'INT8': np.array([[-128, 127], [1, 2]], dtype=np.int8),
  'INT16': np.array([[-32768, 32767], [1, 2]], dtype=np.int16),
  'INT32': np.array([[-2**31, 2**31 - 1], [1, 2]], dtype=np.int32),
  'INT64': np.array([[-2**63, 2**63 - 1], [1, 2]], dtype=np.int64),
  'FP16': np.array([[0.5, -2.25], [1024, 0.1]], dtype=np.float16),
  'FP32': np.array([[1.5, -0.1], [3.75, 1e-3]], dtype=np.float32),
  'FP64': np.array([[np.pi, -np.e], [1e300, 1e-300]], dtype=np.float64),
  'BYTES': np.array([[b'hello', b''], ['\u00fcn\u00efcode'.encode(), b'beamline']], dtype=np.object_),
}
checked = 0
for binary in (True, False):
  inputs, outputs = [], []
  for t, arr in samples.items():
    i = httpclient.InferInput('in_' + t, list(arr.shape), t)
    # JSON cannot carry int64 beyond 2**53 exactly: those go binary only.
    i.set_data_from_numpy(arr, binary_data=binary or t in ('UINT64', 'INT64'))
    inputs.append(i)
    outputs.append(httpclient.InferRequestedOutput('out_' + t, binary_data=binary or t in ('UINT64', 'INT64')))
  r = c.infer('types', inputs, outputs=outputs, request_id='tc-%s' % binary)
  assert r.get_response()['id'] == 'tc-%s' % binary
  for t, arr in samples.items():
    got = r.as_numpy('out_' + t)
    if t == 'BYTES' and not binary:
      got = np.array([s.encode() if isinstance(s, str) else s for s in got.flatten()], dtype=np.object_).reshape(got.shape)
    assert got.shape == arr.shape, (t, got.shape)
    if t in ('FP16', 'FP32') and not binary:
      assert np.allclose(got.astype(arr.dtype), arr), (t, got, arr)
    else:
      assert (got == arr).all(), (t, binary, got, arr)
    checked += 1

m = httpclient.InferenceServerClient(url=mlp_url)
x = np.linspace(-1, 1, 4 * 32, dtype=np.float32).reshape(4, 32)
i = httpclient.InferInput('x', [4, 32], 'FP32'); i.set_data_from_numpy(x)
y = m.infer('mlp', [i], model_version='1').as_numpy('y')
assert y.shape == (4, 10) and y.dtype == np.float32
try:
  m.infer('mlp', [httpclient.InferInput('x', [4, 31], 'FP32').set_data_from_numpy(np.zeros((4, 31), np.float32))])
  raise SystemExit('a wrong shape was accepted')
except httpclient.InferenceServerException as e:
  err = str(e)
print(json.dumps({'checked': checked, 'mlp': y[0].tolist(), 'error': err}))
`;

let types: RunningRuntime;
let mlp: RunningRuntime;
beforeAll(async () => {
  if (missing) return;
  types = await startTestRuntime(['--model', await writeModel(datatypesModel(), 'types')]);
  mlp = await startTestRuntime(['--model', await writeModel(mlpModel(), 'mlp')]);
});
afterAll(async () => {
  await types?.shutdown('test');
  await mlp?.shutdown('test');
});

describe.skipIf(missing !== undefined)('tritonclient[http] against the runtime', () => {
  it('checks health and metadata, infers every datatype binary and JSON, and reads a 400', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'beamline-tritonclient-'));
    await writeFile(join(dir, 'client.py'), SCRIPT);
    const host = (u: string) => u.replace(/^http:\/\//, '');
    // Async spawn: the runtimes live in this process and must keep answering meanwhile.
    const proc = spawn(python, [join(dir, 'client.py'), host(types.url), host(mlp.url)], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    proc.stdout.on('data', (c: Buffer) => (out += c));
    proc.stderr.on('data', (c: Buffer) => (err += c));
    const code = await new Promise<number | null>((r) => proc.once('exit', r));
    expect(code, err).toBe(0);
    const result = JSON.parse(out.trim().split('\n').pop()!);
    expect(result.checked).toBe(26);
    expect(result.mlp).toHaveLength(10);
    expect(result.error).toMatch(/dimension 1 is 31/);
  });
});
