import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Inject, Injectable, Logger } from '@nestjs/common';
import type { TrainingJob } from '../../generated/prisma/client.js';
import { CLUSTER_DRIVER, type ClusterDriver, type WorkloadStatus } from '../../cluster/cluster-driver.js';
import { JobTokens } from './job-tokens.js';
import { APP_CONFIG } from '../../common/config/config.js';
import type { AppConfig } from '../../common/config/config.schema.js';
import { ModelRegistration } from '../../models/models.registration.js';
import { TrainingService } from '../training.service.js';
import type { WorkerPlacement } from '../../gpu-scheduler/engine/model.js';
import { isTerminal, type TrainingStatus } from '../training-state.js';
import { claimsToDelete, type VolumeSpec } from '../training-volumes.js';
import { SchedulingRepository } from './scheduling.repository.js';
import { retryDelayMs } from './workload-spec.js';
import { decideWorkload, restartsOf } from './workload-verdict.js';
import { LogArchiver } from '../logs/log-archiver.js';
import { CheckpointsService } from '../checkpoints/checkpoints.service.js';

/**
 * Level-based: compares what the record says (Scheduled/Running jobs and their attempt)
 * with what the driver observes, and moves each side towards the other. Running it any
 * number of times, or after a crash at any point, converges to the same state.
 */
