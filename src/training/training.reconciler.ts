import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { APP_CONFIG } from '../common/config/config.js';
import type { AppConfig } from '../common/config/config.schema.js';
import { TrainingQueue } from './training.queue.js';
import { TrainingRepository } from './training.repository.js';

/**
 * Level-based repair of the trigger: at start and then periodically, every job still
 * Pending gets its admission message again. BullMQ drops a duplicate id and admission
 * is a compare-and-set, so this can run any number of times without effect, and a
 * job submitted while Redis or the controller was down is never lost.
 */
@Injectable()
export class TrainingReconciler implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(TrainingReconciler.name);
  private timer?: NodeJS.Timeout;
  private running = false;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly jobs: TrainingRepository,
    private readonly queue: TrainingQueue,
  ) {}

  onApplicationBootstrap(): void {
    void this.reconcile();
    this.timer = setInterval(() => void this.reconcile(), this.config.BEAMLINE_RECONCILE_INTERVAL_MS);
  }

  async reconcile(): Promise<number> {
    if (this.running) return 0;
    this.running = true;
    try {
      const ids = await this.jobs.idsWithStatus(['Pending'], 1000);
      let enqueued = 0;
      for (const id of ids) if (await this.queue.enqueue(id)) enqueued++;
      if (ids.length > 0) this.logger.log({ pending: ids.length, enqueued }, 're-enqueued pending jobs');
      return enqueued;
    } catch (error) {
      this.logger.warn({ err: (error as Error).message }, 'reconcile pass failed; will retry');
      return 0;
    } finally {
      this.running = false;
    }
  }

  onApplicationShutdown(): void {
    if (this.timer) clearInterval(this.timer);
  }
}
