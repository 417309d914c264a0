import { mkdirSync, writeFileSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { CreateBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { pack, type Header } from 'tar-stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliRunner } from '../helpers/cli.js';
import { startS3, type TestS3 } from '../helpers/s3.js';
import { closeApp, seedToken, startTestApp, type TestApp } from '../helpers/test-app.js';

/**
 * `beamline datasets` (issue 15) as a child process against the real platform: versions from
 * a directory (packed by the CLI), a .tar.gz and an s3:// prefix (s3rver); every refusal a
 * non-zero exit with the field on stderr and nothing on stdout.
 */
let t: TestApp;
let s3: TestS3;
let dir: string;
let token: string;
const project = 'cli-data';

beforeAll(async () => {
  s3 = await startS3();
  const raw = new S3Client({ endpoint: s3.endpoint, region: 'us-east-1', forcePathStyle: true, credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } });
  await raw.send(new CreateBucketCommand({ Bucket: 'lab-data' }));
  await raw.send(new PutObjectCommand({ Bucket: 'lab-data', Key: 'digits/train/x.csv', Body: 'a,b\n1,2\n' }));
  await raw.send(new PutObjectCommand({ Bucket: 'lab-data', Key: 'digits/README', Body: 'hi' }));
  raw.destroy();
  t = await startTestApp({ env: { ...s3.env('beamline-artifacts'), BEAMLINE_CLUSTER_DRIVER: 'local' } });
  token = await seedToken(t.app, 'MEMBER', [project]);
  dir = await mkdtemp(join(tmpdir(), 'beamline-cli-datasets-'));
  mkdirSync(join(dir, 'digits', 'train'), { recursive: true });
  writeFileSync(join(dir, 'digits', 'train', 'x.csv'), 'a,b\n1,2\n');
  writeFileSync(join(dir, 'digits', 'README'), 'hi');
});
afterAll(async () => {
  await closeApp(t);
  await s3?.stop();
});

const beamline = cliRunner(() => dir);
const run = (...args: string[]) => beamline('datasets', ...args, '--url', t.url, '--token', token, '--project', project);

async function tarGz(items: Array<{ name: string; body: string }>): Promise<Buffer> {
  const p = pack();
  for (const { name, body } of items) p.entry({ name, type: 'file' } as Header, body);
  p.finalize();
  const chunks: Buffer[] = [];
  for await (const chunk of p) chunks.push(chunk as Buffer);
  return gzipSync(Buffer.concat(chunks));
}

describe('beamline datasets', () => {
  it('uploads a directory and an archive, registers an s3:// prefix (the same files give the same digest), and lists and shows them', async () => {
    const created = await run('create', 'digits', '--description', 'handwritten');
    expect(created.code, created.stderr).toBe(0);
    expect(created.stdout).toBe('created dataset digits\n');
    const fromDir = await run('upload', 'digits', join(dir, 'digits'), '--description', 'packed', '--json');
    expect(fromDir.code, fromDir.stderr).toBe(0);
    expect(fromDir.stderr).toMatch(/^packed .*digits \(\d+ bytes, \.tar\.gz\)$/m);
    const v1 = fromDir.json();
    expect(v1).toMatchObject({ dataset: 'digits', version: 1, kind: 'archive', description: 'packed', sizeBytes: 10, fileCount: 2 });

    writeFileSync(join(dir, 'same.tar.gz'), await tarGz([{ name: 'README', body: 'hi' }, { name: 'train/x.csv', body: 'a,b\n1,2\n' }]));
    const fromFile = await run('upload', 'digits', join(dir, 'same.tar.gz'));
    expect(fromFile.code, fromFile.stderr).toBe(0);
    expect(fromFile.stdout).toBe(`digits version 2: 2 files, 10 bytes, digest ${v1.digest}\n`);
    const fromS3 = await run('register', 'digits', 's3://lab-data/digits', '--json');
    expect(fromS3.code, fromS3.stderr).toBe(0);
    expect(fromS3.json()).toMatchObject({ version: 3, kind: 's3', uri: 's3://lab-data/digits', digest: v1.digest });

    // upload/register make the dataset when it is missing (unless --no-create).
    expect((await run('register', 'digits-s3', 's3://lab-data/digits')).code).toBe(0);

    const list = await run('list');
    expect(list.stdout).toMatch(/^NAME\s+LATEST\s+DESCRIPTION\s+UPDATED$/m);
    expect(list.stdout).toMatch(/^digits\s+3\s+handwritten\s+\d{4}-/m);
    expect(list.stdout).toMatch(/^digits-s3\s+1\s+/m);
    const versions = await run('versions', 'digits');
    expect(versions.stdout.split('\n').slice(1, 4).map((l) => l.split(/\s+/).slice(0, 2))).toEqual([['3', 's3'], ['2', 'archive'], ['1', 'archive']]);
    const got = await run('get', 'digits');
    expect(got.stdout).toMatch(/^latest\s+3$/m);
    expect(got.stdout).toMatch(/^VERSION\s+KIND\s+URI/m);
    const one = await run('get', 'digits', '3');
    expect(one.stdout).toMatch(/^uri\s+s3:\/\/lab-data\/digits$/m);
    expect(one.stdout).toMatch(new RegExp(`^digest\\s+${v1.digest}$`, 'm'));
    expect((await run('get', 'digits', '3', '--json')).json().usedBy).toEqual([]);

    const deleted = await run('delete', 'digits', '2');
    expect(deleted.code, deleted.stderr).toBe(0);
    expect(deleted.stdout).toBe('deleted version 2 of dataset digits\n');
    expect((await run('get', 'digits', '2')).code).toBe(3);
  });

  it('fails with a non-zero exit and the reason on stderr, never a result on stdout', async () => {
    writeFileSync(join(dir, 'evil.tar.gz'), await tarGz([{ name: '../evil', body: 'x' }]));
    const traversal = await run('upload', 'digits', join(dir, 'evil.tar.gz'));
    expect(traversal.code).toBe(4);
    expect(traversal.stdout).toBe('');
    expect(traversal.stderr).toContain("failed with 400: The archive was refused (file: entry '../evil' has '..' in its path (path traversal))");
    const asJson = await run('upload', 'digits', join(dir, 'evil.tar.gz'), '--json');
    expect(asJson.code).toBe(4);
    expect(asJson.json().error).toMatchObject({ status: 400, exitCode: 4, errors: [{ field: 'file', message: expect.stringContaining('path traversal') }] });

    const bucket = await run('register', 'digits', 's3://no-such-bucket/x', '--json');
    expect(bucket.code).toBe(4);
    expect(bucket.json().error.errors).toEqual([{ field: 'uri', message: expect.stringContaining("no bucket 'no-such-bucket'") }]);
    const noCreate = await run('upload', 'ghost', join(dir, 'same.tar.gz'), '--no-create');
    expect(noCreate.code).toBe(3);
    expect((await run('get', 'ghost')).code).toBe(3);
    expect((await run('delete', 'digits', '9')).code).toBe(3);
    for (const args of [['register', 'digits', 'ftp://x/y'], ['upload', 'digits', join(dir, 'missing')], ['delete', 'digits', 'zero'], ['frobnicate']]) {
      const usage = await run(...args);
      expect(usage.code, args.join(' ')).toBe(2);
      expect(usage.stdout, args.join(' ')).toBe('');
    }
    expect((await run('list', '--json')).json().map((d: { name: string }) => d.name)).toEqual(['digits', 'digits-s3']); // nothing made by the failures
  });
});
