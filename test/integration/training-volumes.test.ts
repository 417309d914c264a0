import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { client, eventually, seedToken, startTestApp, type TestApp } from '../helpers/test-app.js';

/**
 * Issue 15, item 1 on the local driver (real PostgreSQL, real worker processes): a claim is
 * a directory under <home>/volumes, scratch a directory of the attempt; the worker finds both
 * in BEAMLINE_VOLUME_<NAME>. Bad volumes are a 400 naming the field, and nothing is created.
 */
let t: TestApp;
let api: ReturnType<typeof client>;
let home: string;
const base = '/v1/projects/vol/training-jobs';

beforeAll(async () => {
  home = mkdtempSync(join(tmpdir(), 'beamline-vol-'));
  chmodSync(home, 0o711);
  mkdirSync(join(home, 'volumes', 'shared'), { recursive: true, mode: 0o777 });
  chmodSync(join(home, 'volumes', 'shared'), 0o777); // the job user writes here
  t = await startTestApp({ home, env: { BEAMLINE_CLUSTER_DRIVER: 'local', BEAMLINE_SCHEDULER_INTERVAL_MS: '200' } });
  api = client(t.url, await seedToken(t.app, 'MEMBER', ['vol']));
});
afterAll(async () => {
  await t.close();
  rmSync(home, { recursive: true, force: true });
});

const job = (name: string, volumes: unknown[], command = [process.execPath, '-e', '0']) => ({
  name,
  image: 'unused',
  command,
  resources: { cpu: '100m', memory: '256Mi' },
  volumes,
});
const count = async () => (await api.get(`${base}?limit=200`)).body.items.length as number;

describe('job volumes on the local driver', () => {
  it('gives the worker its claim and scratch directories, and shows the volumes on the job', async () => {
    const script = `
const fs = require('node:fs'), path = require('node:path');
fs.writeFileSync(path.join(process.env.BEAMLINE_VOLUME_SCRATCH, 'tmp'), 'x');
fs.writeFileSync(path.join(process.env.BEAMLINE_VOLUME_DATA, 'seen'), process.env.BEAMLINE_VOLUME_SCRATCH);`;
    const res = await api.post(base, job('uses-volumes', [
      { name: 'data', mountPath: '/data', claim: 'shared' },
      { name: 'scratch', mountPath: '/scratch', scratch: { sizeLimit: '1Gi' } },
    ], [process.execPath, '-e', script]));
    expect(res.status, res.text).toBe(201);
    expect(res.body.volumes).toEqual([
      { name: 'data', mountPath: '/data', readOnly: false, claim: 'shared' },
      { name: 'scratch', mountPath: '/scratch', readOnly: false, scratch: { medium: 'Disk', sizeLimitMiB: 1024 } },
    ]);
    await eventually(async () => ((await api.get(`${base}/${res.body.id}`)).body.status === 'Succeeded') || undefined, 30_000, 'Succeeded');
    const scratch = readFileSync(join(home, 'volumes', 'shared', 'seen'), 'utf8');
    expect(scratch).toBe(join(home, 'jobs', res.body.id, 'a0', 'scratch', 'scratch'));
    expect(readFileSync(join(scratch, 'tmp'), 'utf8')).toBe('x');
  });

  it('refuses an unknown claim and bad mount paths with 400 naming the field; no job is created', async () => {
    const before = await count();
    const unknown = await api.post(base, job('unknown-claim', [{ name: 'd', mountPath: '/d', claim: 'nope' }]));
    expect(unknown.status).toBe(400);
    expect(unknown.body.errors).toEqual([{ field: 'volumes.0.claim', message: expect.stringContaining("no claim 'nope'") }]);
    const collide = await api.post(base, job('collide', [
      { name: 'a', mountPath: '/data', claim: 'shared' },
      { name: 'b', mountPath: '/data/cache', scratch: {} },
    ]));
    expect(collide.status).toBe(400);
    expect(collide.body.errors.map((e: { field: string }) => e.field)).toEqual(['volumes.1.mountPath']);
    const root = await api.post(base, job('root', [{ name: 'a', mountPath: '/', scratch: {} }]));
    expect(root.body.errors.map((e: { field: string }) => e.field)).toEqual(['volumes.0.mountPath']);
    expect(await count()).toBe(before);
  });
});
