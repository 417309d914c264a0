import { GetObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { linearModel, trainedRegressionModel } from '../helpers/onnx.js';
import { registry, sha256 } from '../helpers/onnx-registry.js';
import { startS3, type TestS3 } from '../helpers/s3.js';
import { client, seedToken, startTestApp, type TestApp } from '../helpers/test-app.js';

const BUCKET = 'beamline-models';
const base = '/v1/projects/physics/models';
let s3: TestS3;
let t: TestApp;
let api: ReturnType<typeof client>;
let reg: ReturnType<typeof registry>;
let raw: S3Client;
const trained = trainedRegressionModel();

beforeAll(async () => {
  s3 = await startS3();
  t = await startTestApp({ role: 'api', env: { ...s3.env(BUCKET), BEAMLINE_ARTIFACT_MAX_BYTES: '64kb' } });
  const token = await seedToken(t.app, 'MEMBER', ['physics']);
  api = client(t.url, token);
  reg = registry(t.url, token);
  raw = new S3Client({
    endpoint: s3.endpoint,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
  });
  await api.post(base, { name: 'on-s3' });
});
afterAll(async () => {
  raw?.destroy();
  await t?.close();
  await s3?.stop();
});

async function objectKeys(): Promise<string[]> {
  const listed = await raw.send(new ListObjectsV2Command({ Bucket: BUCKET }));
  return (listed.Contents ?? []).map((o) => o.Key!).sort();
}

describe('S3-compatible artifact store (s3rver, a real S3-protocol server)', () => {
  it('creates the bucket on first upload and stores the blob under its sha256', async () => {
    const res = await reg.multipart(`${base}/on-s3/versions`, trained.onnx, { sha256: sha256(trained.onnx) });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body.signature.inputs[0]).toEqual({ name: 'x', elementType: 'float32', shape: ['batch', 3] });
    expect(await objectKeys()).toEqual([`beamline/artifacts/sha256/${sha256(trained.onnx)}`]);
    const object = await raw.send(new GetObjectCommand({ Bucket: BUCKET, Key: `beamline/artifacts/sha256/${sha256(trained.onnx)}` }));
    expect(Buffer.compare(Buffer.from(await object.Body!.transformToByteArray()), trained.onnx)).toBe(0);
  });

  it('stores the same content once, whether uploaded in sequence or at the same time', async () => {
    const model = linearModel([[3], [4]], [5]);
    const results = await Promise.all(Array.from({ length: 4 }, () => reg.multipart(`${base}/on-s3/versions`, model)));
    expect(results.map((r) => r.status)).toEqual([201, 201, 201, 201]);
    const pending = await api.post(`${base}/on-s3/versions`, {});
    expect((await reg.put(`${base}/on-s3/versions/${pending.body.version}/artifact`, model)).status).toBe(200);
    expect(await objectKeys()).toEqual([`beamline/artifacts/sha256/${sha256(trained.onnx)}`, `beamline/artifacts/sha256/${sha256(model)}`].sort());
  });

  it('serves downloads from S3 with ETag, If-None-Match and ranges', async () => {
    const path = `${base}/on-s3/versions/1/artifact`;
    const full = await reg.raw('GET', path);
    expect(full.status).toBe(200);
    expect(full.headers.get('etag')).toBe(`"${sha256(trained.onnx)}"`);
    expect(Buffer.compare(full.bytes, trained.onnx)).toBe(0);
    expect((await reg.raw('GET', path, { 'if-none-match': full.headers.get('etag')! })).status).toBe(304);
    const part = await reg.raw('GET', path, { range: 'bytes=4-11' });
    expect(part.status).toBe(206);
    expect(Buffer.compare(part.bytes, trained.onnx.subarray(4, 12))).toBe(0);
  });

  it('still refuses corrupt and oversized files before anything reaches S3', async () => {
    const before = await objectKeys();
    expect((await reg.multipart(`${base}/on-s3/versions`, Buffer.from('garbage'))).status).toBe(422);
    expect((await reg.multipart(`${base}/on-s3/versions`, Buffer.alloc(70 * 1024, 1))).status).toBe(413);
    expect(await objectKeys()).toEqual(before);
  });
});
