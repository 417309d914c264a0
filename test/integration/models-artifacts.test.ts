import { readdir } from 'node:fs/promises';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PrismaService } from '../../src/common/database/prisma.service.js';
import { ModelLineage } from '../../src/models/models.lineage.js';
import { ModelRegistration } from '../../src/models/models.registration.js';
import { addModel, linearModel, ONNX_INT64, trainedRegressionModel } from '../helpers/onnx.js';
import { registry, sha256 } from '../helpers/onnx-registry.js';
import { client, jobBody, seedToken, startTestApp, type TestApp } from '../helpers/test-app.js';

const LIMIT = 64 * 1024;
const base = '/v1/projects/physics/models';
let t: TestApp;
let dir: string;
let token: string;
let api: ReturnType<typeof client>;
let reg: ReturnType<typeof registry>;
const trained = trainedRegressionModel();

async function projectId(): Promise<string> {
  return (await t.app.get(PrismaService).project.findUniqueOrThrow({ where: { name: 'physics' } })).id;
}

async function blobFiles(): Promise<string[]> {
  const found: string[] = [];
  const walk = async (d: string) => {
    for (const entry of await readdir(d, { withFileTypes: true }).catch(() => [])) {
      if (entry.isDirectory()) await walk(join(d, entry.name));
      else found.push(join(d, entry.name));
    }
  };
  await walk(join(dir, 'sha256'));
  return found;
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'beamline-artifacts-'));
  // role api: no controller loop, so nothing moves in the background while the registry is tested.
  t = await startTestApp({ role: 'api', env: { BEAMLINE_ARTIFACT_DIR: dir, BEAMLINE_ARTIFACT_MAX_BYTES: `${LIMIT}` } });
  token = await seedToken(t.app, 'MEMBER', ['physics']);
  api = client(t.url, token);
  reg = registry(t.url, token);
  await api.post(base, { name: 'injector-surrogate', tags: ['lcls'] });
});
afterAll(async () => {
  await t.close();
  await rm(dir, { recursive: true, force: true });
});

