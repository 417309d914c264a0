import { Injectable } from '@nestjs/common';
import { Prisma } from '../generated/prisma/client.js';
import type { TrainingJob, TrainingJobEvent } from '../generated/prisma/client.js';
import { PrismaService } from '../common/database/prisma.service.js';
import type { WorkerPlacement } from '../gpu-scheduler/engine/model.js';
import type { TrainingStatus } from './training-state.js';
import type { SubmitTrainingJob, WorkerResources } from './training.dto.js';
import type { VolumeSpec } from './training-volumes.js';
import { endedAttemptRows, HOLDING } from '../usage/index.js';

export interface NewTrainingJob extends Omit<SubmitTrainingJob, 'resources' | 'volumes'> {
  projectId: string;
  volumes: VolumeSpec[];
  resources: WorkerResources;
  idempotencyKey?: string;
  requestHash?: string;
  createdByToken?: string;
  submittedBy?: string;
}

export interface ListFilter {
  projectId: string;
  statuses?: TrainingStatus[];
  queue?: string;
  namePrefix?: string;
  submittedBy?: string;
  limit: number;
  after?: { createdAt: Date; id: string };
}

export interface StatusChange {
  from: TrainingStatus;
  to: TrainingStatus;
  attempt: number;
  reason: string;
  message: string;
  /** Scheduling fields written in the same update (null clears). */
  extra?: SchedulingFields;
}

export interface SchedulingFields {
  placement?: WorkerPlacement[] | null;
  policy?: string | null;
  scheduledAt?: Date | null;
  notBefore?: Date | null;
  pendingReason?: string | null;
  requeues?: number;
  containerRestarts?: number;
  excludedNodes?: string[];
  /** Cleared when a preempted attempt has stopped and the job is requeued. */
  preemptingSince?: Date | null;
}

/** The only place that touches the training tables. */
@Injectable()
export class TrainingRepository {
  constructor(private readonly prisma: PrismaService) {}

  /** Inserts the job and its first event in one transaction. */
  async create(input: NewTrainingJob): Promise<TrainingJob> {
    const { resources, env, volumes, ...rest } = input;
    return this.prisma.$transaction(async (tx) => {
      const job = await tx.trainingJob.create({
        data: { ...rest, env, volumes: volumes as unknown as Prisma.InputJsonValue, resources: resources as unknown as Prisma.InputJsonValue, status: 'Pending', statusReason: 'Submitted' },
      });
      await tx.trainingJobEvent.create({ data: { jobId: job.id, fromStatus: null, toStatus: 'Pending', reason: 'Submitted' } });
      return job;
    });
  }

  findByIdempotencyKey(projectId: string, idempotencyKey: string): Promise<TrainingJob | null> {
    return this.prisma.trainingJob.findUnique({ where: { projectId_idempotencyKey: { projectId, idempotencyKey } } });
  }

  findInProject(projectId: string, id: string): Promise<TrainingJob | null> {
    return this.prisma.trainingJob.findFirst({ where: { id, projectId } });
  }

  /** The jobs among `ids` that are still Pending (waiting for admission). */
  pendingOf(ids: string[]): Promise<Array<Pick<TrainingJob, 'id' | 'attempt' | 'queue'>>> {
    return this.prisma.trainingJob.findMany({ where: { id: { in: ids }, status: 'Pending' }, select: { id: true, attempt: true, queue: true } });
  }

  findById(id: string): Promise<TrainingJob | null> {
    return this.prisma.trainingJob.findUnique({ where: { id } });
  }

  /** Newest first; keyset pagination on (createdAt, id) so pages never skip or repeat. */
  list(filter: ListFilter): Promise<TrainingJob[]> {
    const where: Prisma.TrainingJobWhereInput = { projectId: filter.projectId };
    if (filter.statuses) where.status = { in: filter.statuses };
    if (filter.queue) where.queue = filter.queue;
    if (filter.namePrefix) where.name = { startsWith: filter.namePrefix };
    if (filter.submittedBy) where.submittedBy = filter.submittedBy;
    if (filter.after) {
      const { createdAt, id } = filter.after;
      where.OR = [{ createdAt: { lt: createdAt } }, { createdAt, id: { lt: id } }];
    }
    return this.prisma.trainingJob.findMany({
      where,
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      take: filter.limit,
    });
  }

