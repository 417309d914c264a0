import type { TrainingJob } from '../../generated/prisma/client.js';
import type { WorkloadSpec } from '../../cluster/cluster-driver.js';
import type { WorkerPlacement } from '../../gpu-scheduler/engine/model.js';
import type { WorkerResources } from '../training.dto.js';
import type { VolumeSpec } from '../training-volumes.js';

/** What the driver must create for the job's current attempt at its recorded placement. */
export function workloadSpecOf(job: TrainingJob, projectName: string): WorkloadSpec {
  const resources = job.resources as unknown as WorkerResources;
  return {
    jobId: job.id,
    attempt: job.attempt,
    project: projectName,
    name: job.name,
    image: job.image,
    command: job.command,
    args: job.args,
    env: (job.env ?? {}) as Record<string, string>,
    workingDir: job.workingDir ?? undefined,
    cpuMilli: resources.cpuMilli,
    memoryMiB: resources.memoryMiB,
    gpuCount: resources.gpu?.count ?? 0,
    migProfile: resources.gpu?.migProfile,
    workers: (job.placement ?? []) as unknown as WorkerPlacement[],
    volumes: (job.volumes ?? []) as unknown as VolumeSpec[],
  };
}

/** Exponential retry backoff: base, 2×base, 4×base ... capped at 5 minutes. */
export function retryDelayMs(attempt: number, baseMs: number): number {
  return Math.min(baseMs * 2 ** Math.max(0, attempt - 1), 300_000);
}

export function describePlacement(placement: WorkerPlacement[]): string {
  return placement
    .map((p, i) => {
      const devices = p.migProfile ? `MIG ${p.migProfile}` : p.gpuIndexes.length ? `GPU ${p.gpuIndexes.join(',')}${p.gpuMilli ? ` (${p.gpuMilli}m)` : ''}` : 'no GPU';
      return `worker ${i} → ${p.node} ${devices}`;
    })
    .join('; ');
}
