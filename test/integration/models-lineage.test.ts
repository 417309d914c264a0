import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLUSTER_DRIVER, type ClusterDriver } from '../../src/cluster/cluster-driver.js';
import { PrismaService } from '../../src/common/database/prisma.service.js';
import { ModelLineage } from '../../src/models/models.lineage.js';
import { ModelRegistration } from '../../src/models/models.registration.js';
import { trainedRegressionModel } from '../helpers/onnx.js';
import { sha256 } from '../helpers/onnx-registry.js';
import { client, eventually, seedToken, startTestApp, type TestApp } from '../helpers/test-app.js';

/**
 * Lineage through a real run: a training job on the local driver (a real process) writes
 * model.onnx and registers it over HTTP the way a pod would, with the job id the driver
 * puts in its env; the controller-side path registers the same job's output file.
 */
let t: TestApp;
let dir: string;
let token: string;
let api: ReturnType<typeof client>;
const model = trainedRegressionModel().onnx;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'beamline-lineage-'));
  t = await startTestApp({
    env: {
      BEAMLINE_ARTIFACT_DIR: join(dir, 'artifacts'),
      BEAMLINE_CLUSTER_DRIVER: 'local',
      BEAMLINE_SCHEDULER_INTERVAL_MS: '200',
      BEAMLINE_RETRY_BACKOFF_MS: '100',
    },
  });
  token = await seedToken(t.app, 'MEMBER', ['lab']);
  api = client(t.url, token);
  expect((await api.post('/v1/projects/lab/models', { name: 'surrogate' })).status).toBe(201);
});
afterAll(async () => {
  await t.close();
  await rm(dir, { recursive: true, force: true });
});

// What the training code in the worker does: save the model, upload it with the job id.
const trainScript = `
const { writeFileSync, readFileSync } = require('node:fs');
writeFileSync('model.onnx', Buffer.from(process.env.MODEL_B64, 'base64'));
const form = new FormData();
form.append('spec', JSON.stringify({ trainingJobId: process.env.BEAMLINE_TRAINING_JOB, metrics: { mse: 0.0001 } }));
form.append('file', new Blob([readFileSync('model.onnx')]), 'model.onnx');
fetch(process.env.API_URL + '/v1/projects/' + process.env.BEAMLINE_PROJECT + '/models/surrogate/versions', {
  method: 'POST', headers: { authorization: 'Bearer ' + process.env.API_TOKEN }, body: form,
}).then(async (res) => { console.log('registered', res.status); if (res.status !== 201) { console.log(await res.text()); process.exit(1); } });
`;

describe('lineage from a training job run through the local driver', () => {
  it('links the version the job registered to the job, and the job lists it', async () => {
    const submitted = await api.post('/v1/projects/lab/training-jobs', {
      name: 'fit-surrogate',
      image: 'unused-by-local-driver',
      command: [process.execPath, '-e', trainScript],
      workingDir: 'job', // relative to the job's own directory
      env: { MODEL_B64: model.toString('base64'), API_URL: t.url, API_TOKEN: token },
      resources: { cpu: '100m', memory: '64Mi' },
      outputModel: 'surrogate',
    });
    expect(submitted.status).toBe(201);
    const job = await eventually(async () => {
      const res = await api.get(`/v1/projects/lab/training-jobs/${submitted.body.id}`);
      return ['Succeeded', 'Failed'].includes(res.body.status) ? res.body : undefined;
    }, 30_000, 'the job to finish');
    const logs = (await api.get(`/v1/projects/lab/training-jobs/${job.id}/logs`)).text;
    expect(job.status, logs).toBe('Succeeded');
    expect(logs).toContain('registered 201');

    const version = await api.get('/v1/projects/lab/models/surrogate/versions/latest');
    expect(version.body).toMatchObject({
      version: 1,
      status: 'Ready',
      metrics: { mse: 0.0001 },
      artifact: { sha256: sha256(model) },
      trainingJob: { id: job.id, name: 'fit-surrogate', status: 'Succeeded', attempt: 0, checkpoint: null },
    });

    // The controller-side path finds the job's registration and does not register it twice.
    const output = t.app.get<ClusterDriver>(CLUSTER_DRIVER).outputPath!(job.id, job.attempt)!;
    const workingDir = join(dirname(output), 'work', 'job');
    const project = await t.app.get(PrismaService).project.findUniqueOrThrow({ where: { name: 'lab' } });
    const again = await t.app.get(ModelRegistration).registerJobOutput({
      projectId: project.id,
      modelName: 'surrogate',
      path: join(workingDir, 'model.onnx'),
      trainingJobId: job.id,
    });
    expect(again).toEqual({ model: 'surrogate', version: 1, sha256: sha256(model), created: false });
    expect(await t.app.get(ModelLineage).versionsProducedBy(job.id)).toEqual([
      { model: 'surrogate', version: 1, status: 'Ready', sha256: sha256(model) },
    ]);
  });

  it('names the attempt and the last checkpoint of a job whose output the controller registers', async () => {
    // Attempt 0 checkpoints step-1 and crashes; attempt 1 checkpoints step-2 (renamed into
    // place, no SDK) and leaves model.onnx in BEAMLINE_OUTPUT_DIR for the controller.
    const script = `
const { writeFileSync, renameSync } = require('node:fs');
const { join } = require('node:path');
const dir = process.env.BEAMLINE_CHECKPOINT_DIR;
const step = (n) => { writeFileSync(join(dir, '.tmp-' + n), 'w' + n); renameSync(join(dir, '.tmp-' + n), join(dir, 'step-' + n)); };
if (process.env.BEAMLINE_ATTEMPT === '0') { step(1); process.exit(3); }
step(2);
writeFileSync(join(process.env.BEAMLINE_OUTPUT_DIR, 'model.onnx'), Buffer.from(process.env.MODEL_B64, 'base64'));
`;
    const submitted = await api.post('/v1/projects/lab/training-jobs', {
      name: 'resumed-output',
      image: 'unused-by-local-driver',
      command: [process.execPath, '-e', script],
      env: { MODEL_B64: model.toString('base64') },
      resources: { cpu: '100m', memory: '64Mi' },
      maxRetries: 1,
      outputModel: 'from-checkpoint',
    });
    expect(submitted.status).toBe(201);
    const job = await eventually(async () => {
      const res = await api.get(`/v1/projects/lab/training-jobs/${submitted.body.id}`);
      return ['Succeeded', 'Failed'].includes(res.body.status) ? res.body : undefined;
    }, 30_000, 'the job to finish');
    expect(job).toMatchObject({ status: 'Succeeded', attempt: 1 });
    const version = await api.get('/v1/projects/lab/models/from-checkpoint/versions/latest');
    expect(version.body.trainingJob).toEqual({ id: job.id, name: 'resumed-output', status: 'Succeeded', attempt: 1, checkpoint: { step: 2, name: 'step-2' } });
  });
});