  /** The names of the project's queues (none: its jobs use the open queue, whatever they name). */
  async projectQueueNames(projectId: string): Promise<string[]> {
    return (await this.prisma.projectQueue.findMany({ where: { projectId }, select: { name: true }, orderBy: { name: 'asc' } })).map((q) => q.name);
  }

  /**
   * 1 + the Queued jobs ahead of this one in the same cluster queue (through any project's
   * queue pointing at it), or among the open queue's jobs: higher priority first, then older.
   * The order within a queue; fair sharing between queues and projects may admit others first.
   */
  async queuePosition(job: TrainingJob): Promise<number> {
    const rows = await this.prisma.$queryRaw<{ position: bigint }[]>`
      WITH me AS (SELECT cluster_queue_id FROM project_queues WHERE project_id = ${job.projectId}::uuid AND name = ${job.queue})
      SELECT count(*) + 1 AS position FROM training_jobs j
      LEFT JOIN project_queues pq ON pq.project_id = j.project_id AND pq.name = j.queue
      WHERE j.status = 'Queued'
        AND pq.cluster_queue_id IS NOT DISTINCT FROM (SELECT cluster_queue_id FROM me)
        AND (j.priority > ${job.priority} OR (j.priority = ${job.priority} AND (j.created_at, j.id) < (${job.createdAt}, ${job.id}::uuid)))`;
    return Number(rows[0].position);
  }

  events(jobId: string): Promise<TrainingJobEvent[]> {
    return this.prisma.trainingJobEvent.findMany({ where: { jobId }, orderBy: { id: 'asc' } });
  }

  /**
   * Compare-and-set: the status moves only if it is still `change.from`, and the event
   * row is written in the same transaction. Returns undefined when another process
   * moved the job first, so the caller can re-read and decide again.
   */
  async changeStatus(id: string, change: StatusChange): Promise<TrainingJob | undefined> {
    return this.prisma.$transaction(async (tx) => {
      const now = new Date();
      // An attempt that stops holding its devices is charged for them in the same transaction,
      // so usage is counted exactly once whatever ended it (finish, failure, cancel, requeue, preemption).
      const ending = endsHolding(change) ? await tx.trainingJob.findUnique({ where: { id } }) : null;
      const updated = await tx.trainingJob.updateMany({ where: { id, status: change.from }, data: statusData(change, now) });
      if (updated.count === 0) return undefined;
      if (ending?.status === change.from) await tx.usageRecord.createMany({ data: endedAttemptRows(ending, now), skipDuplicates: true });
      await tx.trainingJobEvent.create({
        data: { jobId: id, fromStatus: change.from, toStatus: change.to, reason: change.reason, message: change.message },
      });
      return (await tx.trainingJob.findUnique({ where: { id } })) ?? undefined;
    });
  }

