import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { pack, type Header } from 'tar-stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { datasetVersionSchema } from '../../src/datasets/datasets.responses.js';
import { modelVersionSchema } from '../../src/models/models.responses.js';
import { trainingJobDetailSchema } from '../../src/training/training.responses.js';
import { trainedRegressionModel } from '../helpers/onnx.js';
import { client, eventually, seedToken, startTestApp, type TestApp } from '../helpers/test-app.js';

/**
 * Issue 15, item 2 on the local driver (real PostgreSQL, Redis, worker processes): a dataset
 * version from an uploaded archive or a claim path, with size, file count and digest; bad
 * archives refused with 4xx naming `file` and nothing kept; a job mounts a version read-only
 * by name and version; lineage on the version, the job and the model version it produced.
 */
let t: TestApp;
let api: ReturnType<typeof client>;
let token: string;
let home: string;
const P = '/v1/projects/data';

async function tarGz(items: Array<Partial<Header> & { name: string; body?: string }>): Promise<Buffer> {
  const p = pack();
  for (const { body, ...header } of items) p.entry({ type: 'file', ...header } as Header, body ?? '');
  p.finalize();
  const chunks: Buffer[] = [];
  for await (const chunk of p) chunks.push(chunk as Buffer);
  return gzipSync(Buffer.concat(chunks));
}

async function upload(dataset: string, archive: Buffer, spec?: object) {
  const form = new FormData();
  if (spec) form.append('spec', JSON.stringify(spec));
  form.append('file', new Blob([archive]), 'data.tar.gz');
  const res = await fetch(`${t.url}${P}/datasets/${dataset}/versions`, { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: form });
  return { status: res.status, body: (await res.json()) as any }; // eslint-disable-line @typescript-eslint/no-explicit-any
}

beforeAll(async () => {
  home = mkdtempSync(join(tmpdir(), 'beamline-ds-'));
  chmodSync(home, 0o711);
  mkdirSync(join(home, 'volumes', 'shared', 'images', 'a'), { recursive: true });
  writeFileSync(join(home, 'volumes', 'shared', 'images', 'a', '1.txt'), 'one');
  t = await startTestApp({ home, env: { BEAMLINE_CLUSTER_DRIVER: 'local', BEAMLINE_SCHEDULER_INTERVAL_MS: '200', BEAMLINE_DATASET_MAX_BYTES: '64kb' } });
  token = await seedToken(t.app, 'MEMBER', ['data']);
  api = client(t.url, token);
  expect((await api.post(`${P}/datasets`, { name: 'digits', description: 'handwritten' })).status).toBe(201);
  expect((await api.post(`${P}/models`, { name: 'digits-clf' })).status).toBe(201);
});
afterAll(async () => {
  await t.close();
  rmSync(home, { recursive: true, force: true });
});

