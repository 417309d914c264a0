import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Beamline, Conflict, Forbidden, NotFound, PreconditionFailed, ValidationError } from '../../sdk/ts/src/index.js';
import { closeApp, eventually, seedToken, startTestApp, type TestApp } from '../helpers/test-app.js';

/** @beamline/sdk's `queues` and `clusterQueues` against the real platform (issue 14). */
let t: TestApp;
let root: Beamline; // platform admin
let member: Beamline;
let viewer: Beamline;
const project = 'sdk-queues';
const H100 = 'NVIDIA-H100-80GB-HBM3';

beforeAll(async () => {
  t = await startTestApp({ env: { BEAMLINE_CLUSTER_DRIVER: 'local', BEAMLINE_SCHEDULER_INTERVAL_MS: '200' } });
  const as = async (role: 'ADMIN' | 'MEMBER' | 'VIEWER', projects: string[] = [project]) => new Beamline({ url: t.url, token: await seedToken(t.app, role, projects), project, retries: 0 });
  root = await as('ADMIN', []);
  member = await as('MEMBER');
  viewer = await as('VIEWER');
});
afterAll(() => closeApp(t));

const error = (p: Promise<unknown>) => p.then(() => undefined, (e: unknown) => e);

describe('clusterQueues', () => {
  it('create, list, get, update on the version read (PreconditionFailed when stale), history', async () => {
    const made = await root.clusterQueues.create({
      name: 'vision', cohort: 'lab', weight: 2,
      quota: [{ resource: 'nvidia.com/gpu', flavor: H100, nominal: 16, borrowingLimit: 8 }, { resource: 'memory', nominal: '256Gi' }],
    });
    expect(made).toMatchObject({ name: 'vision', cohort: 'lab', strategy: 'BestEffortFIFO', weight: 2, version: 1, quota: [{ nominal: 16, borrowingLimit: 8 }, { nominal: '262144Mi' }] });
    expect((await member.clusterQueues.list()).map((q) => q.name)).toEqual(['vision']);
    expect(await viewer.clusterQueues.get('vision')).toEqual({
      ...made,
      status: { admittedJobs: 0, pendingJobs: 0, usage: [{ resource: 'nvidia.com/gpu', flavor: H100, used: 0, nominal: 16, borrowed: 0 }, { resource: 'memory', used: '0Mi', nominal: '262144Mi', borrowed: '0Mi' }] },
    });

    const updated = await root.clusterQueues.update('vision', { strategy: 'StrictFIFO', quota: [{ resource: 'nvidia.com/gpu', flavor: H100, nominal: 24 }] }, { ifMatch: made.version });
    expect(updated).toMatchObject({ version: 2, strategy: 'StrictFIFO', quota: [{ nominal: 24 }] });
    const stale = await error(root.clusterQueues.update('vision', { weight: 1 }, { ifMatch: made.version }));
    expect(stale).toBeInstanceOf(PreconditionFailed);
    expect(stale).toBeInstanceOf(Conflict);
    expect(stale).toMatchObject({ status: 412, code: 'precondition_failed', errors: [{ field: 'header:If-Match' }] });
    expect(await root.clusterQueues.update('vision', { cohort: null }, { ifMatch: '"2"' })).toMatchObject({ version: 3, cohort: null });
    expect(await root.clusterQueues.update('vision', { weight: 3 }, { ifMatch: '*' })).toMatchObject({ version: 4, weight: 3 });

    const history = await member.clusterQueues.history('vision');
    expect(history.map((r) => [r.version, r.action])).toEqual([[1, 'create'], [2, 'update'], [3, 'update'], [4, 'update']]);
    expect(history[1].spec).toMatchObject({ strategy: 'StrictFIFO' });
  });

  it('refuses bad quota (ValidationError naming the line), writes by non-admins (Forbidden), unknown queues (NotFound)', async () => {
    const bad = await error(root.clusterQueues.create({ name: 'bad', quota: [{ resource: 'nvidia.com/gpu', flavor: H100, nominal: -1 }] }));
    expect(bad).toBeInstanceOf(ValidationError);
    expect((bad as ValidationError).errors.map((e) => e.field)).toEqual(['quota.0.nominal']);
    expect(await error(member.clusterQueues.create({ name: 'mine' }))).toBeInstanceOf(Forbidden);
    expect(await error(member.clusterQueues.update('vision', { weight: 1 }, { ifMatch: '*' }))).toBeInstanceOf(Forbidden);
    expect(await error(root.clusterQueues.get('ghost'))).toBeInstanceOf(NotFound);
    expect(await error(root.clusterQueues.create({ name: 'vision' }))).toBeInstanceOf(Conflict);
  });
});

describe('queues (the project\'s)', () => {
  it('create, list, get, update, history; a Queued job shows its position and reason; delete refuses while used, drain cancels', async () => {
    await root.clusterQueues.create({ name: 'spare' });
    const q = await member.queues.create({ name: 'default', clusterQueue: 'vision' });
    expect(q).toMatchObject({ name: 'default', project, clusterQueue: 'vision', version: 1 });
    expect(await viewer.queues.list()).toEqual([q]);
    expect(await error(viewer.queues.create({ name: 'x', clusterQueue: 'vision' }))).toBeInstanceOf(Forbidden);
    expect(await error(member.queues.create({ name: 'x', clusterQueue: 'ghost' }))).toBeInstanceOf(ValidationError);

    const moved = await member.queues.update('default', { clusterQueue: 'spare' }, { ifMatch: q.version });
    expect(moved).toMatchObject({ clusterQueue: 'spare', version: 2 });
    expect(await error(member.queues.update('default', { clusterQueue: 'vision' }, { ifMatch: 1 }))).toBeInstanceOf(PreconditionFailed);
    await member.queues.update('default', { clusterQueue: 'vision' }, { ifMatch: 2 });
    expect((await member.queues.history('default')).map((r) => r.spec.clusterQueue)).toEqual(['vision', 'spare', 'vision']);
    expect(await member.queues.get('default')).toMatchObject({ version: 3 });

    const job = await member.training.submit({ name: 'waits', image: 'unused', command: ['true'], queue: 'default', resources: { cpu: '100m', memory: '64Mi', gpu: { count: 1 } } });
    const queued = await eventually(async () => {
      const j = await member.training.get(job);
      return j.pendingReason ? j : undefined;
    }, 20_000, 'a pending reason');
    expect(queued).toMatchObject({ status: 'Queued', queuePosition: 1, pendingReason: 'no GPU in this cluster' });

    expect(await error(member.queues.delete('default'))).toBeInstanceOf(Conflict);
    expect(await error(root.clusterQueues.delete('vision'))).toBeInstanceOf(Conflict);
    expect(await root.clusterQueues.delete('vision', { drain: true })).toEqual({ deleted: 'vision', cancelledJobs: 1 });
    expect((await member.training.get(job)).status).toBe('Cancelled');
    expect(await member.queues.list()).toEqual([]);

    await member.queues.create({ name: 'spare', clusterQueue: 'spare' });
    expect(await error(member.queues.delete('spare', { ifMatch: 7 }))).toBeInstanceOf(PreconditionFailed);
    await member.queues.delete('spare', { ifMatch: 1 });
    expect(await error(member.queues.get('spare'))).toBeInstanceOf(NotFound);
    expect(await root.clusterQueues.delete('spare')).toEqual({ deleted: 'spare', cancelledJobs: 0 });
  });
});
