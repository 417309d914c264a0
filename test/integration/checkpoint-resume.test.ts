import { chmodSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliRunner } from '../helpers/cli.js';
import { client, eventually, seedToken, startTestApp, type TestApp } from '../helpers/test-app.js';

/**
 * Issue 15, the checkpoint contract end to end on the local driver: real PostgreSQL, real
 * worker processes. Each worker counts epochs to N, checkpointing every epoch the way the
 * contract asks (write `.tmp-step-<n>`, rename to `step-<n>`), and appends what it does to
 * a marker file the test reads. A crash, a preemption and a cancel + resume must each end
 * with every epoch run, at most one of them twice, and the next attempt resuming from the
 * last complete checkpoint, never from a partial one.
 */
let t: TestApp;
let admin: ReturnType<typeof client>;
let member: ReturnType<typeof client>;
let markers: string;
let memberToken: string;
const beamline = cliRunner(() => markers);
const H100 = 'NVIDIA-H100-80GB-HBM3';
const PROJECT = 'ckpt';

beforeAll(async () => {
  markers = mkdtempSync(join(tmpdir(), 'beamline-ckpt-'));
  chmodSync(markers, 0o777); // as root, workers run as the unprivileged job user
  t = await startTestApp({
    env: {
      BEAMLINE_CLUSTER_DRIVER: 'local',
      BEAMLINE_SCHEDULER_INTERVAL_MS: '200',
      BEAMLINE_LOCAL_GPUS: `${H100}:81920x1`,
      BEAMLINE_PREEMPTION_GRACE_SECONDS: '20',
      BEAMLINE_RETRY_BACKOFF_MS: '100',
      BEAMLINE_CHECKPOINT_KEEP: '2',
    },
  });
  admin = client(t.url, await seedToken(t.app, 'ADMIN'));
  memberToken = await seedToken(t.app, 'MEMBER', [PROJECT]);
  member = client(t.url, memberToken);
});
afterAll(async () => {
  await t.close();
  rmSync(markers, { recursive: true, force: true });
});

/**
 * Counts epochs to `epochs`, one every `epochMs`, checkpointing each. On SIGTERM it finishes
 * the epoch in progress, checkpoints it and exits 0. With `crashAfter`, attempt 0 leaves a
 * partial `.tmp-step-<k+1>` behind and exits 3 right after checkpointing epoch k.
 */
function counter(marker: string, opts: { epochs: number; epochMs: number; crashAfter?: number }): string[] {
  const script = `
const fs = require('node:fs'), path = require('node:path');
const dir = process.env.BEAMLINE_CHECKPOINT_DIR, from = process.env.BEAMLINE_RESUME_FROM, a = process.env.BEAMLINE_ATTEMPT;
const log = (w) => fs.appendFileSync(${JSON.stringify(marker)}, w + '\\n');
let epoch = from ? JSON.parse(fs.readFileSync(from, 'utf8')).epoch : 0;
let stop = false;
process.on('SIGTERM', () => { stop = true; log('term ' + a); });
log('start ' + a + ' from=' + (from ? path.basename(from) : ''));
function tick() {
  if (epoch >= ${opts.epochs}) { log('done ' + a); process.exit(0); }
  epoch++;
  log('epoch ' + epoch);
  const tmp = path.join(dir, '.tmp-step-' + epoch);
  fs.writeFileSync(tmp, JSON.stringify({ epoch }));
  fs.renameSync(tmp, path.join(dir, 'step-' + epoch));
  if (a === '0' && epoch === ${opts.crashAfter ?? -1}) { fs.writeFileSync(path.join(dir, '.tmp-step-' + (epoch + 1)), '{"ep'); process.exit(3); }
  if (stop) process.exit(0);
  setTimeout(tick, ${opts.epochMs});
}
tick();`;
  return [process.execPath, '-e', script];
}

const body = (name: string, command: string[], extra: Record<string, unknown> = {}) => ({
  name,
  image: 'unused',
  command,
  resources: { cpu: '100m', memory: '64Mi' },
  ...extra,
});
const base = `/v1/projects/${PROJECT}/training-jobs`;
async function submit(b: Record<string, unknown>): Promise<string> {
  const res = await member.post(base, b);
  expect(res.status, res.text).toBe(201);
  return res.body.id as string;
}
const job = async (id: string) => (await member.get(`${base}/${id}`)).body;
const until = (id: string, ok: (j: Record<string, unknown>) => boolean, what: string, ms = 60_000) =>
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
const epochsRun = (file: string) => lines(file).filter((l) => l.startsWith('epoch ')).map((l) => Number(l.slice(6)));

/** Every epoch 1..n ran, in order within each attempt, and at most one of them twice. */
function expectAtMostOneRepeat(file: string, n: number): void {
  const run = epochsRun(file);
  expect(new Set(run)).toEqual(new Set(Array.from({ length: n }, (_, i) => i + 1)));
  expect(run.length - n).toBeLessThanOrEqual(1);
}

