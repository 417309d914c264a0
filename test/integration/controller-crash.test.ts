import { chmod, mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { LocalDriver } from '../../src/cluster/local/local-driver.js';
import { LeaderLock } from '../../src/common/leader/leader-lock.js';
import { TrainingRepository } from '../../src/training/training.repository.js';
import { TrainingService } from '../../src/training/training.service.js';
import { workloadSpecOf } from '../../src/training/scheduling/workload-spec.js';
import { client, eventually, migratedDatabase, seedToken, startTestApp, type TestApp } from '../helpers/test-app.js';

const apps: TestApp[] = [];
afterEach(async () => {
  for (const app of apps.splice(0)) await app.close();
});

const base = '/v1/projects/crash/training-jobs';
const env = { BEAMLINE_CLUSTER_DRIVER: 'local', BEAMLINE_SCHEDULER_INTERVAL_MS: '200' };

/** A job whose every run appends one line to a shared file: the file counts the runs. */
function countingJob(name: string, counter: string) {
  const script = `require('node:fs').appendFileSync(${JSON.stringify(counter)}, 'ran\\n'); console.log('done')`;
  return { name, image: 'unused', command: [process.execPath, '-e', script], resources: { cpu: '100m', memory: '64Mi' } };
}

/**
 * Where the jobs append: not in the platform's home, which a job (run as the unprivileged
 * job user) may not write, but in a directory any user may write, like /tmp.
 */
async function counterFile(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'crash-counter-'));
  await chmod(dir, 0o1777);
  return join(dir, 'runs.txt');
}

/**
 * The controller's two steps are "record the decision" and "create the workload". These
 * tests stop the world between them (no controller runs while a test plays the first
 * step by hand) and check that a fresh controller finishes the job exactly once.
 */
describe('a controller restart loses nothing and binds nothing twice', () => {
  async function setup() {
    const home = await mkdtemp(join(tmpdir(), 'crash-home-'));
    const databaseUrl = await migratedDatabase();
    const apiApp = await startTestApp({ role: 'api', databaseUrl, home, env });
    apps.push(apiApp);
    const api = client(apiApp.url, await seedToken(apiApp.app, 'MEMBER', ['crash']));
    const counter = await counterFile();
    return { home, databaseUrl, apiApp, api, counter };
  }

  /** What the dead controller managed to do: admit, then record the binding. */
  async function recordBinding(apiApp: TestApp, id: string) {
    const service = apiApp.app.get(TrainingService);
    await service.admit(id);
    return service.applyAction(id, 'bind', 'worker 0 → local no GPU', () => ({ placement: [{ node: 'local', gpuIndexes: [] }], scheduledAt: new Date(), policy: 'fgd-plus' }));
  }

  it('killed after recording Scheduled, before creating the workload', async () => {
    const { home, databaseUrl, apiApp, api, counter } = await setup();
    const { body: job } = await api.post(base, countingJob('record-only', counter));
    await recordBinding(apiApp, job.id);
    expect((await api.get(`${base}/${job.id}`)).body.status).toBe('Scheduled');

    apps.push(await startTestApp({ role: 'controller', databaseUrl, home, env }));
    await eventually(async () => (await api.get(`${base}/${job.id}`)).body.status === 'Succeeded', 15_000, 'Succeeded');
    expect(await readFile(counter, 'utf8')).toBe('ran\n');
    expect((await api.get(`${base}/${job.id}/events`)).body.items.map((e: { to: string }) => e.to)).toEqual([
      'Pending',
      'Queued',
      'Scheduled',
      'Running',
      'Succeeded',
    ]);
  });

  it('killed after creating the workload, before observing it', async () => {
    const { home, databaseUrl, apiApp, api, counter } = await setup();
    const { body: job } = await api.post(base, countingJob('created', counter));
    const recorded = await recordBinding(apiApp, job.id);
    // The dead controller's driver had started the worker.
    const driver = new LocalDriver(home);
    await driver.start();
    await driver.createWorkload(workloadSpecOf(recorded, 'crash'));
    await driver.stop();

    apps.push(await startTestApp({ role: 'controller', databaseUrl, home, env }));
    await eventually(async () => (await api.get(`${base}/${job.id}`)).body.status === 'Succeeded', 15_000, 'Succeeded');
    expect(await readFile(counter, 'utf8')).toBe('ran\n');
    const stored = await apiApp.app.get(TrainingRepository).findById(job.id);
    expect(stored?.attempt).toBe(0);
  });
});

describe('two controller replicas', () => {
  it('only the leader schedules; a standby takes over when it goes', async () => {
    const home = await mkdtemp(join(tmpdir(), 'leader-home-'));
    const databaseUrl = await migratedDatabase();
    const apiApp = await startTestApp({ role: 'api', databaseUrl, home, env });
    apps.push(apiApp);
    const api = client(apiApp.url, await seedToken(apiApp.app, 'MEMBER', ['crash']));
    const one = await startTestApp({ role: 'controller', databaseUrl, home, env });
    const two = await startTestApp({ role: 'controller', databaseUrl, home, env });
    const leaders = () => [one, two].filter((c) => c.app.get(LeaderLock).isLeader);
    await eventually(async () => leaders().length === 1, 10_000, 'one leader');

    const counter = await counterFile();
    const first = (await api.post(base, countingJob('under-one', counter))).body;
    await eventually(async () => (await api.get(`${base}/${first.id}`)).body.status === 'Succeeded', 15_000, 'first Succeeded');
    expect(leaders()).toHaveLength(1);

    // The leader goes away; the standby acquires the lock and runs the next job.
    const leader = leaders()[0];
    const standby = leader === one ? two : one;
    await leader.close();
    apps.push(standby); // closed after the test
    await eventually(async () => standby.app.get(LeaderLock).isLeader, 10_000, 'standby leads');
    const second = (await api.post(base, countingJob('under-two', counter))).body;
    await eventually(async () => (await api.get(`${base}/${second.id}`)).body.status === 'Succeeded', 15_000, 'second Succeeded');
    expect(await readFile(counter, 'utf8')).toBe('ran\nran\n');
  });
});
