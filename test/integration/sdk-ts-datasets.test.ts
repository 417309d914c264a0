import { gzipSync } from 'node:zlib';
import { pack, type Header } from 'tar-stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Beamline, Conflict, Forbidden, NotFound, ValidationError } from '../../sdk/ts/src/index.js';
import { closeApp, eventually, seedToken, startTestApp, type TestApp } from '../helpers/test-app.js';

/** @beamline/sdk's `datasets` against the real platform (issue 15): every failure is a thrown error. */
let t: TestApp;
let member: Beamline;
let viewer: Beamline;
const project = 'sdk-datasets';

beforeAll(async () => {
  t = await startTestApp({ env: { BEAMLINE_CLUSTER_DRIVER: 'local', BEAMLINE_SCHEDULER_INTERVAL_MS: '200', BEAMLINE_DATASET_MAX_BYTES: '64kb' } });
  const as = async (role: 'MEMBER' | 'VIEWER') => new Beamline({ url: t.url, token: await seedToken(t.app, role, [project]), project, retries: 0 });
  member = await as('MEMBER');
  viewer = await as('VIEWER');
});
afterAll(() => closeApp(t));

const error = (p: Promise<unknown>) => p.then(() => undefined, (e: unknown) => e);

async function tarGz(items: Record<string, string>): Promise<Buffer> {
  const p = pack();
  for (const [name, body] of Object.entries(items)) p.entry({ name, type: 'file' } as Header, body);
  p.finalize();
  const chunks: Buffer[] = [];
  for await (const chunk of p) chunks.push(chunk as Buffer);
  return gzipSync(Buffer.concat(chunks));
}

describe('datasets', () => {
  it('upload (creating the dataset), versions, version, list, download, and a job that mounts it', async () => {
    const archive = await tarGz({ 'train/x.csv': 'a,b\n1,2\n' });
    const v1 = await member.datasets.upload('digits', archive, { description: 'first' });
    expect(v1).toMatchObject({ dataset: 'digits', version: 1, kind: 'archive', description: 'first', sizeBytes: 8, fileCount: 1, digest: expect.stringMatching(/^[0-9a-f]{64}$/) });
    const v2 = await member.datasets.upload('digits', new Blob([archive]));
    expect(v2).toMatchObject({ version: 2, digest: v1.digest });
    expect(await viewer.datasets.get('digits')).toMatchObject({ name: 'digits', latestVersion: 2 });
    expect((await viewer.datasets.list().toArray()).map((d) => d.name)).toEqual(['digits']);
    expect((await viewer.datasets.versions('digits', { limit: 1 }).toArray()).map((v) => v.version)).toEqual([2, 1]); // two pages
    expect(Buffer.from(await viewer.datasets.download('digits', 1))).toEqual(archive);

    const job = await member.training.submit({
      name: 'reads', image: 'unused', command: [process.execPath, '-e', "console.log(require('fs').readFileSync(process.env.BEAMLINE_VOLUME_D + '/train/x.csv', 'utf8'))"],
      resources: { cpu: '100m', memory: '128Mi' }, volumes: [{ name: 'd', mountPath: '/d', dataset: { name: 'digits', version: 1 } }],
    });
    await eventually(async () => ((await member.datasets.version('digits', 1)).usedBy.length > 0 ? true : undefined), 30_000, 'the read');
    expect((await member.datasets.version('digits', 1)).usedBy).toEqual([{ trainingJob: expect.objectContaining({ id: job.id, name: 'reads' }), attempts: [0] }]);
    expect(await error(member.datasets.deleteVersion('digits', 1))).toBeInstanceOf(Conflict);
    await member.datasets.deleteVersion('digits', 2);
    expect(await error(member.datasets.version('digits', 2))).toBeInstanceOf(NotFound);
  });

  it('create and register a claim path; refusals throw, naming the field', async () => {
    expect(await member.datasets.create({ name: 'claims', description: 'in a claim' })).toMatchObject({ name: 'claims', latestVersion: 0 });
    const missing = (await error(member.datasets.register('claims', 'pvc://nope/x'))) as ValidationError;
    expect(missing).toBeInstanceOf(ValidationError);
    expect(missing.errors).toEqual([{ field: 'uri', message: expect.stringContaining("no claim 'nope'") }]);
    const traversal = (await error(member.datasets.upload('claims', await tarGz({ '../x': 'x' })))) as ValidationError;
    expect(traversal).toBeInstanceOf(ValidationError);
    expect(traversal.errors[0]).toMatchObject({ field: 'file', message: expect.stringContaining('path traversal') });
    const big = (await error(member.datasets.upload('claims', await tarGz({ big: 'x'.repeat(100_000) })))) as ValidationError;
    expect(big.status).toBe(413);
    expect(big.errors[0].field).toBe('file');
    expect(await error(member.datasets.upload('ghost', await tarGz({ a: 'a' }), {}, { createDataset: false }))).toBeInstanceOf(NotFound);
    expect(await error(viewer.datasets.upload('claims', await tarGz({ a: 'a' })))).toBeInstanceOf(Forbidden);
    expect((await member.datasets.get('claims')).latestVersion).toBe(0);
    expect(await error(member.datasets.get('ghost'))).toBeInstanceOf(NotFound);
  });
});
