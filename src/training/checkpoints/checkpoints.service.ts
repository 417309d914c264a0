import { Inject, Injectable, Optional } from '@nestjs/common';
import type { TrainingCheckpoint, TrainingJob } from '../../generated/prisma/client.js';
import { CLUSTER_DRIVER, type CheckpointSpec, type ClusterDriver } from '../../cluster/cluster-driver.js';
import type { Principal, ProjectRef } from '../../common/auth/principal.js';
import { AppError, ErrorCode } from '../../common/errors/app-error.js';
import { TrainingRepository } from '../training.repository.js';
import { UUID } from '../training.view.js';
import { APP_CONFIG } from '../../common/config/config.js';
import type { AppConfig } from '../../common/config/config.schema.js';
import { checkpointName, resumeName, scanCheckpoints, stepOf } from './checkpoint-names.js';
import type { RecordCheckpoint } from './checkpoints.dto.js';
import { CheckpointsRepository } from './checkpoints.repository.js';

export function toCheckpointView(c: TrainingCheckpoint) {
  return { step: c.step, name: c.name, sizeBytes: Number(c.sizeBytes), attempt: c.attempt, at: c.createdAt.toISOString() };
}

/**
 * Checkpoints of training jobs (issue 15): recorded when a job reports one (SDK) or when the
 * local driver finds one in the job's directory; the newest one that still exists becomes
 * the next attempt's BEAMLINE_RESUME_FROM.
 */
@Injectable()
export class CheckpointsService {
  constructor(
    private readonly checkpoints: CheckpointsRepository,
    private readonly jobs: TrainingRepository,
    @Inject(APP_CONFIG) private readonly config: Pick<AppConfig, 'BEAMLINE_CHECKPOINT_KEEP' | 'BEAMLINE_CHECKPOINT_STORAGE_CLASS' | 'BEAMLINE_CHECKPOINT_SIZE'>,
    @Optional() @Inject(CLUSTER_DRIVER) private readonly driver?: ClusterDriver,
  ) {}

  /** A job's own token may record only for that job; people with write access for any job of the project. */
  async record(project: ProjectRef, principal: Principal, id: string, body: RecordCheckpoint) {
    const job = await this.load(project, id);
    if (principal.jobId !== undefined && principal.jobId !== job.id) {
      throw new AppError(ErrorCode.Forbidden, "A job's token records checkpoints of that job only");
    }
    const name = body.name ?? checkpointName(body.step);
    if (stepOf(name) !== body.step) throw AppError.validation([{ field: 'name', message: `must be '${checkpointName(body.step)}' for step ${body.step}` }]);
    const attempt = body.attempt ?? job.attempt;
    if (attempt > job.attempt) throw AppError.validation([{ field: 'attempt', message: `the job is at attempt ${job.attempt}` }]);
    if (job.status !== 'Scheduled' && job.status !== 'Running') {
      throw new AppError(ErrorCode.Conflict, `The job is ${job.status}: only a Scheduled or Running job records checkpoints`);
    }
    await this.checkpoints.record([{ jobId: job.id, attempt, step: body.step, name, sizeBytes: body.sizeBytes }], this.config.BEAMLINE_CHECKPOINT_KEEP);
    return { step: body.step, name, sizeBytes: body.sizeBytes, attempt };
  }

  async list(project: ProjectRef, id: string) {
    const job = await this.load(project, id);
    return { items: (await this.checkpoints.list(job.id)).map(toCheckpointView) };
  }

  /**
   * The checkpoint part of the current attempt's workload: 1) on the local driver, checkpoints
   * renamed into place without the SDK are recorded now (as found by this attempt);
   * 2) the newest recorded one that still exists (local: on disk; Kubernetes: the record is
   * all there is) is offered as BEAMLINE_RESUME_FROM.
   */
  async forAttempt(job: TrainingJob): Promise<CheckpointSpec> {
    // A first attempt resumes from nothing and has no attempt before it to credit: no reads.
    let resumeFrom: string | undefined;
    if (job.attempt > 0) {
      const exists = await this.discover(job, job.attempt - 1); // records what is on disk first, so the list has it
      resumeFrom = resumeName(await this.checkpoints.list(job.id), exists);
    }
    return {
      ...(resumeFrom ? { resumeFrom } : {}),
      keep: this.config.BEAMLINE_CHECKPOINT_KEEP,
      ...(this.config.BEAMLINE_CHECKPOINT_STORAGE_CLASS ? { storageClass: this.config.BEAMLINE_CHECKPOINT_STORAGE_CLASS } : {}),
      size: this.config.BEAMLINE_CHECKPOINT_SIZE,
    };
  }

  /**
   * Local driver: records the complete checkpoints in the job's directory that nobody
   * reported, as written by `attempt` (a new attempt credits the one before it; a finished
   * one, itself). Returns the names on disk; undefined where the driver has no local directory.
   */
  async discover(job: TrainingJob, attempt = job.attempt): Promise<Set<string> | undefined> {
    const dir = this.driver?.checkpointPath?.(job.id);
    if (!dir) return undefined;
    const found = await scanCheckpoints(dir);
    const known = new Set((await this.checkpoints.list(job.id)).map((c) => c.name));
    const fresh = found.filter((c) => !known.has(c.name)).map((c) => ({ ...c, jobId: job.id, attempt }));
    await this.checkpoints.record(fresh, this.config.BEAMLINE_CHECKPOINT_KEEP);
    return new Set(found.map((c) => c.name));
  }

  private async load(project: ProjectRef, id: string): Promise<TrainingJob> {
    const job = UUID.test(id) ? await this.jobs.findInProject(project.id, id) : null;
    if (!job) throw AppError.notFound(`Training job '${id}'`);
    return job;
  }
}
