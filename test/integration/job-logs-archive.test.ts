import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { PrismaService } from '../../src/common/database/prisma.service.js';
import { client, closeApp, eventually, migratedDatabase, seedToken, sleep, startTestApp, type TestApp } from '../helpers/test-app.js';

/**
 * Issue 15: a job's logs outlive its workers. The leading controller archives each worker's
 * log in chunks (1 KiB and 1 s here, so there are many) to the artifact store; once the
 * local worker directory is removed, the api serves the archive, complete and in order.
 */
const apps: TestApp[] = [];
afterEach(async () => {
  for (const app of apps.splice(0)) await closeApp(app);
});

const base = '/v1/projects/logs/training-jobs';
const env = {
  BEAMLINE_CLUSTER_DRIVER: 'local',
  BEAMLINE_SCHEDULER_INTERVAL_MS: '200',
  BEAMLINE_RETRY_BACKOFF_MS: '100',
  BEAMLINE_JOB_LOG_CHUNK_KIB: '1',
  BEAMLINE_JOB_LOG_FLUSH_SECONDS: '1',
};

function nodeJob(name: string, script: string, extra: Record<string, unknown> = {}) {
  return { name, image: 'unused', command: [process.execPath, '-e', script], resources: { cpu: '100m', memory: '64Mi' }, ...extra };
}

const lines = (from: number, to: number, prefix: string) => Array.from({ length: to - from }, (_, i) => `${prefix} line ${from + i}`);

/** Every archived worker log of the job is complete (its last chunk is final). */
async function archived(app: TestApp, jobId: string, workers: number): Promise<boolean> {
  const finals = await app.app.get(PrismaService).trainingLogChunk.count({ where: { jobId, final: true } });
  return finals === workers;
}

describe('job logs survive their workers', () => {
  it('serves every worker of every attempt from the archive once the worker directory is gone', async () => {
    const home = await mkdtemp(join(tmpdir(), 'logs-home-'));
    const t = await startTestApp({ home, env });
    apps.push(t);
    const api = client(t.url, await seedToken(t.app, 'MEMBER', ['logs']));
    // Two workers, 120 lines each (~3 KiB). In attempt 0 rank 0 fails a while after rank 1
    // has ended (a gang fails as a whole, and a worker still running then is killed); attempt 1 succeeds.
    const script = `const a = process.env.BEAMLINE_ATTEMPT, r = process.env.RANK;
      for (let i = 0; i < 120; i++) console.log('attempt', a, 'rank', r, 'line', i);
      if (a === '0' && r === '0') setTimeout(() => process.exit(1), 1500);`;
    const { body: job } = await api.post(base, nodeJob('two-attempts', script, { workers: 2, maxRetries: 1 }));
    await eventually(async () => (await api.get(`${base}/${job.id}`)).body.status === 'Succeeded', 30_000, 'Succeeded');
    await eventually(() => archived(t, job.id, 4), 15_000, 'four complete archives');
    const chunks = await t.app.get(PrismaService).trainingLogChunk.count({ where: { jobId: job.id } });
    expect(chunks).toBeGreaterThan(8); // cut at 1 KiB: several per worker

    await rm(join(home, 'jobs', job.id), { recursive: true, force: true });
    expect(existsSync(join(home, 'jobs', job.id))).toBe(false);
    for (const attempt of [0, 1]) {
      for (const worker of [0, 1]) {
        const res = await api.get(`${base}/${job.id}/logs?attempt=${attempt}&worker=${worker}`);
        expect(res.status).toBe(200);
        expect(res.text).toBe(lines(0, 120, `attempt ${attempt} rank ${worker}`).join('\n') + '\n');
      }
    }
    // A follow of a finished job whose log is archived returns it and ends.
    const followed = await api.get(`${base}/${job.id}/logs?follow=true&worker=1`);
    expect(followed.text.split('\n').at(-2)).toBe('attempt 1 rank 1 line 119');
    // Bad input is still a 400 naming the field.
    const bad = await api.get(`${base}/${job.id}/logs?worker=2`);
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body)).toContain('query.worker');
  });

  it('a controller restart in the middle of a log neither loses nor doubles a line', async () => {
    const home = await mkdtemp(join(tmpdir(), 'logs-restart-'));
    const databaseUrl = await migratedDatabase();
    const apiApp = await startTestApp({ role: 'api', databaseUrl, home, env });
    apps.push(apiApp);
    const api = client(apiApp.url, await seedToken(apiApp.app, 'MEMBER', ['logs']));
    let controller = await startTestApp({ role: 'controller', databaseUrl, home, env });
    // 160 lines, one every 25 ms: about 4 s of output, so the restart falls in the middle.
    const script = `let i = 0; const t = setInterval(() => { console.log('steady line', i++); if (i === 160) clearInterval(t); }, 25);`;
    const { body: job } = await api.post(base, nodeJob('restart-mid-log', script));
    const prisma = apiApp.app.get(PrismaService);
    await eventually(async () => (await prisma.trainingLogChunk.count({ where: { jobId: job.id } })) >= 1, 15_000, 'a first chunk');
    await closeApp(controller); // the worker runs on (local workers outlive the controller)
    const before = await prisma.trainingLogChunk.findMany({ where: { jobId: job.id }, orderBy: { seq: 'asc' } });
    expect(before.some((c) => c.final)).toBe(false);
    await sleep(1000);
    controller = await startTestApp({ role: 'controller', databaseUrl, home, env });
    apps.push(controller);
    await eventually(async () => (await api.get(`${base}/${job.id}`)).body.status === 'Succeeded', 30_000, 'Succeeded');
    await eventually(() => archived(apiApp, job.id, 1), 15_000, 'a complete archive');

    // Each chunk starts where the one before ended, across the restart.
    const rows = await prisma.trainingLogChunk.findMany({ where: { jobId: job.id }, orderBy: { seq: 'asc' } });
    expect(rows.length).toBeGreaterThan(before.length);
    rows.forEach((row, i) => {
      expect(row.seq).toBe(i);
      if (i > 0) expect(Number(row.offset)).toBe(Number(rows[i - 1].offset) + rows[i - 1].size);
    });
    await rm(join(home, 'jobs', job.id), { recursive: true, force: true });
    const res = await api.get(`${base}/${job.id}/logs`);
    expect(res.text).toBe(lines(0, 160, 'steady').join('\n') + '\n');
  });
});
