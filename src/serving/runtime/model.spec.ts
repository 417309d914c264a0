import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addModel } from '../../../test/helpers/onnx.js';
import { LoadedModel, providerReason, type LoadOptions } from './model.js';

let dir: string;
let path: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'model-spec-'));
  path = join(dir, 'add.onnx');
  await writeFile(path, addModel());
});
afterAll(() => rm(dir, { recursive: true, force: true }));

const options = (over: Partial<LoadOptions>): LoadOptions => ({ path, name: 'add', version: '1', executionProviders: ['cpu'], intraOpThreads: 1, intraOpSpinning: false, rangePolicy: 'refuse', warn: () => {}, ...over });

// The npm package of onnxruntime-node ships no CUDA provider library, so 'cuda' cannot start here.
describe('LoadedModel.load with a provider that cannot start', () => {
  it('falls back to cpu and warns by default', async () => {
    const warnings: string[] = [];
    const model = await LoadedModel.load(options({ executionProviders: ['cuda'], warn: (m) => warnings.push(m) }));
    expect(model.providers).toEqual(['cpu']);
    expect(warnings.join('\n')).toMatch(/execution providers \[cuda\] failed .*falling back to cpu/);
    await model.release();
  });

  it('fails the load, naming the provider, when fallback is off', async () => {
    await expect(LoadedModel.load(options({ executionProviders: ['cuda'], providerFallback: false }))).rejects.toThrow(/^execution provider cuda could not start: /);
  });

  it('loads on cpu with fallback off when cpu is what was asked', async () => {
    const model = await LoadedModel.load(options({ providerFallback: false }));
    expect(model.providers).toEqual(['cpu']);
    await model.release();
  });
});

describe('providerReason', () => {
  it.each([
    [
      'CudaCall … CUDA failure 35: CUDA driver version is insufficient for CUDA runtime version ; GPU=-1 ; hostname=vm ; file=x.cc',
      'CUDA failure 35: CUDA driver version is insufficient for CUDA runtime version',
    ],
    ['Failed to load library /x/libonnxruntime_providers_cuda.so with error: libcuda.so.1: cannot open shared object file: No such file or directory', 'libcuda.so.1: cannot open shared object file: No such file or directory'],
    ['webgpu_context.cc:136 … was false. Failed to get a WebGPU adapter: No supported adapters', 'Failed to get a WebGPU adapter: No supported adapters'],
  ])('%s', (message, want) => {
    expect(providerReason(new Error(message))).toBe(want);
  });

  it('says what is missing when onnxruntime only says the shared library failed', () => {
    expect(providerReason(new Error('OrtSessionOptionsAppendExecutionProvider_Cuda: Failed to load shared library'))).toMatch(/provider library .* is missing/);
  });
});