describe('one-step registration (multipart)', () => {
  it('stores a real trained model, extracts its signature and serves the same bytes back', async () => {
    const res = await reg.multipart(`${base}/injector-surrogate/versions`, trained.onnx, {
      description: 'linear fit',
      metrics: { mse: 0.0001 },
      sha256: sha256(trained.onnx),
      variables: {
        inputs: { x: { description: 'three settings', unit: 'A', default: [0, 0, 0], range: [-1, 1] } },
        outputs: { y: { unit: 'mm' } },
      },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body).toMatchObject({
      version: 1,
      status: 'Ready',
      format: 'onnx',
      artifact: { sha256: sha256(trained.onnx), size: trained.onnx.length },
      signature: {
        inputs: [{ name: 'x', elementType: 'float32', shape: ['batch', 3] }],
        outputs: [{ name: 'y', elementType: 'float32', shape: ['batch', 1] }],
      },
      variables: { inputs: { x: { unit: 'A', range: [-1, 1], constant: false } } },
    });

    const download = await reg.raw('GET', `${base}/injector-surrogate/versions/1/artifact`);
    expect(download.status).toBe(200);
    expect(download.headers.get('etag')).toBe(`"${sha256(trained.onnx)}"`);
    expect(download.headers.get('content-length')).toBe(String(trained.onnx.length));
    expect(Buffer.compare(download.bytes, trained.onnx)).toBe(0);

    // The downloaded model runs and reproduces the fit: y(1,1,1) = 2 - 3 + 0.5 + 1.
    const session = await ort.InferenceSession.create(download.bytes);
    const out = await session.run({ x: new ort.Tensor('float32', Float32Array.from([1, 1, 1]), [1, 3]) });
    expect((out.y.data as Float32Array)[0]).toBeCloseTo(0.5, 2);
    await session.release();
  });

  it('reads symbolic and fixed dims and int64 types', async () => {
    await api.post(base, { name: 'adder' });
    const res = await reg.multipart(`${base}/adder/versions`, addModel(ONNX_INT64, [2, 'n', 3]));
    expect(res.status).toBe(201);
    expect(res.body.signature.inputs).toEqual([
      { name: 'a', elementType: 'int64', shape: [2, 'n', 3] },
      { name: 'b', elementType: 'int64', shape: [2, 'n', 3] },
    ]);
  });

  it('422 with the runtime reason for a file that is not an ONNX model, and for a truncated one', async () => {
    for (const bad of [Buffer.from('this is not a model'), trained.onnx.subarray(0, trained.onnx.length - 20)]) {
      const res = await reg.multipart(`${base}/injector-surrogate/versions`, bad);
      expect(res.status).toBe(422);
      expect(res.body.code).toBe('unprocessable_content');
      expect(res.body.detail).toMatch(/Protobuf parsing failed/);
      expect(res.body.detail).not.toContain(dir);
      expect(res.body.errors[0].field).toBe('file');
    }
  });

  it('400 for a 0-byte file and for a wrong claimed sha256', async () => {
    const empty = await reg.multipart(`${base}/injector-surrogate/versions`, Buffer.alloc(0));
    expect(empty.status).toBe(400);
    expect(empty.body.errors).toEqual([{ field: 'file', message: 'the file is empty (0 bytes)' }]);
    const wrong = await reg.multipart(`${base}/injector-surrogate/versions`, trained.onnx, { sha256: '0'.repeat(64) });
    expect(wrong.status).toBe(400);
    expect(wrong.body.errors[0].field).toBe('spec.sha256');
    const header = await reg.multipart(`${base}/injector-surrogate/versions`, trained.onnx, {}, { 'x-content-sha256': 'a'.repeat(64) });
    expect(header.status).toBe(400);
    expect(header.body.errors[0].field).toBe('header:X-Content-SHA256');
  });

  it('413 past BEAMLINE_ARTIFACT_MAX_BYTES, leaving nothing staged', async () => {
    const big = Buffer.alloc(LIMIT + 1024, 7);
    const res = await reg.multipart(`${base}/injector-surrogate/versions`, big);
    expect(res.status).toBe(413);
    expect(res.body.code).toBe('payload_too_large');
    expect(await readdir(join(dir, '.staging'))).toEqual([]);
  });

  it('422 naming the variable that does not fit the signature', async () => {
    const res = await reg.multipart(`${base}/injector-surrogate/versions`, trained.onnx, {
      variables: { inputs: { x: { default: [0, 5, 0], range: [-1, 1] }, z: { unit: 'm' } }, outputs: { y: { default: 1.5 } } },
    });
    expect(res.status).toBe(422);
    expect(res.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(['variables.inputs.x.default', 'variables.inputs.z']);
  });

  it('400 naming the field for a bad spec, an unknown part and a missing file', async () => {
    const bad = await reg.multipart(`${base}/injector-surrogate/versions`, trained.onnx, { metrics: { mse: 'low' }, colour: 1 });
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(['spec.colour', 'spec.metrics.mse']);
    const range = await reg.multipart(`${base}/injector-surrogate/versions`, trained.onnx, { variables: { inputs: { x: { range: [2, 1] } } } });
    expect(range.body.errors[0].field).toBe('spec.variables.inputs.x.range');
    const part = await reg.multipart(`${base}/injector-surrogate/versions`, trained.onnx, undefined, {}, 'model');
    expect(part.status).toBe(400);
    expect(part.body.errors[0].field).toBe('model');
    const none = await reg.multipart(`${base}/injector-surrogate/versions`, undefined, {});
    expect(none.status).toBe(400);
    expect(none.body.errors[0].field).toBe('file');
    const json = await reg.multipart(`${base}/injector-surrogate/versions`, trained.onnx, '{not json');
    expect(json.body.errors[0].field).toBe('spec');
  });
});

describe('two-step registration (JSON, then PUT application/octet-stream)', () => {
  it('creates a PendingUpload version, verifies the announced sha256, then is Ready', async () => {
    const model = linearModel([[1], [2]], [0.5]);
    const created = await api.post(`${base}/injector-surrogate/versions`, { sha256: sha256(model), tags: ['candidate'] });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ status: 'PendingUpload', artifact: null, signature: null });
    const path = `${base}/injector-surrogate/versions/${created.body.version}/artifact`;
    expect(created.body.uploadUrl).toBe(path);

    expect((await reg.raw('GET', path)).status).toBe(404);
    const wrong = await reg.put(path, linearModel([[1], [3]], [0.5]));
    expect(wrong.status).toBe(400);
    expect(wrong.body.errors[0].field).toBe('sha256');
    const notOctet = await reg.put(path, model, { 'content-type': 'text/plain' });
    expect(notOctet.status).toBe(415);
    const tooBig = await reg.put(path, Buffer.alloc(LIMIT + 1));
    expect(tooBig.status).toBe(413);
    // Chunked, no Content-Length: the limit is enforced on the stream itself.
    const chunks = Array.from({ length: 40 }, () => new Uint8Array(4096));
    const streamed = await fetch(`${t.url}${path}`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/octet-stream' },
      body: new ReadableStream({ pull: (c) => (chunks.length ? c.enqueue(chunks.pop()!) : c.close()) }),
      duplex: 'half',
    } as RequestInit);
    expect(streamed.status).toBe(413);
    expect(await readdir(join(dir, '.staging'))).toEqual([]);

    const done = await reg.put(path, model, { 'x-content-sha256': sha256(model).toUpperCase() });
    expect(done.status, JSON.stringify(done.body)).toBe(200);
    expect(done.body).toMatchObject({ status: 'Ready', uploadUrl: null, artifact: { sha256: sha256(model), size: model.length } });
    expect(done.body.signature.inputs[0].shape).toEqual(['batch', 2]);
    const again = await reg.put(path, model);
    expect(again.status).toBe(409);
  });
});

