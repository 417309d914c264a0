import { Inject, Injectable, Optional } from '@nestjs/common';
import { z } from 'zod';
import { CLUSTER_DRIVER, type ClusterDriver } from '../cluster/cluster-driver.js';
import type { ProjectRef } from '../common/auth/principal.js';
import { AppError, ErrorCode } from '../common/errors/app-error.js';
import { TrainingRepository } from './training.repository.js';
import { UUID } from './training.view.js';

export const logsQuerySchema = z.strictObject({
  follow: z.enum(['true', 'false', '1', '0']).default('false').transform((v) => v === 'true' || v === '1'),
  worker: z.coerce.number().int().min(0).default(0),
  attempt: z.coerce.number().int().min(0).optional(),
});
export type LogsQuery = z.output<typeof logsQuerySchema>;

/** Worker logs through the ClusterDriver (local: the process output files; Kubernetes: the pod log API). */
@Injectable()
export class TrainingLogs {
  constructor(
    private readonly jobs: TrainingRepository,
    @Optional() @Inject(CLUSTER_DRIVER) private readonly driver?: ClusterDriver,
  ) {}

  async open(project: ProjectRef, id: string, query: LogsQuery, signal: AbortSignal): Promise<AsyncIterable<string>> {
    const job = UUID.test(id) ? await this.jobs.findInProject(project.id, id) : null;
    if (!job) throw AppError.notFound(`Training job '${id}'`);
    if (query.worker >= job.workers) {
      throw AppError.validation([{ field: 'query.worker', message: `the job has ${job.workers} worker(s): 0..${job.workers - 1}` }]);
    }
    const attempt = query.attempt ?? job.attempt;
    if (attempt > job.attempt) throw AppError.validation([{ field: 'query.attempt', message: `the job is at attempt ${job.attempt}` }]);
    if (!this.driver) throw new AppError(ErrorCode.Unavailable, 'No cluster driver is configured, so there are no logs');
    const neverRan = attempt === job.attempt && job.scheduledAt === null && job.startedAt === null;
    if (neverRan) throw new AppError(ErrorCode.Conflict, `The job has not been scheduled yet (status ${job.status})`);
    return this.driver.logs(job.id, attempt, query.worker, { follow: query.follow, signal });
  }
}
