import { existsSync, mkdtempSync, chmodSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { client, eventually, seedToken, startTestApp, type TestApp } from '../helpers/test-app.js';

/**
 * Issue 15, item 1: a job's own claim (`newClaim`) on the local driver, with real PostgreSQL
 * and real worker processes. It is a directory <home>/volumes/bl-<job>-v-<volume>, made by
 * the first attempt, the same for a retry, removed by the controller once the job is
 * terminal (Succeeded, Cancelled), and kept with `retain` so a later job mounts it as `claim`.
 */
let t: TestApp;
let api: ReturnType<typeof client>;
let home: string;
const base = '/v1/projects/claims/training-jobs';

beforeAll(async () => {
  home = mkdtempSync(join(tmpdir(), 'beamline-claims-'));
  chmodSync(home, 0o711);
  t = await startTestApp({ home, env: { BEAMLINE_CLUSTER_DRIVER: 'local', BEAMLINE_SCHEDULER_INTERVAL_MS: '200', BEAMLINE_RETRY_BACKOFF_MS: '100' } });
  api = client(t.url, await seedToken(t.app, 'MEMBER', ['claims']));
});
afterAll(async () => {
  await t?.close();
  rmSync(home, { recursive: true, force: true });
});

const job = (name: string, volumes: unknown[], script: string, extra: Record<string, unknown> = {}) => ({
  name,
  image: 'unused',
  command: [process.execPath, '-e', script],
  resources: { cpu: '100m', memory: '256Mi' },
  volumes,
  ...extra,
});
const statusOf = async (id: string) => (await api.get(`${base}/${id}`)).body as { status: string; attempt: number; statusReason: string };
const until = (id: string, status: string) =>
  eventually(async () => ((await statusOf(id)).status === status ? true : undefined), 30_000, `job ${id} ${status}`);
const claimDir = (name: string) => join(home, 'volumes', name);

// Attempt 0 leaves a file in the claim and fails; attempt 1 succeeds only if it finds that file.
const RETRY_SCRIPT = `
const fs = require('node:fs'), path = require('node:path');
const dir = process.env.BEAMLINE_VOLUME_OUT, attempt = process.env.BEAMLINE_ATTEMPT;
if (attempt === '0') { fs.writeFileSync(path.join(dir, 'from-a0'), 'kept'); process.exit(1); }
process.exit(fs.readFileSync(path.join(dir, 'from-a0'), 'utf8') === 'kept' ? 0 : 3);`;

describe("a job's own claim on the local driver", () => {
  it('survives a retry attempt and is removed when the job succeeds; the view names it', async () => {
    const res = await api.post(base, job('retried', [{ name: 'out', mountPath: '/out', newClaim: { size: '1Gi' } }], RETRY_SCRIPT, { maxRetries: 1 }));
    expect(res.status, res.text).toBe(201);
    const claimName = `bl-${res.body.id}-v-out`;
    expect(res.body.volumes).toEqual([
      { name: 'out', mountPath: '/out', readOnly: false, newClaim: { sizeMiB: 1024, accessMode: 'ReadWriteOnce', retain: false, claimName } },
    ]);
    await until(res.body.id, 'Succeeded');
    expect((await statusOf(res.body.id)).attempt).toBe(1); // attempt 1 read what attempt 0 wrote
    await eventually(async () => !existsSync(claimDir(claimName)) || undefined, 15_000, 'the claim directory removed');
  });

  it('with retain: kept after the job, and mounted by a later job as `claim`', async () => {
    const write = `require('node:fs').writeFileSync(require('node:path').join(process.env.BEAMLINE_VOLUME_OUT, 'model.bin'), 'weights')`;
    const first = await api.post(base, job('keeps', [{ name: 'out', mountPath: '/out', newClaim: { size: '1Gi', retain: true } }], write));
    expect(first.status, first.text).toBe(201);
    const claimName = first.body.volumes[0].newClaim.claimName as string;
    await until(first.body.id, 'Succeeded');
    // Past a few reconcile passes it is still there.
    await new Promise((r) => setTimeout(r, 1500));
    expect(existsSync(join(claimDir(claimName), 'model.bin'))).toBe(true);

    const read = `process.exit(require('node:fs').readFileSync(require('node:path').join(process.env.BEAMLINE_VOLUME_IN, 'model.bin'), 'utf8') === 'weights' ? 0 : 4)`;
    const second = await api.post(base, job('reads', [{ name: 'in', mountPath: '/in', claim: claimName, readOnly: true }], read));
    expect(second.status, second.text).toBe(201);
    await until(second.body.id, 'Succeeded');
    expect(existsSync(claimDir(claimName))).toBe(true);
  });

  it('is removed when the job is cancelled', async () => {
    const res = await api.post(base, job('cancelled', [{ name: 'out', mountPath: '/out', newClaim: { size: '1Gi' } }], 'setTimeout(() => {}, 60_000)'));
    const claimName = `bl-${res.body.id}-v-out`;
    await until(res.body.id, 'Running');
    expect(existsSync(claimDir(claimName))).toBe(true);
    expect((await api.post(`${base}/${res.body.id}/cancel`)).status).toBe(200);
    await eventually(async () => !existsSync(claimDir(claimName)) || undefined, 15_000, 'the claim directory removed');
  });

  it('refuses bad input with 400 naming the field, and creates nothing', async () => {
    const gang = await api.post(base, job('rwop-gang', [{ name: 'out', mountPath: '/out', newClaim: { size: '1Gi', accessMode: 'ReadWriteOncePod' } }], '0', { workers: 2 }));
    expect(gang.status).toBe(400);
    expect(gang.body.errors.map((e: { field: string }) => e.field)).toEqual(['volumes.0.newClaim.accessMode']);
    const huge = await api.post(base, job('huge', [{ name: 'out', mountPath: '/out', newClaim: { size: '20Ti' } }], '0'));
    expect(huge.status).toBe(400);
    expect(huge.body.errors).toEqual([{ field: 'volumes.0.newClaim.size', message: 'must be at most 16Ti' }]);
    expect((await api.get(`${base}?namePrefix=rwop`)).body.items).toEqual([]);
  });
});