  /**
   * Many status changes in one transaction, each with changeStatus's guarantees (a
   * compare-and-set on the status it read, its event, its usage rows when it stops holding
   * devices): a scheduling cycle's admissions, a reconciler pass's starts and finishes. One
   * status change per job cost about seven statements; here the rows are locked and read
   * once, changes that write the same fields share one UPDATE, and the events and usage
   * rows are one insert each. Answers the jobs that changed; a job whose status moved
   * meanwhile is left out (the caller retries it alone, as applyAction would).
   */
  async changeStatusMany(changes: Array<StatusChange & { id: string }>): Promise<Map<string, TrainingJob>> {
    if (changes.length === 0) return new Map();
    return this.prisma.$transaction(async (tx) => {
      const now = new Date();
      const ids = [...new Set(changes.map((c) => c.id))];
      // Locked in one order, so two batches over the same jobs wait for each other instead of deadlocking.
      const locked = await tx.$queryRaw<Array<{ id: string; status: string }>>`
        SELECT id::text AS id, status::text AS status FROM training_jobs WHERE id = ANY(${ids}::uuid[]) ORDER BY id FOR UPDATE`;
      const status = new Map(locked.map((r) => [r.id, r.status]));
      const seen = new Set<string>();
      const applying = changes.filter((c) => status.get(c.id) === c.from && !seen.has(c.id) && seen.add(c.id));
      if (applying.length === 0) return new Map();
      const endingIds = applying.filter(endsHolding).map((c) => c.id);
      const ending = endingIds.length > 0 ? await tx.trainingJob.findMany({ where: { id: { in: endingIds } } }) : [];
      const groups = new Map<string, { data: Prisma.TrainingJobUpdateManyMutationInput; ids: string[] }>();
      for (const c of applying) {
        const data = statusData(c, now);
        const key = JSON.stringify(data, (_k, v: unknown) => (v === Prisma.DbNull ? '\u0000DbNull' : v));
        const group = groups.get(key) ?? groups.set(key, { data, ids: [] }).get(key)!;
        group.ids.push(c.id);
      }
      for (const g of groups.values()) await tx.trainingJob.updateMany({ where: { id: { in: g.ids } }, data: g.data });
      if (ending.length > 0) await tx.usageRecord.createMany({ data: ending.flatMap((j) => endedAttemptRows(j, now)), skipDuplicates: true });
      await tx.trainingJobEvent.createMany({
        data: applying.map((c) => ({ jobId: c.id, fromStatus: c.from, toStatus: c.to, reason: c.reason, message: c.message })),
      });
      const rows = await tx.trainingJob.findMany({ where: { id: { in: applying.map((c) => c.id) } } });
      return new Map(rows.map((r) => [r.id, r]));
    });
  }

  async idsWithStatus(statuses: TrainingStatus[], limit: number): Promise<string[]> {
    const rows = await this.prisma.trainingJob.findMany({
      where: { status: { in: statuses } },
      orderBy: { createdAt: 'asc' },
      select: { id: true },
      take: limit,
    });
    return rows.map((r) => r.id);
  }

  async countByStatus(): Promise<Map<TrainingStatus, number>> {
    const groups = await this.prisma.trainingJob.groupBy({ by: ['status'], _count: { _all: true } });
    return new Map(groups.map((g) => [g.status as TrainingStatus, g._count._all]));
  }
}

export function isUniqueViolation(error: unknown): boolean {
  return error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002';
}

const endsHolding = (change: StatusChange): boolean => HOLDING.has(change.from) && !HOLDING.has(change.to);

/** The columns one status change writes. */
function statusData(change: StatusChange, now: Date): Prisma.TrainingJobUpdateManyMutationInput {
  const data: Prisma.TrainingJobUpdateManyMutationInput = {
    status: change.to,
    statusReason: change.reason,
    attempt: change.attempt,
  };
  const extra = change.extra ?? {};
  if (extra.placement !== undefined) data.placement = extra.placement === null ? Prisma.DbNull : (extra.placement as unknown as Prisma.InputJsonValue);
  if (extra.policy !== undefined) data.policy = extra.policy;
  if (extra.scheduledAt !== undefined) data.scheduledAt = extra.scheduledAt;
  if (extra.notBefore !== undefined) data.notBefore = extra.notBefore;
  if (extra.pendingReason !== undefined) data.pendingReason = extra.pendingReason;
  if (extra.requeues !== undefined) data.requeues = extra.requeues;
  if (extra.containerRestarts !== undefined) data.containerRestarts = extra.containerRestarts;
  if (extra.excludedNodes !== undefined) data.excludedNodes = extra.excludedNodes;
  if (extra.preemptingSince !== undefined) data.preemptingSince = extra.preemptingSince;
  if (change.from === 'Queued') data.unschedulableSince = null; // a flag of the wait that ends here
  if (change.to === 'Running') data.startedAt = now;
  if (change.to === 'Succeeded' || change.to === 'Failed' || change.to === 'Cancelled') data.finishedAt = now;
  else if (change.from === 'Failed' || change.from === 'Cancelled') data.finishedAt = null; // resumed by hand
  return data;
}
