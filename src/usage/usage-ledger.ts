import type { Prisma, TrainingJob } from '../generated/prisma/client.js';
import { attemptUsage, type FlavorUsage, type PlacedWorker } from './usage.js';

/** Statuses in which an attempt holds its devices (from bind until it ends or is requeued). */
export const HOLDING: ReadonlySet<string> = new Set(['Scheduled', 'Running']);

/** Who a usage row is charged to when the job does not say (jobs submitted before submittedBy existed). */
export const UNKNOWN_SUBMITTER = 'unknown';

type JobFields = Pick<TrainingJob, 'id' | 'attempt' | 'projectId' | 'queue' | 'submittedBy' | 'scheduledAt' | 'placement' | 'resources' | 'workers'>;

/** What an attempt that is still holding its devices has used up to `until` (nothing before it is bound). */
export function heldUsage(job: JobFields, until: Date): FlavorUsage[] {
  if (!job.scheduledAt) return [];
  const resources = job.resources as { cpuMilli?: number; gpu?: { products?: string[] } };
  return attemptUsage({
    cpuMilli: resources.cpuMilli ?? 0,
    requestedProducts: resources.gpu?.products,
    placement: (job.placement ?? []) as unknown as PlacedWorker[],
    workers: job.workers,
    since: job.scheduledAt,
    until,
  });
}

/** The ledger rows for an attempt that ends at `endedAt` (written once: unique per job, attempt and flavor). */
export function endedAttemptRows(job: JobFields, endedAt: Date): Prisma.UsageRecordCreateManyInput[] {
  return heldUsage(job, endedAt).map((u) => ({
    jobId: job.id,
    attempt: job.attempt,
    flavor: u.flavor,
    projectId: job.projectId,
    queue: job.queue,
    submittedBy: job.submittedBy ?? UNKNOWN_SUBMITTER,
    gpuSeconds: u.gpuSeconds,
    cpuSeconds: u.cpuSeconds,
    startedAt: job.scheduledAt!,
    endedAt,
  }));
}
