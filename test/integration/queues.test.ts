import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { client, eventually, seedToken, startTestApp, type TestApp } from '../helpers/test-app.js';

/**
 * Issue 14: queues and quotas through the API, on real PostgreSQL, with the local driver,
 * two declared H100s and the real engine and controller cycle deciding.
 */
let t: TestApp;
let admin: ReturnType<typeof client>;
let member: ReturnType<typeof client>;
const H100 = 'NVIDIA-H100-80GB-HBM3';

beforeAll(async () => {
  t = await startTestApp({ env: { BEAMLINE_CLUSTER_DRIVER: 'local', BEAMLINE_SCHEDULER_INTERVAL_MS: '200', BEAMLINE_LOCAL_GPUS: `${H100}:81920x2` } });
  admin = client(t.url, await seedToken(t.app, 'ADMIN'));
  member = client(t.url, await seedToken(t.app, 'MEMBER', ['crud', 'lab-a', 'lab-b', 'fair', 'open']));
});
afterAll(() => t.close());

const sleeper = (name: string, queue: string, gpu: Record<string, unknown> = { count: 1 }) => ({
  name,
  image: 'unused',
  queue,
  command: [process.execPath, '-e', 'setInterval(() => {}, 1000)'],
  resources: { cpu: '100m', memory: '64Mi', gpu },
});

const gpuQuota = (nominal: unknown, extra: Record<string, unknown> = {}) => ({ resource: 'nvidia.com/gpu', flavor: H100, nominal, ...extra });
const fields = (res: { body: { errors?: { field: string }[] } }) => (res.body.errors ?? []).map((e) => e.field);

async function submit(project: string, body: Record<string, unknown>): Promise<string> {
  const res = await member.post(`/v1/projects/${project}/training-jobs`, body);
  expect(res.status, res.text).toBe(201);
  return res.body.id as string;
}

const job = async (project: string, id: string) => (await member.get(`/v1/projects/${project}/training-jobs/${id}`)).body;
const until = (project: string, id: string, ok: (j: Record<string, unknown>) => boolean, what: string) =>
  eventually(async () => {
    const j = await job(project, id);
    return ok(j) ? j : undefined;
  }, 20_000, what);
const running = (project: string, id: string) => until(project, id, (j) => j.status === 'Running', `${id} Running`);
const cancel = (project: string, id: string) => member.post(`/v1/projects/${project}/training-jobs/${id}/cancel`);

async function projectQueue(project: string, name: string, clusterQueue: string) {
  const res = await member.post(`/v1/projects/${project}/queues`, { name, clusterQueue });
  expect(res.status, res.text).toBe(201);
}

