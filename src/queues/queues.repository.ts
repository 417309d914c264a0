import { Injectable } from '@nestjs/common';
import { Prisma, type ClusterQueue, type ProjectQueue } from '../generated/prisma/client.js';
import { PrismaService } from '../common/database/prisma.service.js';
import { transition } from '../training/training-state.js';
import type { StoredPreemption, StoredQuota } from './queues.dto.js';
import type { AdmittedJob } from './queue-usage.js';

export type ProjectQueueRow = ProjectQueue & { clusterQueue: { name: string }; project: { name: string } };
type Tx = Prisma.TransactionClient;
type Kind = 'cluster' | 'project';

/** Statuses of a job that still needs its queue. */
const LIVE = ['Pending', 'Queued', 'Scheduled', 'Running'] as const;
const withNames = { clusterQueue: { select: { name: true } }, project: { select: { name: true } } } as const;

export function isUniqueViolation(error: unknown): boolean {
  return error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002';
}

/**
 * Cluster and project queues. Every change bumps `version` (compare-and-set on the version
 * the caller read, so two admins cannot overwrite each other) and writes a revision in the
 * same transaction.
 */
@Injectable()
export class QueuesRepository {
  constructor(private readonly prisma: PrismaService) {}

  private revision(tx: Tx, kind: Kind, queueId: string, version: number, action: string, spec: unknown, actor: string | undefined) {
    return tx.queueRevision.create({ data: { kind, queueId, version, action, spec: spec as Prisma.InputJsonValue, actor: actor ?? null } });
  }

  listClusterQueues(): Promise<ClusterQueue[]> {
    return this.prisma.clusterQueue.findMany({ orderBy: { name: 'asc' } });
  }

  /**
   * What the jobs charged to each cluster queue hold now (Scheduled or Running, with their
   * placement) and how many wait (Queued); `only` narrows to one queue. Jobs of the open
   * queue (no project queue) belong to no cluster queue and are not counted.
   */
  async load(only?: string): Promise<{ admitted: Map<string, AdmittedJob[]>; pending: Map<string, number> }> {
    const one = only === undefined ? Prisma.empty : Prisma.sql`AND pq.cluster_queue_id = ${only}::uuid`;
    const [rows, counts] = await Promise.all([
      this.prisma.$queryRaw<(AdmittedJob & { queueId: string })[]>`
        SELECT pq.cluster_queue_id AS "queueId", j.resources, j.workers, j.placement FROM training_jobs j
        JOIN project_queues pq ON pq.project_id = j.project_id AND pq.name = j.queue
        WHERE j.status IN ('Scheduled', 'Running') ${one}`,
      this.prisma.$queryRaw<{ queueId: string; n: number }[]>`
        SELECT pq.cluster_queue_id AS "queueId", count(*)::int AS n FROM training_jobs j
        JOIN project_queues pq ON pq.project_id = j.project_id AND pq.name = j.queue
        WHERE j.status IN ('Pending', 'Queued') ${one} GROUP BY pq.cluster_queue_id`,
    ]);
    const admitted = new Map<string, AdmittedJob[]>();
    for (const { queueId, ...job } of rows) admitted.set(queueId, [...(admitted.get(queueId) ?? []), job]);
    return { admitted, pending: new Map(counts.map((c) => [c.queueId, c.n])) };
  }

  clusterQueue(name: string): Promise<ClusterQueue | null> {
    return this.prisma.clusterQueue.findUnique({ where: { name } });
  }

  /** Creates the queue and its first revision; undefined when the name is taken. */
  async createClusterQueue(
    data: { name: string; cohort: string | null; strategy: string; weight: number; quota: StoredQuota[]; preemption: StoredPreemption },
    view: (q: ClusterQueue) => unknown,
    actor?: string,
  ): Promise<ClusterQueue | undefined> {
    try {
      return await this.prisma.$transaction(async (tx) => {
        const q = await tx.clusterQueue.create({ data: { ...data, quota: data.quota as unknown as Prisma.InputJsonValue, preemption: data.preemption as unknown as Prisma.InputJsonValue } });
        await this.revision(tx, 'cluster', q.id, q.version, 'create', view(q), actor);
        return q;
      });
    } catch (error) {
      if (isUniqueViolation(error)) return undefined;
      throw error;
    }
  }

  /** Applies the change if the queue is still at `version`; undefined when it moved on meanwhile. */
  async updateClusterQueue(
    id: string,
    version: number,
    data: { cohort?: string | null; strategy?: string; weight?: number; quota?: StoredQuota[]; preemption?: StoredPreemption },
    view: (q: ClusterQueue) => unknown,
    actor?: string,
  ): Promise<ClusterQueue | undefined> {
    return this.prisma.$transaction(async (tx) => {
      const { quota, preemption, ...rest } = data;
      const changed = await tx.clusterQueue.updateMany({
        where: { id, version },
        data: {
          ...rest,
          ...(quota ? { quota: quota as unknown as Prisma.InputJsonValue } : {}),
          ...(preemption ? { preemption: preemption as unknown as Prisma.InputJsonValue } : {}),
          version: { increment: 1 },
        },
      });
      if (changed.count === 0) return undefined;
      const q = await tx.clusterQueue.findUniqueOrThrow({ where: { id } });
      await this.revision(tx, 'cluster', id, q.version, 'update', view(q), actor);
      return q;
    });
  }

