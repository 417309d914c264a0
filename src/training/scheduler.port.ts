import { Injectable, Logger } from '@nestjs/common';

/**
 * The boundary between training and the GPU scheduler. After admission a job is
 * Queued and offered here; the scheduler loop (src/gpu-scheduler, with a
 * ClusterDriver from src/cluster) binds it and moves it on through
 * TrainingService.applyAction('bind' | 'start' | ...).
 */
export interface JobScheduler {
  /** Tells the scheduler a job is waiting. Must be idempotent: offers repeat after restarts. */
  offer(trainingJobId: string): Promise<void>;
}

export const JOB_SCHEDULER = Symbol('JOB_SCHEDULER');

/**
 * Used until a scheduler loop and cluster driver are wired in: jobs stay Queued, and
 * the log says why, instead of pretending to make progress.
 */
@Injectable()
export class NoClusterScheduler implements JobScheduler {
  private readonly logger = new Logger('JobScheduler');
  private warned = false;

  async offer(trainingJobId: string): Promise<void> {
    if (!this.warned) {
      this.logger.warn('no GPU scheduler loop is configured in this build; admitted jobs stay Queued');
      this.warned = true;
    }
    this.logger.debug({ trainingJobId }, 'job queued for scheduling');
  }
}