describe('download', () => {
  const path = `${base}/injector-surrogate/versions/1/artifact`;

  it('honours If-None-Match, byte ranges and HEAD', async () => {
    const etag = `"${sha256(trained.onnx)}"`;
    expect((await reg.raw('GET', path, { 'if-none-match': etag })).status).toBe(304);
    expect((await reg.raw('GET', path, { 'if-none-match': '"other"' })).status).toBe(200);

    const part = await reg.raw('GET', path, { range: 'bytes=10-19' });
    expect(part.status).toBe(206);
    expect(part.headers.get('content-range')).toBe(`bytes 10-19/${trained.onnx.length}`);
    expect(Buffer.compare(part.bytes, trained.onnx.subarray(10, 20))).toBe(0);
    const suffix = await reg.raw('GET', path, { range: 'bytes=-5' });
    expect(Buffer.compare(suffix.bytes, trained.onnx.subarray(-5))).toBe(0);
    const open = await reg.raw('GET', path, { range: `bytes=${trained.onnx.length - 3}-` });
    expect(open.bytes).toHaveLength(3);

    const past = await reg.raw('GET', path, { range: `bytes=${trained.onnx.length}-` });
    expect(past.status).toBe(416);
    expect(past.body.errors[0]).toEqual({ field: 'header:Range', message: `bytes */${trained.onnx.length}` });

    const head = await reg.raw('HEAD', path);
    expect(head.status).toBe(200);
    expect(head.headers.get('content-length')).toBe(String(trained.onnx.length));
    expect(head.bytes).toHaveLength(0);
  });

  it('resolves latest and @alias', async () => {
    const set = await fetch(`${t.url}${base}/injector-surrogate/aliases/production`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ version: 1 }),
    });
    expect(set.status).toBe(200);
    const byAlias = await reg.raw('GET', `${base}/injector-surrogate/versions/@production/artifact`);
    expect(Buffer.compare(byAlias.bytes, trained.onnx)).toBe(0);
    const latest = await api.get(`${base}/injector-surrogate/versions/latest`);
    expect(latest.body.status).toBe('Ready');
    expect(latest.body.version).toBeGreaterThan(1);
  });
});

