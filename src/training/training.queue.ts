import { Inject, Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import { Queue } from 'bullmq';
import { APP_CONFIG } from '../common/config/config.js';
import type { AppConfig } from '../common/config/config.schema.js';
import { redisOptions } from '../common/queue/redis-options.js';
import { withTimeout } from '../common/queue/redis-health.js';

export const TRAINING_QUEUE = 'training-admission';

/** The payload of an admission message: only the id; PostgreSQL holds the job. */
export interface AdmissionMessage {
  trainingJobId: string;
}

/**
 * Producer side of BullMQ. The message id equals the training job id, so a second
 * trigger for the same job (a retried submit, the reconciler) is dropped by BullMQ while
 * the first waits or runs. A finished message is removed, failed ones too: BullMQ also drops
 * an id that sits in its failed set, so a message that failed once (the database restarting
 * under it) kept its job Pending for good, and the chaos suite caught it. The reconciler's
 * next pass sends it again; the worker logs each failure.
 * Never throws: a job whose trigger failed stays Pending and the reconciler
 * re-enqueues it once Redis is back.
 */
@Injectable()
export class TrainingQueue implements OnModuleDestroy {
  private readonly logger = new Logger(TrainingQueue.name);
  private readonly queue: Queue;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    this.queue = new Queue(TRAINING_QUEUE, {
      connection: redisOptions(config.REDIS_URL!, 'producer'),
      prefix: config.BEAMLINE_QUEUE_PREFIX,
    });
    this.queue.on('error', () => undefined); // connection errors surface through enqueue() and /readyz
  }

  async enqueue(trainingJobId: string): Promise<boolean> {
    try {
      await withTimeout(
        this.queue.add('admit', { trainingJobId } satisfies AdmissionMessage, { jobId: trainingJobId, removeOnComplete: true, removeOnFail: true }),
        2000,
      );
      return true;
    } catch (error) {
      this.logger.warn({ trainingJobId, err: (error as Error).message }, 'could not enqueue; the reconciler will retry');
      return false;
    }
  }

  /** Waiting/active/delayed counts for /metrics (failed messages are removed at once); undefined while Redis is down. */
  async counts(): Promise<Record<string, number> | undefined> {
    try {
      return await withTimeout(this.queue.getJobCounts('waiting', 'active', 'delayed'), 1000);
    } catch {
      return undefined;
    }
  }

  async onModuleDestroy(): Promise<void> {
    await withTimeout(this.queue.close(), 3000).catch(() => this.queue.disconnect().catch(() => undefined));
  }
}
