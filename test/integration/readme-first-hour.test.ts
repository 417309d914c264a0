import { execFile } from 'node:child_process';
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registry, sha256 } from '../helpers/onnx-registry.js';
import { client, eventually, seedToken, startTestApp, type TestApp } from '../helpers/test-app.js';

/**
 * The README's first steps on the local driver of a machine without GPUs. "Submit, list and
 * follow a training job": the CPU job succeeds; the GPU job waits with a reason that says no
 * node has such a GPU (not "quota", not "capacity"). "Register and download a model": the
 * model examples/make-model.ts writes registers with the signature the README shows.
 * Keep the bodies and the sample outputs in step with the README.
 */
let t: TestApp;
let api: ReturnType<typeof client>;
let fakeBin: string;
let token: string;
let helloJobId: string;
const savedPath = process.env.PATH;
const base = '/v1/projects/first/training-jobs';

beforeAll(async () => {
  // An nvidia-smi that fails makes this machine GPU-less even where real GPUs exist.
  fakeBin = await mkdtemp(join(tmpdir(), 'no-gpus-'));
  await writeFile(join(fakeBin, 'nvidia-smi'), '#!/bin/sh\necho "NVIDIA-SMI has failed" >&2\nexit 9\n');
  await chmod(join(fakeBin, 'nvidia-smi'), 0o755);
  process.env.PATH = `${fakeBin}:${savedPath}`;
  t = await startTestApp({ env: { BEAMLINE_CLUSTER_DRIVER: 'local', BEAMLINE_SCHEDULER_INTERVAL_MS: '200' } });
  token = await seedToken(t.app, 'MEMBER', ['first']);
  api = client(t.url, token);
});
afterAll(async () => {
  await t?.close();
  process.env.PATH = savedPath;
  await rm(fakeBin, { recursive: true, force: true });
});

const cpuJob = {
  name: 'hello',
  image: 'python:3.11',
  command: ['python3', '-c', 'import os, sys; print(*sys.argv[1:], "seed", os.environ["SEED"])'],
  args: ['hello', 'from', 'beamline'],
  env: { SEED: '42' },
  resources: { cpu: '1', memory: '256Mi' },
};

const gpuJob = {
  name: 'mnist-cnn',
  image: 'ghcr.io/lab/train:1.0',
  command: ['python', 'train.py'],
  args: ['--epochs', '5'],
  env: { SEED: '42' },
  resources: { cpu: '4', memory: '16Gi', gpu: { count: 1, product: ['NVIDIA-A100-SXM4-80GB', 'NVIDIA-H100-80GB-HBM3'] } },
  workers: 2,
  priority: 10,
  queue: 'default',
  maxRetries: 2,
  timeoutSeconds: 7200,
  outputModel: 'mnist-cnn',
};

describe("the README's first jobs on a machine without GPUs", () => {
  it('the CPU job succeeds and logs its line', async () => {
    const { status, body: job } = await api.post(base, cpuJob);
    expect(status).toBe(201);
    const done = await eventually(async () => {
      const res = await api.get(`${base}/${job.id}`);
      return ['Succeeded', 'Failed'].includes(res.body.status) ? res.body : undefined;
    }, 30_000, 'the CPU job to finish');
    const logs = (await api.get(`${base}/${job.id}/logs`)).text;
    expect(done.status, `${done.reason ?? ''}\n${logs}`).toBe('Succeeded');
    expect(logs.trim()).toBe('hello from beamline seed 42');
    helloJobId = job.id;
  });

  it('the GPU job waits, saying the cluster has no GPU', async () => {
    const { body: job } = await api.post(base, gpuJob);
    const waiting = await eventually(async () => {
      const res = await api.get(`${base}/${job.id}`);
      return res.body.pendingReason ? res.body : undefined;
    }, 15_000, 'a pending reason');
    expect(waiting.status).toBe('Queued');
    expect(waiting.pendingReason).toBe('no GPU in this cluster');

    const { body: any } = await api.post(base, { ...cpuJob, name: 'any-gpu', resources: { cpu: '1', memory: '256Mi', gpu: { count: 1 } } });
    const reason = await eventually(async () => (await api.get(`${base}/${any.id}`)).body.pendingReason ?? undefined, 15_000);
    expect(reason).toBe('no GPU in this cluster');
    await api.post(`${base}/${job.id}/cancel`);
    await api.post(`${base}/${any.id}/cancel`);
  });

  it('examples/make-model.ts writes the model the registry walkthrough uploads', async () => {
    const file = join(fakeBin, 'model.onnx');
    const { stdout } = await promisify(execFile)('npx', ['tsx', 'examples/make-model.ts', file]);
    const bytes = await readFile(file);
    expect(stdout).toBe(`wrote ${file}: 220 bytes, sha256 ${sha256(bytes)}\ninputs: x float32 [batch, 4]; outputs: y float32 [batch, 3]\n`);
    const models = '/v1/projects/first/models';
    expect((await api.post(models, { name: 'demo', tags: ['tabular'], metadata: { facility: 'LCLS' } })).status).toBe(201);
    const res = await registry(t.url, token).multipart(`${models}/demo/versions`, bytes, { trainingJobId: helloJobId, metrics: { accuracy: 0.98 } }, { 'x-content-sha256': sha256(bytes) });
    expect(res.status).toBe(201);
    // The README's sample output of this step.
    expect(res.body).toMatchObject({
      version: 1,
      status: 'Ready',
      signature: {
        inputs: [{ name: 'x', elementType: 'float32', shape: ['batch', 4] }],
        outputs: [{ name: 'y', elementType: 'float32', shape: ['batch', 3] }],
      },
      trainingJob: { id: helloJobId, name: 'hello', status: 'Succeeded' },
    });
  }, 60_000);

  it("@beamline/sdk installs into a user's project with the README's two commands", async () => {
    const exec = promisify(execFile);
    // 1. `npm run sdk:build` in the checkout; 2. `npm install <checkout>/sdk/ts` in the project.
    await exec('npm', ['run', 'sdk:build']);
    const project = await mkdtemp(join(tmpdir(), 'sdk-user-'));
    try {
      await writeFile(join(project, 'package.json'), JSON.stringify({ name: 'user-project', private: true, type: 'module' }));
      await exec('npm', ['install', '--offline', '--no-audit', '--no-fund', join(process.cwd(), 'sdk/ts')], { cwd: project });
      const script = `import { Beamline } from '@beamline/sdk';
const bl = new Beamline({ url: process.env.URL, token: process.env.TOKEN, project: 'first' });
const job = await bl.training.get(process.env.JOB);
console.log(job.name, job.status);`;
      await writeFile(join(project, 'main.js'), script);
      const { stdout } = await exec(process.execPath, ['main.js'], { cwd: project, env: { ...process.env, URL: t.url, TOKEN: token, JOB: helloJobId } });
      expect(stdout.trim()).toBe('hello Succeeded');
    } finally {
      await rm(project, { recursive: true, force: true });
    }
  }, 120_000);
});