describe('content addressing and concurrency', () => {
  it('stores concurrent uploads of the same content once, with distinct version numbers', async () => {
    await api.post(base, { name: 'dedupe' });
    const model = linearModel([[0.25], [0.5], [0.75]], [1]);
    const before = (await blobFiles()).length;
    const results = await Promise.all(Array.from({ length: 6 }, () => reg.multipart(`${base}/dedupe/versions`, model)));
    expect(results.map((r) => r.status)).toEqual(Array(6).fill(201));
    expect(results.map((r) => r.body.version).sort()).toEqual([1, 2, 3, 4, 5, 6]);
    const files = await blobFiles();
    expect(files.length).toBe(before + 1);
    expect(files.filter((f) => f.endsWith(sha256(model)))).toHaveLength(1);
    expect(await readdir(join(dir, '.staging'))).toEqual([]);

    const metrics = (await client(t.url).get('/metrics')).text;
    expect(metrics).toMatch(/beamline_model_versions_registered_total \d+/);
    expect(metrics).toMatch(/beamline_artifact_bytes_stored_total\{store="filesystem"\} \d+/);
    expect(metrics).toMatch(/beamline_artifact_upload_duration_seconds_count\{outcome="ok"\} \d+/);
    expect(metrics).toMatch(/beamline_model_registry_operations_total\{operation="create_version",outcome="unprocessable_content"\} \d+/);
  });
});

describe('lineage', () => {
  it('links a version to the training job that produced it', async () => {
    const job = await api.post('/v1/projects/physics/training-jobs', jobBody({ name: 'fit-surrogate', outputModel: 'injector-surrogate' }));
    expect(job.status).toBe(201);

    const res = await reg.multipart(`${base}/injector-surrogate/versions`, trained.onnx, { trainingJobId: job.body.id, metrics: { loss: 0.01 } });
    expect(res.status).toBe(201);
    expect(res.body.trainingJob).toEqual({ id: job.body.id, name: 'fit-surrogate', status: 'Pending', attempt: 0, checkpoint: null });
    expect(res.body.artifact.sha256).toBe(sha256(trained.onnx));

    const lineage = await t.app.get(ModelLineage).versionsProducedBy(job.body.id);
    expect(lineage).toEqual([{ model: 'injector-surrogate', version: res.body.version, status: 'Ready', sha256: sha256(trained.onnx) }]);

    const unknown = await reg.multipart(`${base}/injector-surrogate/versions`, trained.onnx, { trainingJobId: '00000000-0000-4000-8000-000000000000' });
    expect(unknown.status).toBe(400);
    expect(unknown.body.errors[0].field).toBe('spec.trainingJobId');
  });
  it("registers a job's output file without HTTP, once, creating the model on first use", async () => {
    const job = await api.post('/v1/projects/physics/training-jobs', jobBody({ name: 'fit-output', outputModel: 'auto-registered' }));
    const output = join(dir, 'job-output-model.onnx');
    await writeFile(output, trained.onnx);
    const registration = t.app.get(ModelRegistration);
    const input = { projectId: await projectId(), modelName: 'auto-registered', path: output, trainingJobId: job.body.id };
    expect(await registration.registerJobOutput(input)).toEqual({ model: 'auto-registered', version: 1, sha256: sha256(trained.onnx), created: true });
    expect(await registration.registerJobOutput(input)).toMatchObject({ version: 1, created: false });
    const version = await api.get(`${base}/auto-registered/versions/latest`);
    expect(version.body).toMatchObject({ version: 1, status: 'Ready', trainingJob: { id: job.body.id, name: 'fit-output' } });
    await expect(registration.registerJobOutput({ ...input, modelName: 'broken', path: join(dir, 'missing.onnx') })).rejects.toThrow(/ENOENT/);
  });
});
