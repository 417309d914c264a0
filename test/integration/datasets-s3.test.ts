import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { CreateBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { pack, type Header } from 'tar-stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError, ErrorCode } from '../../src/common/errors/app-error.js';
import { datasetVersionSchema } from '../../src/datasets/datasets.responses.js';
import { S3DatasetSource } from '../../src/datasets/s3-dataset-source.js';
import { startS3, type TestS3 } from '../helpers/s3.js';
import { client, eventually, seedToken, startTestApp, type TestApp } from '../helpers/test-app.js';

/**
 * Issue 15, item 2: an s3:// dataset version on the local driver, against a real S3-protocol
 * server (s3rver). The prefix is fetched once, when the version is registered, into a tar
 * snapshot kept like an uploaded archive and unpacked under <home>/datasets; bad keys and a
 * prefix over the limit are refused naming `uri` with nothing created. GC of the unpacked
 * copies is in datasets-gc.test.ts.
 */
const DATA = 'lab-data';
const P = '/v1/projects/data';
let s3: TestS3;
let raw: S3Client;
let t: TestApp;
let api: ReturnType<typeof client>;
let token: string;
let home: string;

const put = (key: string, body: string | Buffer) => raw.send(new PutObjectCommand({ Bucket: DATA, Key: key, Body: body }));

async function tarGz(files: Record<string, string>): Promise<Buffer> {
  const p = pack();
  for (const [name, body] of Object.entries(files)) p.entry({ name, type: 'file' } as Header, body);
  p.finalize();
  const chunks: Buffer[] = [];
  for await (const chunk of p) chunks.push(chunk as Buffer);
  return gzipSync(Buffer.concat(chunks));
}

beforeAll(async () => {
  s3 = await startS3();
  raw = new S3Client({ endpoint: s3.endpoint, region: 'us-east-1', forcePathStyle: true, credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } });
  await raw.send(new CreateBucketCommand({ Bucket: DATA }));
  home = mkdtempSync(join(tmpdir(), 'beamline-ds3-'));
  chmodSync(home, 0o711);
  // The artifact store is S3 too (another bucket): the snapshot goes where uploads go.
  t = await startTestApp({ home, env: { ...s3.env('beamline-artifacts'), BEAMLINE_CLUSTER_DRIVER: 'local', BEAMLINE_SCHEDULER_INTERVAL_MS: '200', BEAMLINE_DATASET_MAX_BYTES: '64kb' } });
  token = await seedToken(t.app, 'MEMBER', ['data']);
  api = client(t.url, token);
  expect((await api.post(`${P}/datasets`, { name: 'digits' })).status).toBe(201);
});
afterAll(async () => {
  raw?.destroy();
  await t?.close();
  await s3?.stop();
  rmSync(home, { recursive: true, force: true });
});

