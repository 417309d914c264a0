import { existsSync, readdirSync } from 'node:fs';
import { chmod, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { adminToken, buildPlatform, killPlatform, startPlatform, type Platform } from '../helpers/platform-process.js';
import { client, eventually, migratedDatabase } from '../helpers/test-app.js';

/**
 * Issue 19 item 4: a job whose local worker finishes while the platform is dead ends with
 * its real outcome once the platform is back. The kill test behind the issue found jobs
 * marked `Failed: ... disappeared from the cluster` instead: the restarted controller
 * could read the driver's workloads before the driver had adopted them from disk.
 */
const base = '/v1/projects/default/training-jobs';
let env: Record<string, string>;
const running: Platform[] = [];

beforeAll(async () => {
  buildPlatform();
  const home = await mkdtemp(join(tmpdir(), 'outcome-home-'));
  await chmod(home, 0o755); // the job user (as root) reaches its directories through it
  env = {
    DATABASE_URL: await migratedDatabase(),
    REDIS_URL: inject('redisUrl'),
    BEAMLINE_QUEUE_PREFIX: `outcome-${Date.now().toString(36)}`,
    BEAMLINE_HOME: home,
    BEAMLINE_ADMIN_TOKEN: adminToken(),
    BEAMLINE_CLUSTER_DRIVER: 'local',
    BEAMLINE_SCHEDULER_INTERVAL_MS: '200',
  };
}, 600_000);
afterAll(async () => {
  for (const p of running) await killPlatform(p);
});

/** A worker that waits for a file to appear, then exits with `code`: the test decides when it ends. */
function gatedJob(name: string, gate: string, code: number) {
  const script = `const fs=require('node:fs');const t=setInterval(()=>{if(fs.existsSync(${JSON.stringify(gate)})){clearInterval(t);process.exit(${code})}},50)`;
  return { name, image: 'unused', command: [process.execPath, '-e', script], resources: { cpu: '100m', memory: '64Mi' } };
}

describe('a job that finishes while the platform is dead', () => {
  it('ends Succeeded or Failed with its real exit code after a restart', async () => {
    const gateDir = await mkdtemp(join(tmpdir(), 'outcome-gate-'));
    await chmod(gateDir, 0o755);
    const gate = join(gateDir, 'go');
    const first = await startPlatform(env);
    running.push(first);
    const api = client(first.url, env.BEAMLINE_ADMIN_TOKEN);
    const ok = (await api.post(base, gatedJob('exits-0', gate, 0))).body.id as string;
    const bad = (await api.post(base, gatedJob('exits-3', gate, 3))).body.id as string;
    for (const id of [ok, bad]) {
      await eventually(async () => (await api.get(`${base}/${id}`)).body.status === 'Running', 60_000, `job ${id} Running`);
    }

    // 1. The platform dies; then the workers finish, with nobody watching.
    await killPlatform(first);
    await writeFile(gate, 'go');
    // The worker's supervisor records the exit in <home>/jobs/<id>/a<attempt>/worker-0.exit.
    const finished = (id: string) => readdirSync(join(env.BEAMLINE_HOME, 'jobs', id)).some((a) => existsSync(join(env.BEAMLINE_HOME, 'jobs', id, a, 'worker-0.exit')));
    for (const id of [ok, bad]) await eventually(async () => finished(id), 30_000, `worker of ${id} finished`);

    // 2. Back up: each job ends as its worker did.
    const second = await startPlatform(env);
    running.push(second);
    const again = client(second.url, env.BEAMLINE_ADMIN_TOKEN);
    const final = async (id: string) =>
      eventually(async () => {
        const job = (await again.get(`${base}/${id}`)).body;
        return ['Succeeded', 'Failed', 'Cancelled'].includes(job.status) ? job : undefined;
      }, 60_000, `job ${id} finished`);
    expect((await final(ok)).status).toBe('Succeeded');
    const failed = await final(bad);
    expect(failed.status).toBe('Failed');
    const events = (await again.get(`${base}/${bad}/events`)).body.items as { to: string; message: string }[];
    expect(events.find((e) => e.to === 'Failed')?.message).toMatch(/exit code 3\b/);
  }, 300_000);
});