describe('dataset versions', () => {
  it('registers an uploaded .tar.gz with size, file count and digest, and serves the archive back', async () => {
    const archive = await tarGz([{ name: 'train/', type: 'directory' }, { name: 'train/x.csv', body: 'a,b\n1,2\n' }, { name: 'README', body: 'hi' }]);
    const res = await upload('digits', archive, { description: 'v1' });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body).toMatchObject({ dataset: 'digits', version: 1, kind: 'archive', sizeBytes: 10, fileCount: 2, digest: expect.stringMatching(/^[0-9a-f]{64}$/), digestNote: null, usedBy: [] });
    datasetVersionSchema.parse(res.body); // the answer is what /openapi.json says
    const download = await fetch(`${t.url}${res.body.archive.downloadUrl}`, { headers: { authorization: `Bearer ${token}` } });
    expect(Buffer.from(await download.arrayBuffer())).toEqual(archive);
    expect(readdirSync(join(home, 'datasets'))).toEqual([res.body.archive.sha256]);
  });

  it('refuses traversal, links out of the root and archives over the limit with 4xx naming file, keeping nothing', async () => {
    const traversal = await upload('digits', await tarGz([{ name: 'ok.txt', body: 'x' }, { name: '../../etc/evil', body: 'x' }]));
    expect(traversal.status).toBe(400);
    expect(traversal.body.errors).toEqual([{ field: 'file', message: expect.stringContaining('path traversal') }]);
    const link = await upload('digits', await tarGz([{ name: 'l', type: 'symlink', linkname: '../../../etc/passwd' }]));
    expect(link.status).toBe(400);
    expect(link.body.errors[0]).toMatchObject({ field: 'file', message: expect.stringContaining("leaves the archive's root") });
    const big = await upload('digits', await tarGz([{ name: 'big', body: 'x'.repeat(200_000) }])); // compresses small, unpacks past 64kb
    expect(big.status).toBe(413);
    expect(big.body.errors[0].field).toBe('file');
    expect((await api.get(`${P}/datasets/digits`)).body.latestVersion).toBe(1);
    expect(readdirSync(join(home, 'datasets'))).toHaveLength(1); // no half-unpacked directory
  });

  it('registers a claim path with its digest; refuses an unknown claim (s3:// prefixes: datasets-s3.test.ts)', async () => {
    expect((await api.post(`${P}/datasets`, { name: 'images' })).status).toBe(201);
    const pvc = await api.post(`${P}/datasets/images/versions`, { uri: 'pvc://shared/images' });
    expect(pvc.status, pvc.text).toBe(201);
    expect(pvc.body).toMatchObject({ kind: 'pvc', uri: 'pvc://shared/images', sizeBytes: 3, fileCount: 1, digest: expect.stringMatching(/^[0-9a-f]{64}$/), archive: null });
    const sub = await api.post(`${P}/datasets/images/versions`, { uri: 'pvc://shared/images/a' });
    for (const answer of [pvc.body, sub.body]) datasetVersionSchema.parse(answer);
    expect(sub.body).toMatchObject({ kind: 'pvc', version: 2, uri: 'pvc://shared/images/a', sizeBytes: 3, fileCount: 1 });
    const unknown = await api.post(`${P}/datasets/images/versions`, { uri: 'pvc://nope/x' });
    expect(unknown.status).toBe(400);
    expect(unknown.body.errors[0].field).toBe('uri');
    const bad = await api.post(`${P}/datasets/images/versions`, { uri: 'pvc://shared/../etc' });
    expect(bad.body.errors[0].field).toBe('uri');
  });
});