describe('an s3:// dataset version', () => {
  it('is fetched at registration: the same size, file count and digest as the same files uploaded, and later changes to the prefix do not reach it', async () => {
    await put('digits/2026/train/x.csv', 'a,b\n1,2\n');
    await put('digits/2026/README', 'hi');
    await put('digits/2026/empty/', ''); // a folder marker, not data
    await put('digits/2026-old/not-this', 'other prefix');
    const res = await api.post(`${P}/datasets/digits/versions`, { uri: `s3://${DATA}/digits/2026`, description: 'from S3' });
    expect(res.status, res.text).toBe(201);
    datasetVersionSchema.parse(res.body);
    expect(res.body).toMatchObject({ kind: 's3', uri: `s3://${DATA}/digits/2026`, sizeBytes: 10, fileCount: 2, digest: expect.stringMatching(/^[0-9a-f]{64}$/), digestNote: null });
    const sha = res.body.archive.sha256;
    expect(readFileSync(join(home, 'datasets', sha, 'train', 'x.csv'), 'utf8')).toBe('a,b\n1,2\n');

    const form = new FormData();
    form.append('file', new Blob([await tarGz({ 'train/x.csv': 'a,b\n1,2\n', README: 'hi' })]), 'same.tar.gz');
    const uploaded = await fetch(`${t.url}${P}/datasets/digits/versions`, { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: form });
    expect(((await uploaded.json()) as { digest: string }).digest).toBe(res.body.digest);

    // The snapshot is what jobs read, also after the prefix changes; a new version takes a new one.
    await put('digits/2026/train/x.csv', 'changed');
    expect(readFileSync(join(home, 'datasets', sha, 'train', 'x.csv'), 'utf8')).toBe('a,b\n1,2\n');
    const again = await api.post(`${P}/datasets/digits/versions`, { uri: `s3://${DATA}/digits/2026` });
    expect(again.body.digest).not.toBe(res.body.digest);
    const download = await fetch(`${t.url}${res.body.archive.downloadUrl}`, { headers: { authorization: `Bearer ${token}` } });
    expect(download.headers.get('x-content-sha256')).toBe(sha);
  });

  it('is mounted read-only into a job on the local driver, and recorded in lineage', async () => {
    const script = `
const fs = require('node:fs'), path = require('node:path');
const dir = process.env.BEAMLINE_VOLUME_TRAIN;
console.log('read', JSON.stringify(fs.readFileSync(path.join(dir, 'train', 'x.csv'), 'utf8')));
try { fs.writeFileSync(path.join(dir, 'new.txt'), 'x'); console.log('WROTE'); } catch (e) { console.log('refused', e.code); }`;
    const res = await api.post(`${P}/training-jobs`, {
      name: 'read-s3',
      image: 'unused',
      command: [process.execPath, '-e', script],
      resources: { cpu: '100m', memory: '256Mi' },
      volumes: [{ name: 'train', mountPath: '/data/train', dataset: { name: 'digits', version: 1 } }],
    });
    expect(res.status, res.text).toBe(201);
    const done = await eventually(async () => {
      const j = await api.get(`${P}/training-jobs/${res.body.id}`);
      return ['Succeeded', 'Failed'].includes(j.body.status) ? j.body : undefined;
    }, 60_000, 'the job to finish');
    const logs = (await api.get(`${P}/training-jobs/${res.body.id}/logs`)).text;
    expect(done.status, logs).toBe('Succeeded');
    expect(logs).toContain('read "a,b\\n1,2\\n"');
    expect(logs).toMatch(/refused E(ACCES|PERM|ROFS)/);
    expect(done.datasets).toEqual([expect.objectContaining({ dataset: 'digits', version: 1, uri: `s3://${DATA}/digits/2026`, attempts: [0] })]);
  });

  it('refuses, naming uri with a 409, a prefix whose object changed between the listing and its download', async () => {
    await put('moving/a.csv', 'before');
    const source = t.app.get(S3DatasetSource);
    const plan = await source.plan(DATA, 'moving');
    await put('moving/a.csv', 'after, and longer');
    const tar = join(home, 'moving.tar');
    const refused = await source.snapshot(DATA, 'moving', plan, tar).then(() => undefined, (e: unknown) => e);
    expect(refused).toBeInstanceOf(AppError);
    expect(refused).toMatchObject({ code: ErrorCode.Conflict, errors: [{ field: 'uri', message: expect.stringContaining('changed while fetched') }] });
    expect(existsSync(tar)).toBe(false);
  });

  it('refuses a key with .., an empty prefix, an unknown bucket and a prefix over the limit, naming uri and creating nothing', async () => {
    const before = (await api.get(`${P}/datasets/digits`)).body.latestVersion;
    const copies = readdirSync(join(home, 'datasets')).sort();
    // A key that would land outside the version's root (s3rver cannot hold 'a//b', an absolute
    // path after the prefix; s3-keys.spec.ts covers that one).
    await put('dots/..', 'x');
    await put('big/blob', Buffer.alloc(100_000, 1));
    await put('big/small', 'x');
    const cases: Array<[string, number, string]> = [
      ['dots', 400, "'dots/..' has '..' in its path"],
      ['nothing-here', 400, 'no objects'],
      ['big', 413, 'BEAMLINE_DATASET_MAX_BYTES'],
    ];
    for (const [prefix, status, message] of cases) {
      const res = await api.post(`${P}/datasets/digits/versions`, { uri: `s3://${DATA}/${prefix}` });
      expect(res.status, res.text).toBe(status);
      expect(res.body.errors).toEqual([{ field: 'uri', message: expect.stringContaining(message) }]);
    }
    const bucket = await api.post(`${P}/datasets/digits/versions`, { uri: 's3://no-such-bucket/x' });
    expect(bucket.status).toBe(400);
    expect(bucket.body.errors).toEqual([{ field: 'uri', message: expect.stringContaining("no bucket 'no-such-bucket'") }]);
    expect((await api.get(`${P}/datasets/digits`)).body.latestVersion).toBe(before);
    expect(readdirSync(join(home, 'datasets')).sort()).toEqual(copies); // no copy, no half-unpacked tree
    expect((existsSync(join(home, 'staging')) ? readdirSync(join(home, 'staging')) : []).filter((n) => n.startsWith('s3-'))).toEqual([]); // no snapshot tar left
  });
});
