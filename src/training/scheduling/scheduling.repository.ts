import { Injectable } from '@nestjs/common';
import type { Prisma, TrainingJob } from '../../generated/prisma/client.js';
import { PrismaService } from '../../common/database/prisma.service.js';
import type { StoredPreemption, StoredQuota } from '../../queues/queues.dto.js';
import type { QueueConfig } from './queue-specs.js';

/** Reads and bulk writes of the scheduling loop; status changes go through TrainingRepository. */
/** What the last cycle wrote about a waiting job. */
export interface WaitingState {
  pendingReason: string | null;
  unschedulableSince: Date | null;
}

/** The columns of a Queued job a scheduling cycle uses (the engine's request, the state machine's guard, the waiting state). */
const QUEUED_FIELDS = {
  id: true,
  projectId: true,
  queue: true,
  priority: true,
  workers: true,
  resources: true,
  createdAt: true,
  scheduledAt: true,
  placement: true,
  excludedNodes: true,
  status: true,
  attempt: true,
  maxRetries: true,
  requeues: true,
  preemptedBy: true,
  pendingReason: true,
  unschedulableSince: true,
} as const satisfies Prisma.TrainingJobSelect;

export type QueuedJob = Prisma.TrainingJobGetPayload<{ select: typeof QUEUED_FIELDS }>;

@Injectable()
export class SchedulingRepository {
  constructor(private readonly prisma: PrismaService) {}

  /**
   * The Queued jobs a cycle considers (past their retry backoff): at most `limit`, taken from
   * the head of every (project, queue) in turn, each head in the engine's order within a
   * bucket (priority, then oldest). With more waiting than the limit, every queue still shows
   * its first jobs, so a queue behind a long backlog elsewhere, or a high-priority job behind
   * thousands of older ones, is never out of sight (Kueue looks at queue heads the same way).
   * Jobs past the window keep the reason they had and come into view as the heads leave.
   */
  async queued(now: Date, limit = 5000): Promise<QueuedJob[]> {
    const window = await this.prisma.$queryRaw<Array<{ id: string }>>`
      SELECT id::text AS id FROM (
        SELECT id, priority, created_at,
               row_number() OVER (PARTITION BY project_id, queue ORDER BY priority DESC, created_at, id) AS rank
        FROM training_jobs
        WHERE status = 'Queued' AND (not_before IS NULL OR not_before <= ${now})
      ) heads
      ORDER BY rank, priority DESC, created_at, id
      LIMIT ${limit}`;
    if (window.length === 0) return [];
    // Only what a cycle reads: whole rows (env, command, volumes…) took most of a cycle at 15,000 waiting.
    const rows = await this.prisma.trainingJob.findMany({ where: { id: { in: window.map((r) => r.id) }, status: 'Queued' }, select: QUEUED_FIELDS });
    return rows.sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime() || (a.id < b.id ? -1 : 1));
  }

  /** Jobs holding (or about to hold) cluster resources. */
  active(): Promise<TrainingJob[]> {
    return this.prisma.trainingJob.findMany({ where: { status: { in: ['Scheduled', 'Running'] } } });
  }

  /** Terminal jobs that may still have a workload to clean up, by id. */
  async statusOf(ids: string[]): Promise<Map<string, { status: string; attempt: number }>> {
    if (ids.length === 0) return new Map();
    const rows = await this.prisma.trainingJob.findMany({ where: { id: { in: ids } }, select: { id: true, status: true, attempt: true } });
    return new Map(rows.map((r) => [r.id, { status: r.status, attempt: r.attempt }]));
  }

  /** Status and volumes of the jobs that own claims the driver found (job.reconciler.ts, releaseClaims). */
  async claimOwners(ids: string[]): Promise<Map<string, { status: string; volumes: unknown }>> {
    if (ids.length === 0) return new Map();
    const rows = await this.prisma.trainingJob.findMany({ where: { id: { in: ids } }, select: { id: true, status: true, volumes: true } });
    return new Map(rows.map((r) => [r.id, { status: r.status, volumes: r.volumes }]));
  }

  /**
   * Writes each waiting job's reason, and since when it has been unschedulable (kept while it
   * stays so, cleared when it no longer is); only rows that changed are written, in one
   * statement: one UPDATE per row cost 79 of the 297 s spent in cycles at Kueue's scale
   * (reasons that quote a queue's usage change for thousands of jobs at once).
   */
  async setPendingReasons(reasons: Map<string, string>, current: Map<string, WaitingState>, unschedulable: ReadonlySet<string>, now: Date): Promise<void> {
    const changed = [...reasons.entries()].filter(([id, reason]) => {
      const was = current.get(id);
      return was?.pendingReason !== reason || (was.unschedulableSince !== null) !== unschedulable.has(id);
    });
    if (changed.length === 0) return;
    const ids = changed.map(([id]) => id);
    const texts = changed.map(([, reason]) => reason);
    const since = changed.map(([id]) => (unschedulable.has(id) ? (current.get(id)?.unschedulableSince ?? now).toISOString() : null));
    await this.prisma.$executeRaw`
      UPDATE training_jobs AS j SET pending_reason = v.reason, unschedulable_since = v.since::timestamptz
      FROM unnest(${ids}::uuid[], ${texts}::text[], ${since}::text[]) AS v(id, reason, since)
      WHERE j.id = v.id AND j.status = 'Queued'`;
  }

  /**
   * Records that the attempt is being preempted by `by`, with an event, before any signal is
   * sent: from then on the reconciler owns the victim (stops it, requeues it once it has
   * stopped), also after a controller restart. False when the job moved on meanwhile
   * (another attempt, finished, cancelled) or its preemption is already recorded.
   */
  async markPreempting(id: string, attempt: number, by: string, at: Date, message: string): Promise<boolean> {
    return this.prisma.$transaction(async (tx) => {
      const row = await tx.trainingJob.findUnique({ where: { id }, select: { status: true } });
      if (!row || (row.status !== 'Scheduled' && row.status !== 'Running')) return false;
      const changed = await tx.trainingJob.updateMany({
        where: { id, attempt, status: row.status, preemptingSince: null },
        data: { preemptedBy: by, preemptingSince: at },
      });
      if (changed.count === 0) return false;
      await tx.trainingJobEvent.create({ data: { jobId: id, fromStatus: row.status, toStatus: row.status, reason: 'Preempting', message } });
      return true;
    });
  }

  /** Every cluster and project queue, read each cycle: a quota changed through the API counts on the next one. */
  async queueConfig(): Promise<QueueConfig> {
    const [clusterQueues, projectQueues] = await Promise.all([
      this.prisma.clusterQueue.findMany({ select: { name: true, cohort: true, strategy: true, weight: true, quota: true, preemption: true } }),
      this.prisma.projectQueue.findMany({ select: { projectId: true, name: true, clusterQueue: { select: { name: true } } } }),
    ]);
    return {
      clusterQueues: clusterQueues.map((q) => ({ ...q, quota: q.quota as unknown as StoredQuota[], preemption: q.preemption as unknown as StoredPreemption })),
      projectQueues: projectQueues.map((pq) => ({ projectId: pq.projectId, name: pq.name, clusterQueue: pq.clusterQueue.name })),
    };
  }

  async projectNames(ids: string[]): Promise<Map<string, string>> {
    const rows = await this.prisma.project.findMany({ where: { id: { in: ids } }, select: { id: true, name: true } });
    return new Map(rows.map((r) => [r.id, r.name]));
  }
}