describe('a job that mounts a dataset', () => {
  const job = (name: string, volumes: unknown[], command: string[], extra: object = {}) => ({
    name,
    image: 'unused',
    command,
    resources: { cpu: '100m', memory: '256Mi' },
    volumes,
    ...extra,
  });

  it('refuses an unknown dataset, version and readOnly: false with 400 naming the field', async () => {
    const run = [process.execPath, '-e', '0'];
    const unknown = await api.post(`${P}/training-jobs`, job('x', [{ name: 'd', mountPath: '/d', dataset: { name: 'nope', version: 1 } }], run));
    expect(unknown.status).toBe(400);
    expect(unknown.body.errors).toEqual([{ field: 'volumes.0.dataset', message: expect.stringContaining("no dataset 'nope'") }]);
    const version = await api.post(`${P}/training-jobs`, job('x', [{ name: 'd', mountPath: '/d', dataset: { name: 'digits', version: 9 } }], run));
    expect(version.body.errors).toEqual([{ field: 'volumes.0.dataset', message: expect.stringContaining('no version 9') }]);
    const writable = await api.post(`${P}/training-jobs`, job('x', [{ name: 'd', mountPath: '/d', readOnly: false, dataset: { name: 'digits', version: 1 } }], run));
    expect(writable.body.errors[0].field).toBe('volumes.0.readOnly');
  });

  it('reads a file of the mounted version, cannot write to it, and the model it trains lists the dataset in its lineage', async () => {
    const script = `
const fs = require('node:fs'), path = require('node:path');
const dir = process.env.BEAMLINE_VOLUME_TRAIN;
console.log('read', JSON.stringify(fs.readFileSync(path.join(dir, 'train', 'x.csv'), 'utf8')));
for (const target of [path.join(dir, 'train', 'x.csv'), path.join(dir, 'new.txt')]) {
  try { fs.writeFileSync(target, 'overwritten'); console.log('WROTE', target); } catch (e) { console.log('refused', e.code); }
}
fs.writeFileSync(path.join(process.env.BEAMLINE_OUTPUT_DIR, 'model.onnx'), Buffer.from(process.env.MODEL_B64, 'base64'));`;
    const model = trainedRegressionModel().onnx.toString('base64');
    const res = await api.post(
      `${P}/training-jobs`,
      job('fit-digits', [{ name: 'train', mountPath: '/data/train', dataset: { name: 'digits', version: 1 } }], [process.execPath, '-e', script], { env: { MODEL_B64: model }, outputModel: 'digits-clf' }),
    );
    expect(res.status, res.text).toBe(201);
    expect(res.body.volumes[0]).toMatchObject({ readOnly: true, dataset: { name: 'digits', version: 1, archiveSha256: expect.any(String) } });
    const done = await eventually(async () => {
      const j = await api.get(`${P}/training-jobs/${res.body.id}`);
      return ['Succeeded', 'Failed'].includes(j.body.status) ? j.body : undefined;
    }, 60_000, 'the job to finish');
    const logs = (await api.get(`${P}/training-jobs/${res.body.id}/logs`)).text;
    expect(done.status, logs).toBe('Succeeded');
    expect(logs).toContain('read "a,b\\n1,2\\n"');
    expect(logs).not.toContain('WROTE');
    expect(logs.match(/refused E(ACCES|PERM|ROFS)/g)).toHaveLength(2);

    const digest = (await api.get(`${P}/datasets/digits/versions/1`)).body;
    expect(digest.usedBy).toEqual([{ trainingJob: { id: res.body.id, name: 'fit-digits', status: 'Succeeded' }, attempts: [0] }]);
    expect(done.datasets).toEqual([{ dataset: 'digits', version: 1, digest: digest.digest, uri: digest.uri, volume: 'train', attempts: [0] }]);
    const version = await eventually(async () => {
      const v = await api.get(`${P}/models/digits-clf/versions/latest`);
      return v.status === 200 ? v.body : undefined;
    }, 20_000, 'the output model');
    expect(version.trainingJob).toMatchObject({ id: res.body.id });
    trainingJobDetailSchema.parse(done);
    modelVersionSchema.parse(version);
    datasetVersionSchema.parse(digest);
    expect(version.datasets).toEqual([{ dataset: 'digits', version: 1, digest: digest.digest, uri: digest.uri, attempts: [0] }]);

    // Lineage keeps what trained a model: the version cannot be deleted now.
    const del = await api.delete(`${P}/datasets/digits/versions/1`);
    expect(del.status).toBe(409);
    expect(del.body.errors[0].field).toBe('version');
    expect((await api.delete(`${P}/datasets/images/versions/2`)).status).toBe(204);
  });

  it('keeps a version a job names before any attempt read it (a job that waits in its queue)', async () => {
    const waiting = await api.post(`${P}/training-jobs`, {
      ...job('waits', [{ name: 'imgs', mountPath: '/imgs', dataset: { name: 'images', version: 1 } }], [process.execPath, '-e', '0']),
      resources: { cpu: '4000', memory: '256Mi' }, // no node has that: it stays Queued
    });
    expect(waiting.status, waiting.text).toBe(201);
    expect(waiting.body.volumes[0].dataset).toMatchObject({ claim: 'shared', path: 'images' });
    expect((await api.delete(`${P}/datasets/images/versions/1`)).status).toBe(409);
    expect((await api.get(`${P}/datasets/images/versions/1`)).body.usedBy).toEqual([]);
    await api.post(`${P}/training-jobs/${waiting.body.id}/cancel`);
    const metrics = await (await fetch(`${t.url}/metrics`)).text();
    expect(metrics).toMatch(/beamline_dataset_versions_registered_total\{kind="archive"\} 1/);
    expect(metrics).toMatch(/beamline_dataset_archives_refused_total\{reason="invalid"\} 2/);
  });
});

describe('bad input on the dataset routes', () => {
  it('is a 400 naming the field, and auth is required', async () => {
    expect((await api.post(`${P}/datasets`, { name: 'Bad Name' })).body.errors[0].field).toBe('name');
    expect((await api.post(`${P}/datasets`, { name: 'digits' })).status).toBe(409);
    expect((await api.get(`${P}/datasets/digits/versions/zero`)).body.errors[0].field).toBe('version');
    expect((await api.post(`${P}/datasets/digits/versions`, { uri: 'ftp://x/y' })).body.errors[0].field).toBe('uri');
    expect((await api.post(`${P}/datasets/digits/versions`, 'x', { 'content-type': 'text/plain' })).status).toBe(415);
    expect((await client(t.url).get(`${P}/datasets`)).status).toBe(401);
    expect(existsSync(join(home, 'datasets'))).toBe(true);
  });
});