describe('queue API', () => {
  it('refuses bad quota, naming the field', async () => {
    const cases: [unknown[], string][] = [
      [[{ resource: 'nvidia.com/tpu', nominal: 1 }], 'quota.0.resource'],
      [[{ resource: 'nvidia.com/mig-1g.10gb', nominal: 1 }], 'quota.0.flavor'],
      [[{ resource: 'nvidia.com/mig-huge', flavor: H100, nominal: 1 }], 'quota.0.resource'],
      [[{ resource: 'nvidia.com/mig-1g.10gb', flavor: H100, nominal: 1.5 }], 'quota.0.nominal'],
      [[{ resource: 'nvidia.com/mig-1g.10gb', flavor: H100, nominal: 7 }, { resource: 'nvidia.com/mig-1g.10gb', flavor: H100, nominal: 1 }], 'quota.1.flavor'],
      [[{ resource: 'nvidia.com/gpu', nominal: 1 }], 'quota.0.flavor'],
      [[gpuQuota(-1)], 'quota.0.nominal'],
      [[gpuQuota('lots')], 'quota.0.nominal'],
      [[{ resource: 'cpu', nominal: '-4' }], 'quota.0.nominal'],
      [[{ resource: 'memory', nominal: 1024 }], 'quota.0.nominal'],
      [[gpuQuota(1, { borrowingLimit: 1 })], 'quota.0.borrowingLimit'],
      [[gpuQuota(1), gpuQuota(2)], 'quota.1.flavor'],
    ];
    for (const [quota, field] of cases) {
      const res = await admin.post('/v1/cluster-queues', { name: 'bad', quota });
      expect(res.status, JSON.stringify(quota)).toBe(400);
      expect(fields(res), JSON.stringify(quota)).toContain(field);
    }
    // A MIG line and a GPU line of one product are two resources, not a duplicate.
    const mig = { resource: 'nvidia.com/mig-1g.10gb', flavor: H100, nominal: '7' };
    const withMig = await admin.post('/v1/cluster-queues', { name: 'mig', quota: [gpuQuota(1), mig] });
    expect(withMig.status, withMig.text).toBe(201);
    expect(withMig.body.quota).toEqual([gpuQuota(1), { ...mig, nominal: 7 }]);
    expect((await admin.delete('/v1/cluster-queues/mig')).status).toBe(200);
    const lending = await admin.post('/v1/cluster-queues', { name: 'bad', cohort: 'c', quota: [gpuQuota(1, { lendingLimit: 2 })] });
    expect(fields(lending)).toEqual(['quota.0.lendingLimit']);
    expect((await admin.post('/v1/cluster-queues', { name: 'bad', weight: 0 })).status).toBe(400);
    expect((await admin.post('/v1/cluster-queues', { name: 'bad', strategy: 'LIFO' })).status).toBe(400);
    expect((await admin.get('/v1/cluster-queues/bad')).status).toBe(404);
  });

  it('creates, updates only with a current If-Match, keeps history, and applies a quota change on the next cycle', async () => {
    const created = await admin.post('/v1/cluster-queues', { name: 'crud', quota: [gpuQuota(0), { resource: 'cpu', nominal: '8' }, { resource: 'memory', nominal: '32Gi' }] });
    expect(created.status, created.text).toBe(201);
    expect(created.headers.get('etag')).toBe('"1"');
    expect(created.body).toMatchObject({ name: 'crud', cohort: null, strategy: 'BestEffortFIFO', weight: 1, version: 1, quota: [gpuQuota(0), { resource: 'cpu', nominal: 8 }, { resource: 'memory', nominal: '32768Mi' }] });
    expect((await admin.post('/v1/cluster-queues', { name: 'crud' })).status).toBe(409);

    expect((await member.post('/v1/projects/crud/queues', { name: 'main', clusterQueue: 'missing' })).body.errors).toEqual([{ field: 'clusterQueue', message: "no cluster queue named 'missing'" }]);
    await projectQueue('crud', 'main', 'crud');
    const wrong = await member.post('/v1/projects/crud/training-jobs', sleeper('wrong-queue', 'other'));
    expect(wrong.status).toBe(400);
    expect(wrong.body.errors).toEqual([{ field: 'queue', message: "project 'crud' has no queue 'other'; its queues: main" }]);

    // Nominal 0 and no cohort: the job waits on quota, with the numbers.
    const id = await submit('crud', sleeper('needs-quota', 'main'));
    const waiting = await until('crud', id, (j) => typeof j.pendingReason === 'string', 'a pending reason');
    expect(waiting.pendingReason).toBe(`quota: queue "crud" uses 0/0 ${H100} GPU, the job needs 1, and has no cohort to borrow from`);
    expect(waiting.queuePosition).toBe(1);

    const patch = { quota: [gpuQuota(1), { resource: 'cpu', nominal: '8' }] };
    expect((await admin.patch('/v1/cluster-queues/crud', patch)).status).toBe(428);
    const stale = await admin.patch('/v1/cluster-queues/crud', patch, { 'if-match': '"7"' });
    expect(stale.status).toBe(412);
    expect(fields(stale)).toEqual(['header:If-Match']);
    const updated = await admin.patch('/v1/cluster-queues/crud', patch, { 'if-match': created.headers.get('etag')! });
    expect(updated.status, updated.text).toBe(200);
    expect(updated.headers.get('etag')).toBe('"2"');
    // The same ETag again is stale now: a second admin holding version 1 cannot overwrite.
    expect((await admin.patch('/v1/cluster-queues/crud', { weight: 3 }, { 'if-match': '"1"' })).status).toBe(412);

    // No restart: the next cycle reads the new quota and runs the job.
    await running('crud', id);

    const history = (await member.get('/v1/cluster-queues/crud/history')).body.items;
    expect(history.map((r: { version: number; action: string }) => [r.version, r.action])).toEqual([[1, 'create'], [2, 'update']]);
    expect(history[1].spec.quota).toEqual([gpuQuota(1), { resource: 'cpu', nominal: 8 }]);

    // A project queue too is versioned.
    const pq = await member.get('/v1/projects/crud/queues/main');
    expect(pq.headers.get('etag')).toBe('"1"');
    expect((await member.patch('/v1/projects/crud/queues/main', { clusterQueue: 'crud' })).status).toBe(428);
    expect((await member.patch('/v1/projects/crud/queues/main', { clusterQueue: 'crud' }, { 'if-match': '"1"' })).body.version).toBe(2);
    expect((await member.get('/v1/projects/crud/queues/main/history')).body.items).toHaveLength(2);

    // Jobs use it: 409, unless drain=true, which cancels the waiting ones.
    const queued = await submit('crud', sleeper('drained', 'main'));
    await until('crud', queued, (j) => typeof j.pendingReason === 'string', 'queued behind quota');
    const refused = await admin.delete('/v1/cluster-queues/crud');
    expect(refused.status).toBe(409);
    expect(fields(refused)).toEqual(['query:drain']);
    expect((await member.delete('/v1/projects/crud/queues/main')).status).toBe(409);
    const drained = await admin.delete('/v1/cluster-queues/crud?drain=true');
    expect(drained.status, drained.text).toBe(200);
    expect(drained.body).toEqual({ deleted: 'crud', cancelledJobs: 1 });
    expect((await job('crud', queued)).status).toBe('Cancelled');
    expect((await member.get('/v1/projects/crud/queues')).body.items).toEqual([]);
    await cancel('crud', id);
    // The running job finishes outside any quota; the project, with no queues left, is open again.
    expect((await member.post('/v1/projects/crud/training-jobs', sleeper('open-again', 'anything'))).status).toBe(201);
    const open = (await member.get('/v1/projects/crud/training-jobs?queue=anything')).body.items[0].id;
    await cancel('crud', open);
  });
});