  /** Non-terminal jobs of the project queues that point at a cluster queue. */
  liveJobsOf(clusterQueueId: string): Promise<number> {
    return this.prisma.$queryRaw<{ n: bigint }[]>`
      SELECT count(*) AS n FROM training_jobs j JOIN project_queues pq ON pq.project_id = j.project_id AND pq.name = j.queue
      WHERE pq.cluster_queue_id = ${clusterQueueId}::uuid AND j.status::text IN (${Prisma.join([...LIVE])})`.then((r) => Number(r[0].n));
  }

  /**
   * Deletes a cluster queue at `version` with its project queues, in one transaction. With
   * `drain`, the jobs still waiting in them are cancelled (Scheduled and Running ones finish;
   * they are no longer charged to any quota). Undefined when the version moved on.
   */
  async deleteClusterQueue(q: ClusterQueue, version: number, drain: boolean, view: unknown, actor?: string): Promise<{ cancelled: number } | undefined> {
    return this.prisma.$transaction(async (tx) => {
      const pqs = await tx.projectQueue.findMany({ where: { clusterQueueId: q.id }, include: withNames });
      let cancelled = 0;
      if (drain && pqs.length > 0) {
        const waiting = await tx.trainingJob.findMany({
          where: { status: { in: ['Pending', 'Queued'] }, OR: pqs.map((pq) => ({ projectId: pq.projectId, queue: pq.name })) },
        });
        for (const job of waiting) {
          const t = transition(job, 'cancel');
          if (!t.ok) continue;
          const moved = await tx.trainingJob.updateMany({ where: { id: job.id, status: job.status }, data: { status: t.to, statusReason: t.reason, finishedAt: new Date() } });
          if (moved.count === 0) continue;
          await tx.trainingJobEvent.create({ data: { jobId: job.id, fromStatus: job.status, toStatus: t.to, reason: t.reason, message: `cluster queue ${q.name} was deleted with drain=true` } });
          cancelled++;
        }
      }
      for (const pq of pqs) await this.revision(tx, 'project', pq.id, pq.version + 1, 'delete', { name: pq.name, project: pq.project.name, clusterQueue: q.name }, actor);
      await tx.projectQueue.deleteMany({ where: { clusterQueueId: q.id } });
      const gone = await tx.clusterQueue.deleteMany({ where: { id: q.id, version } });
      if (gone.count === 0) throw new StaleVersion();
      await this.revision(tx, 'cluster', q.id, version + 1, 'delete', view, actor);
      return { cancelled };
    }).catch((error: unknown) => {
      if (error instanceof StaleVersion) return undefined;
      throw error;
    });
  }

  listProjectQueues(projectId: string): Promise<ProjectQueueRow[]> {
    return this.prisma.projectQueue.findMany({ where: { projectId }, orderBy: { name: 'asc' }, include: withNames });
  }

  projectQueue(projectId: string, name: string): Promise<ProjectQueueRow | null> {
    return this.prisma.projectQueue.findUnique({ where: { projectId_name: { projectId, name } }, include: withNames });
  }

  async createProjectQueue(projectId: string, name: string, clusterQueueId: string, view: (q: ProjectQueueRow) => unknown, actor?: string): Promise<ProjectQueueRow | undefined> {
    try {
      return await this.prisma.$transaction(async (tx) => {
        const q = await tx.projectQueue.create({ data: { projectId, name, clusterQueueId }, include: withNames });
        await this.revision(tx, 'project', q.id, q.version, 'create', view(q), actor);
        return q;
      });
    } catch (error) {
      if (isUniqueViolation(error)) return undefined;
      throw error;
    }
  }

  async updateProjectQueue(id: string, version: number, clusterQueueId: string, view: (q: ProjectQueueRow) => unknown, actor?: string): Promise<ProjectQueueRow | undefined> {
    return this.prisma.$transaction(async (tx) => {
      const changed = await tx.projectQueue.updateMany({ where: { id, version }, data: { clusterQueueId, version: { increment: 1 } } });
      if (changed.count === 0) return undefined;
      const q = await tx.projectQueue.findUniqueOrThrow({ where: { id }, include: withNames });
      await this.revision(tx, 'project', id, q.version, 'update', view(q), actor);
      return q;
    });
  }

  /** Refused (false) while jobs wait in the queue; undefined when the version moved on. */
  async deleteProjectQueue(q: ProjectQueueRow, version: number, view: unknown, actor?: string): Promise<boolean | undefined> {
    return this.prisma.$transaction(async (tx) => {
      const live = await tx.trainingJob.count({ where: { projectId: q.projectId, queue: q.name, status: { in: [...LIVE] } } });
      if (live > 0) return false;
      const gone = await tx.projectQueue.deleteMany({ where: { id: q.id, version } });
      if (gone.count === 0) return undefined;
      await this.revision(tx, 'project', q.id, version + 1, 'delete', view, actor);
      return true;
    });
  }

  history(kind: Kind, queueId: string) {
    return this.prisma.queueRevision.findMany({ where: { kind, queueId }, orderBy: { version: 'asc' } });
  }
}

class StaleVersion extends Error {}
