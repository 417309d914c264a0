// Issue 14: the batched status changes (a cycle's admissions, a reconciler pass's starts and
// finishes, a burst of Pending → Queued) and the queue window a cycle reads, on real PostgreSQL.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TrainingJob } from '../../src/generated/prisma/client.js';
import { PrismaService } from '../../src/common/database/prisma.service.js';
import { TrainingRepository } from '../../src/training/training.repository.js';
import { SchedulingRepository } from '../../src/training/scheduling/scheduling.repository.js';
import { migratedDatabase } from '../helpers/test-app.js';

let prisma: PrismaService;
let jobs: TrainingRepository;
let scheduling: SchedulingRepository;
let projectId: string;

beforeAll(async () => {
  prisma = new PrismaService({ DATABASE_URL: await migratedDatabase() } as never);
  await prisma.$connect();
  jobs = new TrainingRepository(prisma);
  scheduling = new SchedulingRepository(prisma);
  projectId = (await prisma.project.create({ data: { name: 'batch' } })).id;
});
afterAll(async () => {
  await prisma?.$disconnect();
});

let n = 0;
const job = (data: Partial<TrainingJob> = {}) =>
  prisma.trainingJob.create({
    data: {
      projectId,
      name: `j-${n++}`,
      image: 'x',
      command: ['true'],
      resources: { cpuMilli: 1000, memoryMiB: 1024 },
      status: data.status ?? 'Queued',
      queue: data.queue ?? 'default',
      priority: data.priority ?? 0,
      createdAt: data.createdAt ?? new Date(Date.now() - 1_000_000 + n),
      scheduledAt: data.scheduledAt ?? null,
      notBefore: data.notBefore ?? null,
    },
  });

describe('TrainingRepository.changeStatusMany', () => {
  it('changes every job still in the expected status in one go, with its own fields and its event, and leaves out one that moved', async () => {
    const [a, b, moved] = await Promise.all([job(), job(), job()]);
    await prisma.trainingJob.update({ where: { id: moved.id }, data: { status: 'Cancelled' } });
    const bind = (id: string, node: string) => ({
      id,
      from: 'Queued' as const,
      to: 'Scheduled' as const,
      attempt: 0,
      reason: 'Bound',
      message: `bound to ${node}`,
      extra: { placement: [{ node, gpuIndexes: [] }], scheduledAt: new Date() },
    });
    const changed = await jobs.changeStatusMany([bind(a.id, 'n1'), bind(b.id, 'n2'), bind(moved.id, 'n3')]);

    expect([...changed.keys()].sort()).toEqual([a.id, b.id].sort());
    expect(changed.get(a.id)).toMatchObject({ status: 'Scheduled', placement: [{ node: 'n1', gpuIndexes: [] }] });
    expect(changed.get(b.id)).toMatchObject({ status: 'Scheduled', placement: [{ node: 'n2', gpuIndexes: [] }] });
    expect((await prisma.trainingJob.findUniqueOrThrow({ where: { id: moved.id } })).status).toBe('Cancelled');
    const events = await prisma.trainingJobEvent.findMany({ where: { jobId: { in: [a.id, b.id, moved.id] }, toStatus: 'Scheduled' } });
    expect(events.map((e) => [e.jobId, e.message]).sort()).toEqual(
      [
        [a.id, 'bound to n1'],
        [b.id, 'bound to n2'],
      ].sort(),
    );
  });

  it('charges usage once for each attempt that stops holding its devices', async () => {
    const started = new Date(Date.now() - 60_000);
    const [a, b] = await Promise.all([job({ status: 'Running', scheduledAt: started }), job({ status: 'Running', scheduledAt: started })]);
    await prisma.trainingJob.updateMany({ where: { id: { in: [a.id, b.id] } }, data: { placement: [{ node: 'n1', gpuIndexes: [] }] } });
    const succeed = (id: string) => ({ id, from: 'Running' as const, to: 'Succeeded' as const, attempt: 0, reason: 'Completed', message: 'done' });
    const first = await jobs.changeStatusMany([succeed(a.id), succeed(b.id)]);
    const again = await jobs.changeStatusMany([succeed(a.id), succeed(b.id)]);

    expect(first.size).toBe(2);
    expect(again.size).toBe(0);
    expect(first.get(a.id)?.finishedAt).toBeInstanceOf(Date);
    const usage = await prisma.usageRecord.findMany({ where: { jobId: { in: [a.id, b.id] } } });
    expect(usage.map((u) => u.jobId).sort()).toEqual([a.id, b.id].sort());
    expect(usage.every((u) => u.cpuSeconds > 50)).toBe(true);
  });

  it('two batches over the same jobs at once change each job once', async () => {
    const rows = await Promise.all(Array.from({ length: 20 }, () => job({ status: 'Pending' })));
    const admit = (id: string) => ({ id, from: 'Pending' as const, to: 'Queued' as const, attempt: 0, reason: 'Admitted', message: 'waiting' });
    const forward = rows.map((r) => admit(r.id));
    const [x, y] = await Promise.all([jobs.changeStatusMany(forward), jobs.changeStatusMany([...forward].reverse())]);

    expect(x.size + y.size).toBe(20);
    expect(await prisma.trainingJobEvent.count({ where: { jobId: { in: rows.map((r) => r.id) }, toStatus: 'Queued' } })).toBe(20);
  });
});

describe('SchedulingRepository.queued', () => {
  it('shows the head of every queue and a high-priority job when more are waiting than one cycle reads', async () => {
    await prisma.trainingJob.updateMany({ where: { status: 'Queued' }, data: { status: 'Cancelled' } });
    const old = await Promise.all(Array.from({ length: 30 }, (_, i) => job({ queue: 'busy', createdAt: new Date(Date.UTC(2026, 0, 1, 0, 0, i)) })));
    const urgent = await job({ queue: 'busy', priority: 100, createdAt: new Date(Date.UTC(2026, 0, 2)) });
    const other = await Promise.all([0, 1].map((i) => job({ queue: 'quiet', createdAt: new Date(Date.UTC(2026, 0, 3, 0, 0, i)) })));
    const later = await job({ queue: 'quiet', notBefore: new Date(Date.now() + 3_600_000) });

    const seen = await scheduling.queued(new Date(), 6);

    expect(seen).toHaveLength(6);
    const ids = seen.map((j) => j.id);
    // Both queues are in view, first ranks first: the busy queue led by its high-priority job.
    expect(ids).toContain(urgent.id);
    expect(ids).toEqual(expect.arrayContaining(other.map((j) => j.id)));
    expect(ids).toEqual(expect.arrayContaining(old.slice(0, 2).map((j) => j.id)));
    expect(ids).not.toContain(later.id); // still in its retry backoff
    // Oldest first, as the engine expects its input.
    const created = seen.map((j) => j.createdAt.getTime());
    expect(created).toEqual([...created].sort((a, b) => a - b));
  });
});
