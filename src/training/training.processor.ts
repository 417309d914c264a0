import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { Worker, type Job } from 'bullmq';
import { APP_CONFIG } from '../common/config/config.js';
import type { AppConfig } from '../common/config/config.schema.js';
import { withTimeout } from '../common/queue/redis-health.js';
import { redisOptions } from '../common/queue/redis-options.js';
import { JOB_SCHEDULER, type JobScheduler } from './scheduler.port.js';
import { TRAINING_QUEUE, type AdmissionMessage } from './training.queue.js';
import { TrainingService } from './training.service.js';

/** Controller role: consumes admission messages. The work itself is idempotent (TrainingService.admit). */
@Injectable()
export class TrainingProcessor implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(TrainingProcessor.name);
  private worker?: Worker<AdmissionMessage>;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly training: TrainingService,
    @Inject(JOB_SCHEDULER) private readonly scheduler: JobScheduler,
  ) {}

  onApplicationBootstrap(): void {
    this.worker = new Worker<AdmissionMessage>(TRAINING_QUEUE, (job) => this.process(job), {
      connection: redisOptions(this.config.REDIS_URL!, 'worker'),
      prefix: this.config.BEAMLINE_QUEUE_PREFIX,
      // Admissions in flight at once are written together (TrainingService.admit): a burst of
      // submissions is admitted in batches of up to this many instead of one by one.
      concurrency: 64,
    });
    this.worker.on('error', (error) => this.logger.warn({ err: error.message }, 'queue worker error'));
    this.worker.on('failed', (job, error) => this.logger.warn({ trainingJobId: job?.data.trainingJobId, err: error.message }, 'admission failed; the reconciler sends it again'));
  }

  async process(job: Job<AdmissionMessage>): Promise<string> {
    const outcome = await this.training.admit(job.data.trainingJobId);
    // Offer after every message, admitted now or earlier: offers are idempotent.
    await this.scheduler.offer(job.data.trainingJobId);
    this.logger.log({ trainingJobId: job.data.trainingJobId, outcome }, 'admission processed');
    return outcome;
  }

  /** A graceful close waits for Redis; when Redis is gone, give up after a few seconds instead of hanging. */
  async onApplicationShutdown(): Promise<void> {
    if (!this.worker) return;
    await withTimeout(this.worker.close(), 5000).catch(() => this.worker?.close(true).catch(() => undefined));
  }
}
