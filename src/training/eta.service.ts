import { Injectable } from '@nestjs/common';
import type { TrainingJob } from '../generated/prisma/client.js';
import { estimateStart } from './eta.js';
import { EtaRepository } from './eta.repository.js';
import { ClusterOffersReader } from './offers/cluster-offers.store.js';
import type { WorkerResources } from './training.dto.js';

/** A Queued GPU job's estimated start (eta.ts), or null when there is nothing sound to say. */
@Injectable()
export class EtaService {
  constructor(
    private readonly repo: EtaRepository,
    private readonly offers: ClusterOffersReader,
  ) {}

  async estimate(job: TrainingJob, now = new Date()): Promise<Date | null> {
    const gpu = (job.resources as unknown as WorkerResources).gpu;
    // CPU-only jobs and MIG slices are not estimated: their capacity is not counted in devices.
    if (job.status !== 'Queued' || job.unschedulableSince !== null || !gpu || gpu.migProfile !== undefined) return null;
    const perWorker = gpu.count ?? (gpu.milli ?? 0) / 1000;
    const capacity = await this.offers.capacity();
    if (!capacity || perWorker === 0) return null;
    const [ahead, held, medians] = await Promise.all([this.repo.aheadGpus(job), this.repo.held(), this.repo.observedMedians()]);
    const at = estimateStart({
      now: now.getTime(),
      needed: ahead + job.workers * perWorker,
      products: gpu.products ?? [],
      capacity,
      held: held.map((h) => ({
        gpus: h.gpus,
        products: h.products,
        since: h.since.getTime(),
        timeoutSeconds: h.timeoutSeconds,
        observedSeconds: medians.get(`${h.projectId}/${h.queue}`) ?? null,
      })),
    });
    // Not before the retry backoff lets the scheduler look at it.
    return at === null ? null : new Date(Math.max(at, job.notBefore?.getTime() ?? 0));
  }
}
