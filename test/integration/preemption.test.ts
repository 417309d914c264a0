import { chmodSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { client, eventually, seedToken, sleep, startTestApp, type TestApp } from '../helpers/test-app.js';

/**
 * Issue 14, item 3: the controller loop executes the engine's preemptions, on real
 * PostgreSQL with the local driver, one declared H100 and real worker processes. Workers
 * append what happens to them to a marker file the test reads.
 */
let t: TestApp;
let admin: ReturnType<typeof client>;
let member: ReturnType<typeof client>;
let markers: string;
const H100 = 'NVIDIA-H100-80GB-HBM3';
const PROJECT = 'pre';

beforeAll(async () => {
  markers = mkdtempSync(join(tmpdir(), 'beamline-preemption-'));
  chmodSync(markers, 0o777); // as root, workers run as the unprivileged job user
  t = await startTestApp({
    env: { BEAMLINE_CLUSTER_DRIVER: 'local', BEAMLINE_SCHEDULER_INTERVAL_MS: '200', BEAMLINE_LOCAL_GPUS: `${H100}:81920x1`, BEAMLINE_PREEMPTION_GRACE_SECONDS: '20' },
  });
  admin = client(t.url, await seedToken(t.app, 'ADMIN'));
  member = client(t.url, await seedToken(t.app, 'MEMBER', [PROJECT]));
});
afterAll(async () => {
  await t.close();
  rmSync(markers, { recursive: true, force: true });
});

/**
 * A worker that logs `start <attempt>` to its marker; on SIGTERM it logs `term <attempt>`,
 * takes 1 s to "checkpoint", logs `stopped <attempt>` and exits 0. With `finishAfterMs` it
 * ends by itself (exit 0) that long after starting; `from` attempts on it finishes at once.
 */
function worker(marker: string, opts: { finishAfterMs?: number; finishFromAttempt?: number } = {}): string[] {
  const script = `
const fs = require('node:fs');
const a = process.env.BEAMLINE_ATTEMPT;
const log = (w) => fs.appendFileSync(${JSON.stringify(marker)}, w + ' ' + a + '\\n');
log('start');
process.on('SIGTERM', () => { log('term'); setTimeout(() => { log('stopped'); process.exit(0); }, 1000); });
if (${opts.finishFromAttempt ?? -1} >= 0 && Number(a) >= ${opts.finishFromAttempt ?? -1}) { log('done'); process.exit(0); }
if (${opts.finishAfterMs ?? -1} >= 0) setTimeout(() => { log('done'); process.exit(0); }, ${opts.finishAfterMs ?? -1});
setInterval(() => {}, 1000);`;
  return [process.execPath, '-e', script];
}

const body = (name: string, queue: string, priority: number, command: string[]) => ({
  name,
  image: 'unused',
  queue,
  priority,
  command,
  resources: { cpu: '100m', memory: '64Mi', gpu: { count: 1 } },
});

async function submit(b: Record<string, unknown>): Promise<string> {
  const res = await member.post(`/v1/projects/${PROJECT}/training-jobs`, b);
  expect(res.status, res.text).toBe(201);
  return res.body.id as string;
}
const job = async (id: string) => (await member.get(`/v1/projects/${PROJECT}/training-jobs/${id}`)).body;
const events = async (id: string): Promise<{ reason: string; message: string; to: string }[]> => (await member.get(`/v1/projects/${PROJECT}/training-jobs/${id}/events`)).body.items;
const until = (id: string, ok: (j: Record<string, unknown>) => boolean, what: string, ms = 30_000) =>
  eventually(async () => {
    const j = await job(id);
    return ok(j) ? j : undefined;
  }, ms, what);
const lines = (file: string): string[] => {
  try {
    return readFileSync(file, 'utf8').trim().split('\n');
  } catch {
    return [];
  }
};

async function clusterQueue(name: string, extra: Record<string, unknown>) {
  const res = await admin.post('/v1/cluster-queues', { name, ...extra });
  expect(res.status, res.text).toBe(201);
  const pq = await member.post(`/v1/projects/${PROJECT}/queues`, { name, clusterQueue: name });
  expect(pq.status, pq.text).toBe(201);
  return res.body;
}
const gpuQuota = (nominal: number) => [{ resource: 'nvidia.com/gpu', flavor: H100, nominal }];

describe('preemption within a cluster queue (local driver, real processes)', () => {
  it('a higher priority job preempts with SIGTERM and grace; the victim is requeued and runs again, no retry used', async () => {
    const created = await clusterQueue('solo', { quota: gpuQuota(1), preemption: { minRuntimeSeconds: 0 } });
    expect(created.preemption).toEqual({ withinClusterQueue: 'LowerPriority', reclaimWithinCohort: 'Any', minRuntimeSeconds: 0 });
    const marker = join(markers, 'within');
    const low = await submit(body('low', 'solo', 0, worker(marker, { finishFromAttempt: 1 })));
    await until(low, (j) => j.status === 'Running', 'low Running');
    await eventually(async () => lines(marker).includes('start 0') || undefined, 10_000, 'low started');

    const high = await submit(body('high', 'solo', 5, worker(marker, { finishAfterMs: 500 })));
    const done = await until(high, (j) => j.status === 'Succeeded', 'high Succeeded');
    expect(done.attempt).toBe(0);
    const again = await until(low, (j) => j.status === 'Succeeded', 'low Succeeded on its second attempt');

    // The victim saw SIGTERM, finished its checkpoint, and only then did the preemptor start
    // on the GPU: no double booking. Then the victim ran again, as attempt 1.
    expect(lines(marker)).toEqual(['start 0', 'term 0', 'stopped 0', 'start 0', 'done 0', 'start 1', 'done 1']);
    expect(again.attempt).toBe(1);
    expect(again.maxRetries).toBe(0); // so a failure would have been final: the preemption used no retry
    expect(again.preemptedBy).toBe(high); // the job view says who took its GPU
    const ev = await events(low);
    const preempting = ev.find((e) => e.reason === 'Preempting');
    const preempted = ev.find((e) => e.reason === 'Preempted');
    expect(preempting?.message).toContain(`preempted by job ${high}`);
    expect(preempted).toMatchObject({ to: 'Queued' });
    expect(preempted?.message).toContain(`preempted by job ${high}`);
    expect(preempted?.message).toContain('no retry used');
  });

  /**
   * `incumbent` runs in `queue`, then `challenger` (at `priority`) arrives: a few cycles later
   * the incumbent still runs, untouched, and the challenger waits with a reason. Both are then
   * cancelled. Returns the incumbent's id.
   */
  async function expectNoPreemption(queue: string, incumbent: string, challenger: string, priority: number): Promise<string> {
    const running = await submit(body(incumbent, queue, 0, worker(join(markers, incumbent))));
    await until(running, (j) => j.status === 'Running', `${incumbent} Running`);
    const waiting = await submit(body(challenger, queue, priority, worker(join(markers, challenger))));
    await until(waiting, (j) => typeof j.pendingReason === 'string', `${challenger} has a pending reason`);
    await sleep(1000); // a few more cycles, then nothing has changed
    expect((await job(running)).status).toBe('Running');
    expect((await job(waiting)).status).toBe('Queued');
    expect((await events(running)).map((e) => e.reason)).not.toContain('Preempting');
    expect(lines(join(markers, incumbent))).toEqual(['start 0']);
    await member.post(`/v1/projects/${PROJECT}/training-jobs/${waiting}/cancel`);
    await member.post(`/v1/projects/${PROJECT}/training-jobs/${running}/cancel`);
    return running;
  }

  it('does not preempt for an equal priority, nor a job within its queue\'s minimum runtime', async () => {
    await clusterQueue('guarded', { quota: gpuQuota(1), preemption: { minRuntimeSeconds: 3600 } });
    await expectNoPreemption('solo', 'incumbent', 'equal', 0);
    const young = await expectNoPreemption('guarded', 'young', 'urgent', 9);
    await until(young, (j) => j.status === 'Cancelled', 'young Cancelled');
  });
});

describe('reclaim within a cohort', () => {
  it('the owner of nominal quota preempts the borrower\'s running job at equal priority (reclaimWithinCohort: Any)', async () => {
    await clusterQueue('owner', { cohort: 'pc', quota: gpuQuota(1), preemption: { minRuntimeSeconds: 0 } });
    await clusterQueue('borrower', { cohort: 'pc', quota: gpuQuota(0), preemption: { minRuntimeSeconds: 0 } });
    const marker = join(markers, 'reclaim');
    const borrowed = await submit(body('borrowed', 'borrower', 0, worker(marker)));
    await until(borrowed, (j) => j.status === 'Running', 'borrower Running on borrowed quota');
    // Its SIGTERM handler is installed once it has logged: a process signalled earlier just dies.
    await eventually(async () => lines(marker).includes('start 0') || undefined, 10_000, 'borrower started');
    const own = await submit(body('own', 'owner', 0, worker(join(markers, 'own'), { finishAfterMs: 300 })));
    await until(own, (j) => j.status === 'Succeeded', 'owner Succeeded');
    // Preempted once: its requeued attempt did not take the GPU back from the owner waiting for it.
    expect((await events(borrowed)).filter((e) => e.reason === 'Preempting')).toHaveLength(1);
    await until(borrowed, (j) => j.attempt === 1 && j.status === 'Running', 'borrower back and running again');
    await eventually(async () => lines(marker).includes('start 1') || undefined, 10_000, 'borrower attempt 1 started');
    expect(lines(marker)).toEqual(['start 0', 'term 0', 'stopped 0', 'start 1']);
    const preempted = (await events(borrowed)).find((e) => e.reason === 'Preempted');
    expect(preempted?.message).toContain(`preempted by job ${own}`);
    await member.post(`/v1/projects/${PROJECT}/training-jobs/${borrowed}/cancel`);
  });
});