@Injectable()
export class JobReconciler {
  private readonly logger = new Logger(JobReconciler.name);

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(CLUSTER_DRIVER) private readonly driver: ClusterDriver,
    private readonly repo: SchedulingRepository,
    private readonly training: TrainingService,
    private readonly registration: ModelRegistration,
    private readonly tokens: JobTokens,
    private readonly logArchive: LogArchiver,
    private readonly checkpoints: CheckpointsService,
  ) {}

  /** Changes of this pass that may let a scheduling pass admit something (ControllerCycle). */
  private freed = 0;

  /** Answers how many attempts this pass ended or deleted (a finish, a failure, a requeue, an orphan): capacity it freed. */
  async runOnce(now = new Date()): Promise<number> {
    this.freed = 0;
    const active = await this.repo.active();
    const observed = new Map(this.driver.workloads().map((w) => [`${w.jobId}/${w.attempt}`, w]));
    const names = await this.repo.projectNames([...new Set(active.map((j) => j.projectId))]);
    const nodes = new Set(this.driver.inventory().nodes.map((n) => n.name));
    const wanted = new Set<string>();
    const progress: Progress = { starts: [], succeeds: [] };
    for (const job of active) {
      const key = `${job.id}/${job.attempt}`;
      wanted.add(key);
      await this.reconcileJob(job, observed.get(key), names.get(job.projectId) ?? job.projectId, nodes, now, progress).catch((error: Error) =>
        this.logger.warn({ jobId: job.id, err: error.message }, 'reconcile failed; will retry'),
      );
    }
    await this.applyProgress(progress);
    await this.deleteOrphans([...observed.values()].filter((w) => !wanted.has(`${w.jobId}/${w.attempt}`)));
    await this.releaseClaims([...observed.values()]).catch((error: Error) => this.logger.warn({ err: error.message }, 'deleting job claims failed; will retry'));
    await this.tokens.revokeFinished().catch((error: Error) => this.logger.warn({ err: error.message }, 'revoking job tokens failed; will retry'));
    return this.freed;
  }

  private async reconcileJob(job: TrainingJob, workload: WorkloadStatus | undefined, projectName: string, nodes: ReadonlySet<string>, now: Date, progress: Progress): Promise<void> {
    if (job.preemptingSince !== null) return this.reconcilePreempted(job, workload, nodes, job.preemptingSince);
    const verdict = decideWorkload({
      status: job.status as 'Scheduled' | 'Running',
      workers: job.workers,
      placement: (job.placement ?? []) as unknown as WorkerPlacement[],
      scheduledAt: job.scheduledAt,
      startedAt: job.startedAt,
      timeoutSeconds: job.timeoutSeconds,
      startTimeoutSeconds: job.startTimeoutSeconds,
      workload,
      nodes,
      now,
    });
    // Restarts of the attempt that ends now, added once: the status change is compare-and-set.
    const restarts = restartsOf(workload);
    const ended = (j: TrainingJob) => ({ containerRestarts: j.containerRestarts + restarts });
    switch (verdict.do) {
      case 'create':
        // Recorded but not (all) in the cluster, e.g. after a crash between record and bind: idempotent.
        await this.driver.createWorkload(await this.tokens.workloadSpec(job, projectName));
        return;
      case 'requeue':
        await this.deleteAttempt(job.id, job.attempt, job.workers);
        await this.training.applyAction(
          job.id,
          'requeue',
          verdict.message,
          (j) => ({
            ...this.requeued(),
            ...ended(j),
            requeues: j.requeues + 1,
            excludedNodes: [...new Set([...j.excludedNodes, ...verdict.lostNodes])].sort(),
          }),
          verdict.cause,
        );
        return;
      case 'fail':
        this.freed++;
        if (workload) await this.deleteAttempt(job.id, job.attempt, job.workers);
        await this.training.applyAction(
          job.id,
          'fail',
          verdict.message,
          (j, to) => ({ ...ended(j), ...(to === 'Queued' ? { ...this.requeued(), notBefore: new Date(now.getTime() + retryDelayMs(j.attempt + 1, this.config.BEAMLINE_RETRY_BACKOFF_MS)) } : {}) }),
          verdict.cause,
        );
        return;
      case 'progress':
        // Applied together after the pass (applyProgress): one transaction for all of them.
        if (verdict.start) progress.starts.push({ job, message: `running on ${workload!.workers.map((w) => w.node).join(', ')}` });
        if (verdict.succeed) {
          const note = restarts > 0 ? `; ${restarts} container restart(s)` : '';
          progress.succeeds.push({ job, startsToo: verdict.start, message: `all ${job.workers} worker(s) exited 0${note}${await this.registerOutput(job)}`, extra: ended });
        }
        return;
      case 'wait':
        return;
    }
  }

  /**
   * The pass's starts, then its finishes (a job seen both started and finished goes through
   * both, in order), each kind in one transaction: one status change at a time bounded the
   * whole controller at Kueue's scale (docs/benchmarks.md, "Queues at Kueue's scale").
   */
  private async applyProgress({ starts, succeeds }: Progress): Promise<void> {
    const started = await this.training.applyActions('start', starts);
    const finishing = succeeds.flatMap((s) => {
      if (!s.startsToo) return [s];
      const row = started.get(s.job.id);
      return row && !(row instanceof Error) ? [{ ...s, job: row }] : [];
    });
    const finished = await this.training.applyActions('succeed', finishing);
    this.freed += finished.size;
    for (const [jobId, row] of [...started, ...finished]) {
      if (row instanceof Error) this.logger.warn({ jobId, err: row.message }, 'reconcile failed; will retry');
    }
    for (const [jobId, row] of finished) {
      if (row instanceof Error) continue;
      // Nothing resumes a Succeeded job, so its checkpoint claim (Kubernetes) goes; a failure here leaves it for a person.
      await this.driver.deleteCheckpoints?.(jobId).catch((error: Error) => this.logger.warn({ jobId, err: error.message }, 'deleting the checkpoint claim failed'));
    }
  }

  /**
   * A preempted attempt: its outcome does not matter (it was asked to stop), only whether
   * its workers have stopped. Until then it keeps its placement, so the scheduler counts its
   * devices as busy and never places the preemptor onto GPUs still in use; the stop is asked
   * again while any worker is not yet terminating (after a restart, or a failed first call).
   * Once every worker has stopped (or its node is gone) the job goes back to its queue as a
   * new attempt, with no retry used. Never created again: `create` is not reached from here.
   */
  private async reconcilePreempted(job: TrainingJob, workload: WorkloadStatus | undefined, nodes: ReadonlySet<string>, since: Date): Promise<void> {
    const alive = (workload?.workers ?? []).filter((w) => (w.phase === 'Running' || w.phase === 'Pending') && nodes.has(w.node));
    if (alive.length > 0) {
      if (alive.some((w) => !w.terminating)) {
        await this.driver.stopWorkload(job.id, job.attempt, new Date(since.getTime() + this.config.BEAMLINE_PREEMPTION_GRACE_SECONDS * 1000));
      }
      return;
    }
    const restarts = restartsOf(workload);
    const exits = (workload?.workers ?? []).map((w) => `worker ${w.index}: ${w.message ?? `exit ${w.exitCode ?? 'unknown'}`}`);
    await this.deleteAttempt(job.id, job.attempt, job.workers);
    await this.training.applyAction(
      job.id,
      'requeue',
      `preempted by job ${job.preemptedBy}; attempt ${job.attempt} stopped${exits.length > 0 ? ` (${exits.join('; ')})` : ''} and the job is back in its queue`,
      (j) => ({ ...this.requeued(), containerRestarts: j.containerRestarts + restarts, requeues: j.requeues + 1, preemptingSince: null }),
      'Preempted',
    );
  }

  /** A new attempt starts from the queue: no placement, and the scheduler places it afresh. */
  private requeued() {
    return { placement: null, scheduledAt: null };
  }

  /**
   * A job with `outputModel` whose workers left `model.onnx` in their output directory
   * (local driver) gets it registered as a new version with lineage to the job. Idempotent
   * per job, so a repeat after a crash registers nothing twice. A bad file does not fail
   * the finished job; the Succeeded event says why nothing was registered.
   */
  private async registerOutput(job: TrainingJob): Promise<string> {
    const dir = job.outputModel ? this.driver.outputPath?.(job.id, job.attempt) : undefined;
    if (!job.outputModel || !dir) return '';
    const path = join(dir, 'model.onnx');
    if (!existsSync(path)) return `; no ${path} to register as '${job.outputModel}'`;
    try {
      // Checkpoints this attempt renamed into place without the SDK count for the lineage too.
      await this.checkpoints.discover(job);
      const result = await this.registration.registerJobOutput({
        projectId: job.projectId,
        modelName: job.outputModel,
        path,
        trainingJobId: job.id,
        createdByToken: job.createdByToken,
      });
      return `; registered ${result.model} version ${result.version}`;
    } catch (error) {
      return `; '${job.outputModel}' not registered: ${(error as Error).message}`;
    }
  }

  /** The attempt's logs are archived to the end first: Kubernetes deletes a pod's log with the pod (issue 15). */
  private async deleteAttempt(jobId: string, attempt: number, workers: number): Promise<void> {
    this.freed++;
    await this.logArchive.finish(jobId, attempt, workers);
    await this.driver.deleteWorkload(jobId, attempt);
  }

  /**
   * A job's own claims (`newClaim` volumes) go once the job is terminal, unless retained.
   * Level-based on what the driver lists, so a restart neither leaks a claim nor deletes one
   * twice, and a job resumed in between gets its claims made anew by its next attempt. A
   * Succeeded job's kept workers go first, their logs archived to the end: Kubernetes holds
   * a claim that a pod names, even a finished one, until the pod is gone.
   */
  private async releaseClaims(observed: WorkloadStatus[]): Promise<void> {
    const present = this.driver.listJobClaims?.() ?? [];
    if (present.length === 0) return;
    const owners = await this.repo.claimOwners([...new Set(present.map((c) => c.jobId))]);
    for (const { jobId, claim } of present) {
      const owner = owners.get(jobId);
      // No record: not a job of this installation; left alone.
      if (!owner || !isTerminal(owner.status as TrainingStatus)) continue;
      if (!claimsToDelete(jobId, owner.volumes as VolumeSpec[]).includes(claim)) continue; // retained
      for (const w of observed.filter((o) => o.jobId === jobId)) await this.deleteAttempt(jobId, w.attempt, w.workers.length);
      await this.driver.deleteJobClaims!(jobId, [claim]);
      this.logger.log({ jobId, claim, status: owner.status }, 'deleted the job claim');
    }
  }

  /**
   * Workloads of succeeded attempts that are kept (their workers and logs stay around), by
   * `jobId/attempt`, with when their record was last read: Succeeded is final, so they are
   * not read again each pass (at Kueue's scale, thousands of kept workloads made every pass
   * read thousands of rows). Read again after KEPT_RECHECK_MS, in case the record went.
   */
  private readonly kept = new Map<string, number>();

  /** Workloads of cancelled, finished or superseded attempts go away. */
  private async deleteOrphans(orphans: WorkloadStatus[]): Promise<void> {
    const nowMs = Date.now();
    const present = new Set(orphans.map((o) => `${o.jobId}/${o.attempt}`));
    for (const key of this.kept.keys()) if (!present.has(key)) this.kept.delete(key);
    const unknown = orphans.filter((o) => nowMs - (this.kept.get(`${o.jobId}/${o.attempt}`) ?? -Infinity) > KEPT_RECHECK_MS);
    if (unknown.length === 0) return;
    const records = await this.repo.statusOf([...new Set(unknown.map((o) => o.jobId))]);
    for (const orphan of unknown) {
      const record = records.get(orphan.jobId);
      const finishedNormally = record?.status === 'Succeeded' && record.attempt === orphan.attempt;
      if (finishedNormally) {
        this.kept.set(`${orphan.jobId}/${orphan.attempt}`, nowMs);
        continue; // keep completed workers (and their logs) around
      }
      if (record && (record.status === 'Scheduled' || record.status === 'Running') && record.attempt === orphan.attempt) continue;
      await this.deleteAttempt(orphan.jobId, orphan.attempt, orphan.workers.length);
      this.logger.log({ jobId: orphan.jobId, attempt: orphan.attempt, status: record?.status }, 'deleted orphan workload');
    }
  }
}

const KEPT_RECHECK_MS = 10 * 60_000;

/** Status changes a reconcile pass found, applied together at its end. */
interface Progress {
  starts: Array<{ job: TrainingJob; message: string }>;
  succeeds: Array<{ job: TrainingJob; startsToo: boolean; message: string; extra: (job: TrainingJob) => { containerRestarts: number } }>;
}