describe('admission: quota and node fit together', () => {
  it('a queue borrows its idle cohort peer\'s quota; once the owner submits, the borrower waits while the owner runs', async () => {
    // reclaimWithinCohort Never: reclaim by preemption is test/integration/preemption.test.ts.
    const lab = (name: string) => admin.post('/v1/cluster-queues', { name, cohort: 'lab', quota: [gpuQuota(1)], preemption: { reclaimWithinCohort: 'Never' } });
    expect((await lab('team-a')).status).toBe(201);
    expect((await lab('team-b')).status).toBe(201);
    await projectQueue('lab-a', 'q', 'team-a');
    await projectQueue('lab-b', 'q', 'team-b');

    // team-a is idle: team-b runs two jobs on its nominal 1 GPU, borrowing the other.
    const b1 = await submit('lab-b', sleeper('b1', 'q'));
    await running('lab-b', b1);
    const b2 = await submit('lab-b', sleeper('b2', 'q'));
    await running('lab-b', b2);
    const b3 = await submit('lab-b', sleeper('b3', 'q'));
    const b3Waiting = await until('lab-b', b3, (j) => typeof j.pendingReason === 'string', 'b3 waits');
    expect(b3Waiting.pendingReason).toBe(`quota: queue "team-b" uses 2/1 ${H100} GPU, the job needs 1, and cohort "lab" lends none`);
    // The queue's status says the same in numbers: 2 used on a nominal 1, so 1 borrowed; 1 waiting.
    const teamB = (await member.get('/v1/cluster-queues/team-b')).body;
    expect(teamB.status).toMatchObject({ admittedJobs: 2, pendingJobs: 1 });
    expect(teamB.status.usage).toEqual([
      { resource: 'nvidia.com/gpu', flavor: H100, used: 2, nominal: 1, borrowed: 1 },
      { resource: 'cpu', used: 0.2, nominal: null, borrowed: 0 },
      { resource: 'memory', used: '128Mi', nominal: null, borrowed: '0Mi' },
    ]);
    const listed = (await member.get('/v1/cluster-queues')).body.items.find((q: { name: string }) => q.name === 'team-a');
    expect(listed.status).toEqual({ admittedJobs: 0, pendingJobs: 0, usage: [{ resource: 'nvidia.com/gpu', flavor: H100, used: 0, nominal: 1, borrowed: 0 }] });

    // The owner submits: quota allows (within nominal), the nodes do not, and it says so.
    const a1 = await submit('lab-a', sleeper('a1', 'q'));
    const a1Waiting = await until('lab-a', a1, (j) => typeof j.pendingReason === 'string', 'a1 waits for a GPU');
    expect(a1Waiting.pendingReason).toBe(`fits no single node now: needs 1 × ${H100} on one node, largest free is 0`);
    expect(a1Waiting.queuePosition).toBe(1);

    // A borrowed GPU frees: the owner gets it (reclaimWithinCohort Never: reclaim waits for borrowed work to end).
    await cancel('lab-b', b1);
    await running('lab-a', a1);
    const b3Still = await job('lab-b', b3);
    expect(b3Still.status).toBe('Queued');
    expect(b3Still.pendingReason).toMatch(/^quota: queue "team-b" uses 1\/1 .* cohort "lab" lends none$/);

    // team-b back within its own quota: b3 runs.
    await cancel('lab-b', b2);
    await running('lab-b', b3);
    for (const [p, id] of [['lab-b', b3], ['lab-a', a1]]) await cancel(p, id);
  });

  it('fair share: a light submitter is not starved by a heavy one in the same project', async () => {
    const fair = (name: string) => admin.post('/v1/cluster-queues', { name, cohort: 'fair', quota: [gpuQuota(1)] });
    expect((await fair('fair-heavy')).status).toBe(201);
    expect((await fair('fair-light')).status).toBe(201);
    await projectQueue('fair', 'heavy', 'fair-heavy');
    await projectQueue('fair', 'light', 'fair-light');

    // heavy submits first and takes both GPUs (one borrowed); 6 more wait.
    const heavy: string[] = [];
    for (let i = 0; i < 8; i++) heavy.push(await submit('fair', sleeper(`h${i}`, 'heavy')));
    await running('fair', heavy[0]);
    await running('fair', heavy[1]);
    const light = [await submit('fair', sleeper('l0', 'light')), await submit('fair', sleeper('l1', 'light'))];
    await until('fair', light[0], (j) => typeof j.pendingReason === 'string', 'light waits for a GPU');
    expect((await job('fair', light[0])).queuePosition).toBe(1);
    expect((await job('fair', heavy[7])).queuePosition).toBe(6);

    // A GPU frees. By submission time heavy's h2 is next; by weighted share light (0/1) goes before heavy (1/1).
    await cancel('fair', heavy[0]);
    await running('fair', light[0]);
    expect((await job('fair', heavy[2])).status).toBe('Queued');

    // Another frees: heavy now uses 0 of its quota, light 1 of 1: heavy's turn.
    await cancel('fair', heavy[1]);
    await running('fair', heavy[2]);
    expect((await job('fair', light[1])).status).toBe('Queued');
    for (const id of [...heavy, ...light]) await cancel('fair', id);
  });
});

describe('pending jobs explain themselves', () => {
  it.each([
    ['a product no node has', { count: 1, product: 'NVIDIA-A100-SXM4-80GB' }, `no node has product NVIDIA-A100-SXM4-80GB (cluster has: ${H100} ×2)`],
    ['more GPUs than any node has', { count: 4 }, 'fits no single node: needs 4 GPUs on one node, the largest has 2'],
  ])('%s', async (name, gpu, reason) => {
    const id = await submit('open', sleeper(name.toLowerCase().replace(/ /g, "-"), 'default', gpu));
    const waiting = await until('open', id, (j) => typeof j.pendingReason === 'string', name);
    expect(waiting.pendingReason).toBe(reason);
    expect(waiting.status).toBe('Queued');
    await cancel('open', id);
  });
});
