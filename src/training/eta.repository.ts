import { Injectable } from '@nestjs/common';
import type { TrainingJob } from '../generated/prisma/client.js';
import { PrismaService } from '../common/database/prisma.service.js';

/** GPUs one worker asks for, in SQL: a count, or a share in GPUs (MIG slices are not estimated). */
const WORKER_GPUS = `COALESCE((j.resources->'gpu'->>'count')::float8, (j.resources->'gpu'->>'milli')::float8 / 1000, 0)`;

export interface HeldRow {
  projectId: string;
  queue: string;
  gpus: number;
  products: string[];
  since: Date;
  timeoutSeconds: number | null;
}

/** The reads behind a Queued job's estimated start (eta.ts): what is ahead, what is held, what was observed. */
@Injectable()
export class EtaRepository {
  constructor(private readonly prisma: PrismaService) {}

  /** GPUs of the Queued jobs ahead of `job` in its cluster queue, in queuePosition's order. */
  async aheadGpus(job: TrainingJob): Promise<number> {
    const rows = await this.prisma.$queryRawUnsafe<{ gpus: number | null }[]>(
      `WITH me AS (SELECT cluster_queue_id FROM project_queues WHERE project_id = $1::uuid AND name = $2)
       SELECT SUM(j.workers * ${WORKER_GPUS})::float8 AS gpus FROM training_jobs j
       LEFT JOIN project_queues pq ON pq.project_id = j.project_id AND pq.name = j.queue
       WHERE j.status = 'Queued'
         AND pq.cluster_queue_id IS NOT DISTINCT FROM (SELECT cluster_queue_id FROM me)
         AND (j.priority > $3 OR (j.priority = $3 AND (j.created_at, j.id) < ($4, $5::uuid)))`,
      job.projectId,
      job.queue,
      job.priority,
      job.createdAt,
      job.id,
    );
    return rows[0]?.gpus ?? 0;
  }

  /** Attempts holding GPUs now, with what they hold. */
  async held(): Promise<HeldRow[]> {
    const rows = await this.prisma.trainingJob.findMany({
      where: { status: { in: ['Scheduled', 'Running'] }, scheduledAt: { not: null } },
      select: { projectId: true, queue: true, placement: true, scheduledAt: true, timeoutSeconds: true },
    });
    return rows.flatMap((r) => {
      const workers = (r.placement ?? []) as Array<{ gpuIndexes?: number[]; gpuMilli?: number; migProfile?: string; product?: string }>;
      const gpus = workers.reduce((s, w) => s + (w.migProfile ? 0 : w.gpuMilli !== undefined ? w.gpuMilli / 1000 : (w.gpuIndexes?.length ?? 0)), 0);
      if (gpus === 0) return [];
      const products = [...new Set(workers.map((w) => w.product).filter((p): p is string => p !== undefined))];
      return [{ projectId: r.projectId, queue: r.queue, gpus, products, since: r.scheduledAt!, timeoutSeconds: r.timeoutSeconds }];
    });
  }

  /** Median runtime (start to finish) of each project queue's last 100 successes of the past 30 days, in seconds. */
  async observedMedians(): Promise<Map<string, number>> {
    const rows = await this.prisma.$queryRaw<{ projectId: string; queue: string; median: number }[]>`
      SELECT project_id AS "projectId", queue, percentile_cont(0.5) WITHIN GROUP (ORDER BY seconds)::float8 AS median
      FROM (
        SELECT project_id, queue, EXTRACT(EPOCH FROM finished_at - started_at) AS seconds,
               row_number() OVER (PARTITION BY project_id, queue ORDER BY finished_at DESC) AS n
        FROM training_jobs
        WHERE status = 'Succeeded' AND started_at IS NOT NULL AND finished_at > now() - interval '30 days'
      ) recent
      WHERE n <= 100
      GROUP BY project_id, queue`;
    return new Map(rows.map((r) => [`${r.projectId}/${r.queue}`, r.median]));
  }
}
