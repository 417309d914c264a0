import { Injectable } from '@nestjs/common';
import { Prisma } from '../generated/prisma/client.js';
import type { TrainingJob } from '../generated/prisma/client.js';
import { PrismaService } from '../common/database/prisma.service.js';

/** A ledger aggregate, the finished attempts' share of a range. */
export interface LedgerGroup {
  projectId: string;
  queue: string;
  submittedBy: string;
  flavor: string;
  gpuSeconds: number;
  cpuSeconds: number;
  attempts: number;
}

export type HoldingJob = Pick<TrainingJob, 'id' | 'attempt' | 'projectId' | 'queue' | 'submittedBy' | 'scheduledAt' | 'placement' | 'resources' | 'workers'>;

export interface UsageSnapshot {
  ledger: LedgerGroup[];
  holding: HoldingJob[];
}

const HOLDING_SELECT = { id: true, attempt: true, projectId: true, queue: true, submittedBy: true, scheduledAt: true, placement: true, resources: true, workers: true } as const;

@Injectable()
export class UsageRepository {
  constructor(private readonly prisma: PrismaService) {}

  /**
   * The ledger's share of [from, to) and the attempts still holding devices, read in one
   * REPEATABLE READ snapshot: an attempt that ends meanwhile is counted once, in one of the two.
   * A ledger row is spread evenly over its interval, so a range cutting it gets its share.
   */
  snapshot(from: Date, to: Date, projectIds: string[] | null): Promise<UsageSnapshot> {
    const inProjects = projectIds === null ? Prisma.empty : Prisma.sql`AND project_id = ANY(${projectIds}::uuid[])`;
    return this.prisma.$transaction(
      async (tx) => {
        const ledger = await tx.$queryRaw<LedgerGroup[]>`
          SELECT project_id AS "projectId", queue, submitted_by AS "submittedBy", flavor,
                 SUM(gpu_seconds * share)::float8 AS "gpuSeconds", SUM(cpu_seconds * share)::float8 AS "cpuSeconds",
                 COUNT(DISTINCT (job_id, attempt))::int AS attempts
          FROM (
            SELECT *, GREATEST(0, EXTRACT(EPOCH FROM LEAST(ended_at, ${to}) - GREATEST(started_at, ${from})))
                      / GREATEST(EXTRACT(EPOCH FROM ended_at - started_at), 0.001) AS share
            FROM usage_records
            WHERE ended_at > ${from} AND started_at < ${to} ${inProjects}
          ) clipped
          GROUP BY project_id, queue, submitted_by, flavor`;
        const holding = await tx.trainingJob.findMany({
          where: { status: { in: ['Scheduled', 'Running'] }, scheduledAt: { not: null, lt: to }, ...(projectIds === null ? {} : { projectId: { in: projectIds } }) },
          select: HOLDING_SELECT,
        });
        return { ledger, holding };
      },
      { isolationLevel: Prisma.TransactionIsolationLevel.RepeatableRead },
    );
  }

  async projectNames(ids: string[]): Promise<Map<string, string>> {
    if (ids.length === 0) return new Map();
    const rows = await this.prisma.project.findMany({ where: { id: { in: ids } }, select: { id: true, name: true } });
    return new Map(rows.map((r) => [r.id, r.name]));
  }

  async projectIdByName(name: string): Promise<string | undefined> {
    return (await this.prisma.project.findUnique({ where: { name }, select: { id: true } }))?.id;
  }
}
