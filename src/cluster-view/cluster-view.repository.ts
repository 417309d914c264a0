import { Injectable } from '@nestjs/common';
import { PrismaService } from '../common/database/prisma.service.js';
import { Prisma } from '../generated/prisma/client.js';
import { runningHoldings, type AllocationRow } from './allocation.js';
import type { ActiveJob } from './cluster-nodes.view.js';

@Injectable()
export class ClusterViewRepository {
  constructor(private readonly prisma: PrismaService) {}

  /** Jobs that hold devices now: Scheduled or Running with a placement, in every project. */
  async activeJobs(): Promise<ActiveJob[]> {
    const rows = await this.prisma.trainingJob.findMany({
      where: { status: { in: ['Scheduled', 'Running'] } },
      select: { id: true, name: true, status: true, placement: true, projectId: true },
    });
    const placed = rows.filter((r) => Array.isArray(r.placement));
    const projects = await this.prisma.project.findMany({ where: { id: { in: [...new Set(placed.map((r) => r.projectId))] } }, select: { id: true, name: true } });
    const names = new Map(projects.map((p) => [p.id, p.name]));
    return placed.map((r) => ({
      id: r.id,
      name: r.name,
      status: r.status,
      projectId: r.projectId,
      projectName: names.get(r.projectId) ?? '',
      placement: r.placement as unknown as ActiveJob['placement'],
    }));
  }

  /**
   * GPU-seconds per step, flavor and project in [from, end), steps of `stepSeconds` from `from`
   * (the last cut at `end`), from the usage ledger (finished attempts) and the attempts still
   * holding devices (up to `now`), in one series query. Both are read in one REPEATABLE READ
   * snapshot, so an attempt that ends meanwhile is counted once, in one of the two.
   */
  allocation(from: Date, end: Date, stepSeconds: number, now: Date): Promise<AllocationRow[]> {
    return this.prisma.$transaction(
      async (tx) => {
        const running = runningHoldings(
          await tx.trainingJob.findMany({
            where: { status: { in: ['Scheduled', 'Running'] }, scheduledAt: { not: null, lt: end } },
            select: { projectId: true, scheduledAt: true, placement: true, resources: true },
          }),
          now,
        );
        const steps = Math.ceil((end.getTime() - from.getTime()) / (stepSeconds * 1000));
        if (steps <= 0) return [];
        return tx.$queryRaw<AllocationRow[]>`
          WITH held AS (
            SELECT project_id, flavor, started_at, ended_at,
                   gpu_seconds / GREATEST(EXTRACT(EPOCH FROM ended_at - started_at), 0.001) AS units
            FROM usage_records
            WHERE flavor <> '' AND gpu_seconds > 0 AND ended_at > ${from} AND started_at < ${end}
            UNION ALL
            SELECT * FROM unnest(${running.map((r) => r.projectId)}::uuid[], ${running.map((r) => r.flavor)}::text[],
                                 ${running.map((r) => r.startedAt)}::timestamptz[], ${running.map((r) => r.endedAt)}::timestamptz[],
                                 ${running.map((r) => r.units)}::float8[])
          ), steps AS (
            SELECT i, ${from}::timestamptz + i * make_interval(secs => ${stepSeconds}) AS lo,
                   LEAST(${from}::timestamptz + (i + 1) * make_interval(secs => ${stepSeconds}), ${end}::timestamptz) AS hi
            FROM generate_series(0, ${steps - 1}::int) AS i
          )
          SELECT s.i::int AS i, h.flavor, h.project_id::text AS "projectId",
                 SUM(h.units * EXTRACT(EPOCH FROM LEAST(h.ended_at, s.hi) - GREATEST(h.started_at, s.lo)))::float8 AS "gpuSeconds"
          FROM steps s JOIN held h ON h.started_at < s.hi AND h.ended_at > s.lo
          GROUP BY s.i, h.flavor, h.project_id`;
      },
      { isolationLevel: Prisma.TransactionIsolationLevel.RepeatableRead },
    );
  }

  async projectNames(ids: string[]): Promise<Map<string, string>> {
    if (ids.length === 0) return new Map();
    const rows = await this.prisma.project.findMany({ where: { id: { in: ids } }, select: { id: true, name: true } });
    return new Map(rows.map((r) => [r.id, r.name]));
  }
}
