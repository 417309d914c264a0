import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lumeModel } from '../helpers/onnx-conv.js';
import { registry, sha256 } from '../helpers/onnx-registry.js';
import { startTestRuntime, v2 } from '../helpers/runtime.js';
import { client, seedToken, startTestApp, type TestApp } from '../helpers/test-app.js';

/**
 * The runtime against the real registry (API on real PostgreSQL): it downloads the
 * version's artifact with the endpoint's token, checks the sha256, caches it, and
 * takes the version's variables and range policy; a second start reads the cache.
 */
let t: TestApp;
let token: string;
let artifactDir: string;
let cacheDir: string;
const onnx = lumeModel();
const versionUrl = () => `${t.url}/v1/projects/physics/models/injector/versions/1`;

beforeAll(async () => {
  artifactDir = await mkdtemp(join(tmpdir(), 'beamline-artifacts-'));
  cacheDir = await mkdtemp(join(tmpdir(), 'beamline-model-cache-'));
  t = await startTestApp({ role: 'api', env: { BEAMLINE_ARTIFACT_DIR: artifactDir } });
  token = await seedToken(t.app, 'MEMBER', ['physics']);
  await client(t.url, token).post('/v1/projects/physics/models', { name: 'injector' });
  const res = await registry(t.url, token).multipart('/v1/projects/physics/models/injector/versions', onnx, {
    sha256: sha256(onnx),
    tags: ['range-policy=warn'],
    variables: { inputs: { x0: { range: [-1, 1] }, x2: { default: 4 } } },
  });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
});
afterAll(async () => {
  await t?.close();
  await rm(artifactDir, { recursive: true, force: true });
  await rm(cacheDir, { recursive: true, force: true });
});

async function loadSource(url: string): Promise<string | undefined> {
  const text = (await v2(url).get('/metrics')).bytes.toString();
  return /beamline_runtime_model_load_seconds\{model="injector",version="1",source="(\w+)"\}/.exec(text)?.[1];
}

describe('loading from the registry', () => {
  it('downloads, verifies and serves the version with its name, variables and policy; the second start uses the cache', async () => {
    const first = await startTestRuntime(['--model', versionUrl(), '--token', token, '--cache-dir', cacheDir]);
    try {
      expect(await loadSource(first.url)).toBe('download');
      expect((await v2(first.url).get('/v2/models/injector/versions/1')).body).toMatchObject({ name: 'injector', versions: ['1'] });
      // x2 missing: filled from its default; x0 out of range: warned (the version's tag).
      const res = await v2(first.url).post('/v2/models/injector/infer', {
        inputs: [
          { name: 'x0', datatype: 'FP32', shape: [1, 1], data: [2] },
          { name: 'x1', datatype: 'FP32', shape: [1, 1], data: [1] },
        ],
      });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      expect(res.body.outputs[0].data).toEqual([2 * 2 - 3 + 0.5 * 4 + 1]);
      expect(res.body.parameters.warnings).toHaveLength(1);
    } finally {
      await first.shutdown('test');
    }
    expect(await readdir(join(cacheDir, 'sha256'))).toEqual([`${sha256(onnx)}.onnx`]);

    // The artifact URL works too, and the blob now comes from the cache.
    const second = await startTestRuntime(['--model', `${versionUrl()}/artifact`], { BEAMLINE_RUNTIME_TOKEN: token, BEAMLINE_RUNTIME_CACHE_DIR: cacheDir });
    try {
      expect(await loadSource(second.url)).toBe('cache');
      expect((await v2(second.url).get('/v2/health/ready')).status).toBe(200);
    } finally {
      await second.shutdown('test');
    }
  });

  it('fails to start with the registry\'s answer when the token is wrong or the version unknown', async () => {
    await expect(startTestRuntime(['--model', versionUrl(), '--token', 'blt_wrong', '--cache-dir', cacheDir])).rejects.toThrow(/the registry answered 401/);
    await expect(startTestRuntime(['--model', versionUrl().replace(/1$/, '9'), '--token', token, '--cache-dir', cacheDir])).rejects.toThrow(/answered 404/);
  });
});
