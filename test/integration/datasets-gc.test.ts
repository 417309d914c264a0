import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { pack, type Header } from 'tar-stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PrismaService } from '../../src/common/database/prisma.service.js';
import { DatasetCopies } from '../../src/datasets/dataset-copies.js';
import { DatasetsRepository } from '../../src/datasets/datasets.repository.js';
import { client, eventually, seedToken, startTestApp, type TestApp } from '../helpers/test-app.js';

/**
 * Issue 15: the unpacked copies under <home>/datasets/<sha256> go when no dataset version
 * references them any more (dataset-copies.ts has the rule), never while one does: not while
 * another version shares the archive, not while a job names the version, and not when a
 * register of the same archive is between moving its copy in and committing its version.
 */
let t: TestApp;
let api: ReturnType<typeof client>;
let token: string;
let home: string;
const P = '/v1/projects/data';

async function tarGz(files: Record<string, string>): Promise<Buffer> {
  const p = pack();
  for (const [name, body] of Object.entries(files)) p.entry({ name, type: 'file' } as Header, body);
  p.finalize();
  const chunks: Buffer[] = [];
  for await (const chunk of p) chunks.push(chunk as Buffer);
  return gzipSync(Buffer.concat(chunks));
}

async function upload(dataset: string, archive: Buffer): Promise<{ version: number; archive: { sha256: string } }> {
  const form = new FormData();
  form.append('file', new Blob([archive]), 'data.tar.gz');
  const res = await fetch(`${t.url}${P}/datasets/${dataset}/versions`, { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: form });
  expect(res.status).toBe(201);
  return (await res.json()) as { version: number; archive: { sha256: string } };
}

const copy = (sha: string) => join(home, 'datasets', sha);

beforeAll(async () => {
  home = mkdtempSync(join(tmpdir(), 'beamline-dsgc-'));
  chmodSync(home, 0o711);
  // What a crash halfway through a removal leaves (dataset-copies.ts): gone once the app is up.
  mkdirSync(join(home, 'datasets', '.gc-crashed', 'sub'), { recursive: true });
  writeFileSync(join(home, 'datasets', '.gc-crashed', 'sub', 'f'), 'x');
  chmodSync(join(home, 'datasets', '.gc-crashed', 'sub'), 0o555);
  t = await startTestApp({ home, env: { BEAMLINE_CLUSTER_DRIVER: 'local', BEAMLINE_SCHEDULER_INTERVAL_MS: '200' } });
  token = await seedToken(t.app, 'MEMBER', ['data']);
  api = client(t.url, token);
  for (const name of ['shared', 'named', 'race']) expect((await api.post(`${P}/datasets`, { name })).status).toBe(201);
});
afterAll(async () => {
  await t?.close();
  rmSync(home, { recursive: true, force: true });
});

describe('garbage collection of unpacked dataset copies', () => {
  it('keeps a copy while another version references it, removes it with the last one, and unpacks it again on a new upload', async () => {
    expect(readdirSync(join(home, 'datasets'))).toEqual([]); // the crashed removal was finished at boot
    const archive = await tarGz({ 'a.txt': 'shared bytes' });
    const [v1, v2] = [await upload('shared', archive), await upload('shared', archive)];
    expect(v2.archive.sha256).toBe(v1.archive.sha256);
    expect((await api.delete(`${P}/datasets/shared/versions/1`)).status).toBe(204);
    expect(existsSync(copy(v1.archive.sha256))).toBe(true);
    expect((await api.delete(`${P}/datasets/shared/versions/2`)).status).toBe(204);
    expect(existsSync(copy(v1.archive.sha256))).toBe(false);
    expect(readdirSync(join(home, 'datasets'))).toEqual([]); // renamed away, then removed: no .gc-* left
    expect(await (await fetch(`${t.url}/metrics`)).text()).toMatch(/^beamline_dataset_copies_removed_total 1$/m);
    const v3 = await upload('shared', archive);
    expect(existsSync(join(copy(v3.archive.sha256), 'a.txt'))).toBe(true);
  });

  it('keeps the copy of a version a job names (the delete is refused)', async () => {
    const v = await upload('named', await tarGz({ 'b.txt': 'named' }));
    const job = await api.post(`${P}/training-jobs`, {
      name: 'waits',
      image: 'unused',
      command: [process.execPath, '-e', '0'],
      resources: { cpu: '4000', memory: '64Mi' }, // no node has that: it stays Queued
      volumes: [{ name: 'd', mountPath: '/d', dataset: { name: 'named', version: v.version } }],
    });
    expect(job.status, job.text).toBe(201);
    expect((await api.delete(`${P}/datasets/named/versions/${v.version}`)).status).toBe(409);
    expect(existsSync(copy(v.archive.sha256))).toBe(true);
    await api.post(`${P}/training-jobs/${job.body.id}/cancel`);
  });

  it('a release that runs while a register of the same archive holds its lock waits, then keeps the copy', async () => {
    const v = await upload('race', await tarGz({ 'c.txt': 'race' }));
    const sha = v.archive.sha256;
    expect((await api.delete(`${P}/datasets/race/versions/${v.version}`)).status).toBe(204);
    expect(existsSync(copy(sha))).toBe(false);
    const repo = t.app.get(DatasetsRepository);
    const copies = t.app.get(DatasetCopies);
    const prisma = t.app.get(PrismaService);
    const dataset = (await api.get(`${P}/datasets/race`)).body;
    const waitingLocks = async () =>
      (await prisma.$queryRaw<Array<{ n: number }>>`SELECT count(*)::int AS n FROM pg_locks l JOIN pg_database d ON d.oid = l.database
        WHERE l.locktype = 'advisory' AND NOT l.granted AND d.datname = current_database()`)[0].n;
    let release: Promise<boolean> | undefined;
    // A register between moving its copy in and inserting its version (what createVersion does
    // under the lock): the release started meanwhile must wait for it and then see the version.
    const registered = repo.createVersion(
      { datasetId: dataset.id, kind: 'archive', uri: `artifact://sha256/${sha}`, description: '', sizeBytes: 4, fileCount: 1, digest: null, digestNote: null, archiveSha256: sha },
      async () => {
        const staged = (await copies.unpack(await tarPath({ 'c.txt': 'race' }))).staged;
        await copies.place(staged, sha);
        release = copies.release(sha);
        await eventually(async () => ((await waitingLocks()) > 0 ? true : undefined), 20_000, 'the release to wait for the lock');
      },
    );
    await registered;
    expect(await release).toBe(false);
    expect(existsSync(join(copy(sha), 'c.txt'))).toBe(true);
  });
});

async function tarPath(files: Record<string, string>): Promise<string> {
  const path = join(home, 'race.tar.gz');
  writeFileSync(path, await tarGz(files));
  return path;
}