describe('checkpoints and resume on the local driver', () => {
  it('a job that crashes at epoch k is retried from step-k, not from the partial checkpoint it left', async () => {
    const marker = join(markers, 'crash');
    const id = await submit(body('crash', counter(marker, { epochs: 6, epochMs: 50, crashAfter: 3 }), { maxRetries: 1 }));
    const done = await until(id, (j) => j.status === 'Succeeded', 'crash job Succeeded after its retry');
    expect(done.attempt).toBe(1);
    expect(lines(marker).filter((l) => l.startsWith('start'))).toEqual(['start 0 from=', 'start 1 from=step-3']);
    expectAtMostOneRepeat(marker, 6);
    expect(epochsRun(marker)).toEqual([1, 2, 3, 4, 5, 6]);
    // Found on disk when attempt 1 was made; only the last BEAMLINE_CHECKPOINT_KEEP (2) are kept.
    const list = await member.get(`${base}/${id}/checkpoints`);
    expect(list.status, list.text).toBe(200);
    expect(list.body.items.map((c: { name: string }) => c.name)).toEqual(['step-3', 'step-2']);
    expect(list.body.items[0]).toMatchObject({ step: 3, attempt: 0, sizeBytes: '{"epoch":3}'.length });
  });

  it('a cancelled job is resumed by hand (beamline train resume) from its last checkpoint', async () => {
    const marker = join(markers, 'cancelled');
    const id = await submit(body('cancelled', counter(marker, { epochs: 10, epochMs: 300 })));
    await eventually(async () => epochsRun(marker).length >= 2 || undefined, 30_000, 'two epochs');
    expect((await member.post(`${base}/${id}/cancel`)).status).toBe(200);
    await eventually(async () => lines(marker).includes('term 0') || undefined, 30_000, 'the worker got SIGTERM');
    // Only a Failed or Cancelled job resumes; the Cancelled one does, as a new attempt that used no retry.
    const resumed = await beamline('train', 'resume', id, '--json', '--url', t.url, '--token', memberToken, '--project', PROJECT);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.json()).toMatchObject({ status: 'Queued', statusReason: 'Resumed', attempt: 1, finishedAt: null });
    await until(id, (j) => j.status === 'Succeeded', 'resumed job Succeeded');
    const k = lastCheckpointed(marker);
    expect(lines(marker)).toContain(`start 1 from=step-${k}`);
    expectAtMostOneRepeat(marker, 10);
    const again = await member.post(`${base}/${id}/resume`);
    expect(again.status).toBe(409);
  });

  it('recording by hand: 400 names the field, 409 once the job has ended, 404 for another id', async () => {
    const marker = join(markers, 'recorded');
    const id = await submit(body('recorded', counter(marker, { epochs: 1, epochMs: 10 })));
    const bad = await member.post(`${base}/${id}/checkpoints`, { step: 4, name: 'step-5', sizeBytes: 1 });
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((e: { field: string }) => e.field)).toContain('name');
    const partial = await member.post(`${base}/${id}/checkpoints`, { step: 4, name: '.tmp-step-4', sizeBytes: 1 });
    expect(partial.status).toBe(400);
    expect((await member.post(`${base}/${id}/checkpoints`, { step: -1, sizeBytes: 1 })).body.errors[0].field).toBe('step');
    await until(id, (j) => j.status === 'Succeeded', 'recorded job Succeeded');
    expect((await member.post(`${base}/${id}/checkpoints`, { step: 1, sizeBytes: 1 })).status).toBe(409);
    expect((await member.post(`${base}/00000000-0000-4000-8000-000000000000/checkpoints`, { step: 1, sizeBytes: 1 })).status).toBe(404);
  });

  // Last: its queue makes the project's open queue unavailable to the tests above.
  it('a preempted job resumes from the checkpoint it wrote in its grace period', async () => {
    const cq = await admin.post('/v1/cluster-queues', { name: 'ckq', quota: [{ resource: 'nvidia.com/gpu', flavor: H100, nominal: 1 }], preemption: { minRuntimeSeconds: 0 } });
    expect(cq.status, cq.text).toBe(201);
    expect((await member.post(`/v1/projects/${PROJECT}/queues`, { name: 'ckq', clusterQueue: 'ckq' })).status).toBe(201);
    const gpu = { resources: { cpu: '100m', memory: '64Mi', gpu: { count: 1 } }, queue: 'ckq' };
    const marker = join(markers, 'preempted');
    const low = await submit(body('low', counter(marker, { epochs: 12, epochMs: 400 }), gpu));
    await eventually(async () => epochsRun(marker).length >= 2 || undefined, 30_000, 'low ran two epochs');
    const high = await submit(body('high', counter(join(markers, 'high'), { epochs: 1, epochMs: 10 }), { ...gpu, priority: 5 }));
    await until(high, (j) => j.status === 'Succeeded', 'high Succeeded');
    const done = await until(low, (j) => j.status === 'Succeeded', 'low Succeeded on its second attempt');
    expect(done.attempt).toBe(1);
    const k = lastCheckpointed(marker);
    expect(lines(marker)).toContain('term 0');
    expect(lines(marker)).toContain(`start 1 from=step-${k}`);
    expectAtMostOneRepeat(marker, 12);
  });
});

/** The step of the last `step-<n>` a worker renamed before attempt 1 started (its last epoch line). */
function lastCheckpointed(file: string): number {
  const all = lines(file);
  const start = all.findIndex((l) => l.startsWith('start 1'));
  return Math.max(...all.slice(0, start).filter((l) => l.startsWith('epoch ')).map((l) => Number(l.slice(6))));
}
