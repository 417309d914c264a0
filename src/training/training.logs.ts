import { Inject, Injectable, Optional } from '@nestjs/common';
import { z } from 'zod';
import { CLUSTER_DRIVER, LogSourceGone, type ClusterDriver } from '../cluster/cluster-driver.js';
import type { ProjectRef } from '../common/auth/principal.js';
import { AppError, ErrorCode } from '../common/errors/app-error.js';
import { ArchivedLogs } from './logs/archived-logs.js';
import { TrainingRepository } from './training.repository.js';
import { UUID } from './training.view.js';

export const logsQuerySchema = z.strictObject({
  follow: z.enum(['true', 'false', '1', '0']).default('false').transform((v) => v === 'true' || v === '1'),
  worker: z.coerce.number().int().min(0).default(0),
  attempt: z.coerce.number().int().min(0).optional(),
});
export type LogsQuery = z.output<typeof logsQuerySchema>;

/**
 * Worker logs: live through the ClusterDriver (local: the process output files; Kubernetes:
 * the pod log API) while the cluster has them, else from the archive the controller wrote to
 * the artifact store (issue 15, logs/), so a log outlives its pod or worker directory.
 */
@Injectable()
export class TrainingLogs {
  constructor(
    private readonly jobs: TrainingRepository,
    private readonly archive: ArchivedLogs,
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
    const neverRan = attempt === job.attempt && job.scheduledAt === null && job.startedAt === null;
    if (!this.driver) {
      if (neverRan) throw new AppError(ErrorCode.Unavailable, 'No cluster driver is configured, so there are no logs');
      return this.archive.read(job.id, attempt, query.worker, signal); // what a driver configured before archived
    }
    if (neverRan) throw new AppError(ErrorCode.Conflict, `The job has not been scheduled yet (status ${job.status})`);
    const options = { follow: query.follow, signal };
    // Following a job that is placed but not started yet waits for it to start: answering at
    // once with nothing (the worker has no log yet) looked like a job with no output.
    const live = query.follow && attempt === job.attempt && job.status === 'Scheduled' ? this.afterStart(project, job.id, attempt, query.worker, options) : this.driver.logs(job.id, attempt, query.worker, options);
    const logs = this.orArchived(live, job.id, attempt, query.worker, signal);
    return query.follow && attempt === job.attempt ? this.thenEnded(logs, project, job.id, attempt, signal) : logs;
  }

  /**
   * A follow ends when the job's attempt does, not only when its log does: the worker's
   * output closes a moment before the controller records the exit, and a caller that reads
   * the job right after the follow (docs, the CLI's `logs -f` then `get`) must not see it
   * still Running. Waits for the attempt to leave Scheduled/Running, at most SETTLE_MS.
   */
  private async *thenEnded(logs: AsyncIterable<string>, project: ProjectRef, id: string, attempt: number, signal: AbortSignal): AsyncIterable<string> {
    yield* logs;
    const deadline = Date.now() + SETTLE_MS;
    while (!signal.aborted && Date.now() < deadline) {
      const job = await this.jobs.findInProject(project.id, id);
      if (!job || job.attempt !== attempt || (job.status !== 'Scheduled' && job.status !== 'Running')) return;
      await new Promise((r) => setTimeout(r, WAIT_POLL_MS));
    }
  }

  /**
   * The live log while the cluster has it (it is the freshest: the archive lags by up to
   * BEAMLINE_JOB_LOG_FLUSH_SECONDS); once it is gone, the archive, which ends a follow too:
   * a worker whose log is gone has ended.
   */
  private async *orArchived(live: AsyncIterable<string>, id: string, attempt: number, worker: number, signal: AbortSignal): AsyncIterable<string> {
    try {
      yield* live;
    } catch (error) {
      if (!(error instanceof LogSourceGone)) throw error;
      yield* this.archive.read(id, attempt, worker, signal);
    }
  }

  private async *afterStart(project: ProjectRef, id: string, attempt: number, worker: number, options: { follow: boolean; signal: AbortSignal }): AsyncIterable<string> {
    for (;;) {
      const job = await this.jobs.findInProject(project.id, id);
      if (!job || job.status !== 'Scheduled' || job.attempt !== attempt || options.signal.aborted) break;
      await new Promise((r) => setTimeout(r, WAIT_POLL_MS));
    }
    if (!options.signal.aborted) yield* this.driver!.logs(id, attempt, worker, options);
  }
}

/** How often a follow of a Scheduled job looks whether it started (and, at its end, whether it ended). */
const WAIT_POLL_MS = 250;
/** How long a follow whose log ended waits for the job to be recorded as ended. */
const SETTLE_MS = 15_000;
