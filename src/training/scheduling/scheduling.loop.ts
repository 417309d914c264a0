import { Inject, Injectable, Logger } from '@nestjs/common';
import type { TrainingJob } from '../../generated/prisma/client.js';
import { CLUSTER_DRIVER, type ClusterDriver } from '../../cluster/cluster-driver.js';
import { APP_CONFIG } from '../../common/config/config.js';
import type { AppConfig } from '../../common/config/config.schema.js';
import type { NodeSpec, Preemption, WorkerPlacement } from '../../gpu-scheduler/engine/model.js';
import { schedule } from '../../gpu-scheduler/engine/schedule.js';
import { AppError } from '../../common/errors/app-error.js';
import { TrainingService } from '../training.service.js';
import type { WorkerResources } from '../training.dto.js';
import { SchedulingMetrics } from './scheduling.metrics.js';
import { SchedulingRepository, type QueuedJob } from './scheduling.repository.js';
import { engineQueues, queueResolver } from './queue-specs.js';
import { buildSnapshot, toEngineJob, type SchedulableJob } from './snapshot.js';
import { JobTokens } from './job-tokens.js';
import { describePlacement } from './workload-spec.js';
import { adaptivePacer, BindConcurrency, createWorkloadThrottled, isThrottle, runAdaptive } from './bind-concurrency.js';
import type { WorkloadOutcome, WorkloadSpec } from '../../cluster/cluster-driver.js';

/**
 * One scheduling cycle, in the kueue shape: snapshot → decide() → bind → record.
 * The decision is recorded (Queued → Scheduled with its placement, one transaction with
 * the event) before the driver creates anything: if the process dies in between, the
 * JobReconciler finds a Scheduled job without a workload and creates it, so a job is
 * never lost and never bound twice (driver creates are idempotent).
 */
@Injectable()
export class SchedulingLoop {
  private readonly logger = new Logger(SchedulingLoop.name);
  private cycle = 0;
  /** Workloads created and bound at once: starts at 16, halves on the API server's 429s, grows back as calls succeed. */
  private readonly concurrency = new BindConcurrency();

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(CLUSTER_DRIVER) private readonly driver: ClusterDriver,
    private readonly repo: SchedulingRepository,
    private readonly training: TrainingService,
    private readonly metrics: SchedulingMetrics,
    private readonly tokens: JobTokens,
  ) {}

  async runOnce(now = new Date()): Promise<{ bound: number; pending: number }> {
    // 1. An immutable snapshot: nodes and foreign pods from the driver's cache, our allocations from the record.
    //    Queues are read each cycle too: a quota changed through the API counts from this cycle on.
    const inventory = this.driver.inventory();
    const [active, queueConfig] = await Promise.all([this.repo.active(), this.repo.queueConfig()]);
    const resolve = queueResolver(queueConfig);
    const charged = (job: SchedulingFieldsOf): SchedulableJob => ({ ...schedulable(job), queue: resolve(job.projectId, job.queue) });
    const snapshot = buildSnapshot(inventory.nodes, inventory.foreign, active.map(charged));
    this.metrics.setGpus(snapshot);
    // 2. The queue: Queued jobs past their retry backoff. A preempted job waits until the job
    //    that preempted it has left the queue: otherwise, at equal priority (reclaim), it could
    //    be ordered first and take back the devices it was stopped for, and be preempted again, forever.
    const waiting = await this.repo.queued(now);
    const stillQueued = new Set(waiting.map((j) => j.id));
    const preemptedByQueued = new Set(waiting.filter((j) => j.preemptedBy !== null && stillQueued.has(j.preemptedBy)).map((j) => j.id));
    // A preemptor itself waiting for its own preemptor holds nobody back: no cycle can deadlock.
    const heldBack = new Map(waiting.filter((j) => preemptedByQueued.has(j.id) && !preemptedByQueued.has(j.preemptedBy!)).map((j) => [j.id, j]));
    const queued = waiting.filter((j) => !heldBack.has(j.id));
    if (queued.length === 0) {
      this.metrics.setPending(new Map());
      return { bound: 0, pending: 0 };
    }
    // 3. decide(): pure.
    const result = schedule({
      snapshot,
      pending: queued.map((j) => toEngineJob(charged(j))),
      queues: engineQueues(queueConfig, inventory.nodes),
      policy: this.config.BEAMLINE_SCHEDULER_POLICY,
      now: now.getTime(),
      seed: this.cycle++,
      preempting: new Set(active.filter((j) => j.preemptingSince !== null).map((j) => j.id)),
    });
    // 4. Preempt: record each new victim, then ask the driver to stop it gracefully. A job whose
    //    decision needs victims is not bound now: the victims hold their devices until they have
    //    stopped (the reconciler requeues them then), and a later cycle admits it on a fresh snapshot.
    const waitingOn = new Map<string, string[]>();
    for (const p of result.preemptions) waitingOn.set(p.forJobId, [...(waitingOn.get(p.forJobId) ?? []), p.jobId]);
    await this.preempt(result.preemptions, new Map(active.map((j) => [j.id, j])), byIdOf(queued), now);
    // 5. Bind each decision that needs no victim: record every one first, then create the cycle's
    //    workloads (on Kubernetes as one batch: every pod of the cycle, then every binding). Each
    //    decision is its own record and its own workload, so they are recorded side by side (bounded,
    //    so a burst of thousands of jobs does not open thousands of calls at once; the bound adapts
    //    to the API server's 429s, see bind-concurrency.ts).
    const byId = new Map(queued.map((j) => [j.id, j]));
    const names = await this.repo.projectNames([...new Set(queued.map((j) => j.projectId))]);
    const decisions = result.decisions.filter((d) => !waitingOn.has(d.jobId));
    const nodeByName = new Map(snapshot.nodes.map((n) => [n.name, n]));
    const rows = await this.record(decisions.map((d) => ({ job: byId.get(d.jobId)!, workers: withProducts(d.workers, nodeByName) })), now);
    const recorded = await this.specsOf([...rows.values()], names);
    const bound = await this.createWorkloads(recorded);
    // 6. Every job left waiting shows why.
    const reasons = new Map(result.pending.map((p) => [p.jobId, p.reason]));
    const grace = this.config.BEAMLINE_PREEMPTION_GRACE_SECONDS;
    for (const [jobId, j] of heldBack) reasons.set(jobId, `preempted by job ${j.preemptedBy}, which has not started yet: waiting for it to start first`);
    for (const [jobId, victims] of waitingOn) reasons.set(jobId, `waiting for preempted job ${victims.join(', ')} to stop (SIGTERM, up to ${grace} s grace)`);
    const unschedulable = new Set(result.pending.filter((p) => p.unschedulable && reasons.get(p.jobId) === p.reason).map((p) => p.jobId));
    await this.repo.setPendingReasons(reasons, new Map(waiting.map((j) => [j.id, j])), unschedulable, now);
    this.metrics.setPending(reasons);
    // 7. A job no node can ever run fails once it has been so for the timeout (a node autoscaler had its chance).
    await this.rejectUnschedulable(waiting.filter((j) => unschedulable.has(j.id)), reasons, now);
    return { bound, pending: reasons.size };
  }

  private async rejectUnschedulable(jobs: QueuedJob[], reasons: Map<string, string>, now: Date): Promise<void> {
    const timeout = this.config.BEAMLINE_UNSCHEDULABLE_TIMEOUT_SECONDS;
    if (timeout === 0) return;
    for (const job of jobs) {
      if (!job.unschedulableSince || now.getTime() - job.unschedulableSince.getTime() < timeout * 1000) continue;
      const message = `no node of this cluster can ever run it: ${reasons.get(job.id)}; unschedulable since ${job.unschedulableSince.toISOString()} (BEAMLINE_UNSCHEDULABLE_TIMEOUT_SECONDS=${timeout})`;
      await this.training.applyAction(job.id, 'reject', message).catch((error: Error) => this.logger.warn({ jobId: job.id, err: error.message }, 'rejecting an unschedulable job failed; next cycle'));
    }
  }

  /**
   * Marks each victim as preempted (the record first, so a restart finds it) and sends
   * SIGTERM through the driver. Victims already leaving, and foreign pods (never chosen:
   * their priority is the highest), are skipped. A failed stop is repeated by the reconciler.
   */
  private async preempt(preemptions: Preemption[], active: Map<string, TrainingJob>, queued: Map<string, QueuedJob>, now: Date): Promise<void> {
    const grace = this.config.BEAMLINE_PREEMPTION_GRACE_SECONDS;
    const deadline = new Date(now.getTime() + grace * 1000);
    for (const p of preemptions) {
      const victim = active.get(p.jobId);
      if (!victim || victim.preemptingSince !== null) continue;
      const by = queued.get(p.forJobId);
      const message = `preempted by job ${p.forJobId}${by ? ` (priority ${by.priority})` : ''}: ${p.reason}; SIGTERM now, SIGKILL after ${grace} s`;
      if (!(await this.repo.markPreempting(victim.id, victim.attempt, p.forJobId, now, message))) continue;
      this.metrics.observePreempted();
      this.logger.log({ jobId: victim.id, attempt: victim.attempt, by: p.forJobId, reason: p.reason }, 'preempting');
      await this.driver.stopWorkload(victim.id, victim.attempt, deadline).catch((error: Error) =>
        this.logger.warn({ jobId: victim.id, err: error.message }, 'stopping the preempted workload failed; the reconciler retries'),
      );
    }
  }

  /**
   * Records the cycle's decisions (Queued → Scheduled with its placement), all in one
   * transaction (TrainingService.applyActions), and answers the recorded jobs; a job
   * cancelled meanwhile is left out: nothing to bind.
   */
  private async record(decisions: Array<{ job: QueuedJob; workers: WorkerPlacement[] }>, now: Date): Promise<Map<string, TrainingJob>> {
    const policy = this.config.BEAMLINE_SCHEDULER_POLICY;
    const rows = await this.training.applyActions(
      'bind',
      decisions.map(({ job, workers }) => ({ job, message: describePlacement(workers), extra: () => ({ placement: workers, policy, scheduledAt: now, pendingReason: null }) })),
    );
    const recorded = new Map<string, TrainingJob>();
    for (const { job } of decisions) {
      const row = rows.get(job.id);
      if (row instanceof AppError) continue; // cancelled meanwhile
      if (row instanceof Error) throw row;
      if (!row) continue;
      this.metrics.observeBound(job.createdAt, now);
      recorded.set(job.id, row);
    }
    return recorded;
  }

  /** The workloads to create for the recorded jobs; none (and the jobs back in their queues) when they cannot be made. */
  private async specsOf(recorded: TrainingJob[], names: Map<string, string>): Promise<WorkloadSpec[]> {
    try {
      return await this.tokens.workloadSpecs(recorded.map((job) => ({ job, projectName: names.get(job.projectId) ?? job.projectId })));
    } catch (error) {
      for (const job of recorded) await this.settle(job.id, { outcome: 'failed', error: error as Error });
      return [];
    }
  }

  /**
   * Creates the recorded workloads: on the Kubernetes driver as one batch (every object of the
   * cycle first, then every binding; k8s-batch.ts), elsewhere one workload at a time. Answers
   * how many are bound or left to the reconciler.
   */
  private async createWorkloads(specs: WorkloadSpec[]): Promise<number> {
    if (specs.length === 0) return 0;
    let outcomes: WorkloadOutcome[];
    if (this.driver.createWorkloads) {
      outcomes = await this.driver.createWorkloads(specs, { pacer: adaptivePacer(this.concurrency) });
    } else {
      outcomes = [];
      await runAdaptive(specs, this.concurrency, async (spec) => {
        try {
          await createWorkloadThrottled(() => this.driver.createWorkload(spec), this.concurrency);
          outcomes.push({ spec, outcome: 'bound' });
        } catch (error) {
          outcomes.push({ spec, outcome: isThrottle(error) ? 'throttled' : 'failed', error: error as Error });
        }
      });
    }
    let bound = 0;
    for (const o of outcomes) if (await this.settle(o.spec.jobId, o)) bound++;
    return bound;
  }

  /** True when the job keeps its placement (bound, or left to the reconciler); a refused workload sends the job back to Queued. */
  private async settle(jobId: string, o: { outcome: 'bound' } | { outcome: 'throttled' | 'failed'; error: Error }): Promise<boolean> {
    if (o.outcome === 'bound') return true;
    if (o.outcome === 'throttled') {
      // Still throttled after the retries: the job stays Scheduled with this placement, and the
      // JobReconciler creates what is missing (idempotently) once the API server lets it.
      this.logger.warn({ jobId, err: o.error.message }, 'API server still throttling; the reconciler creates the workload');
      return true;
    }
    const message = `the cluster refused the workload: ${o.error.message}`;
    this.logger.warn({ jobId, err: o.error.message }, 'bind failed; job back to Queued');
    await this.training.applyAction(jobId, 'unbind', message, () => ({ placement: null, scheduledAt: null })).catch(() => undefined);
    return false;
  }
}

const byIdOf = <J extends { id: string }>(jobs: J[]): Map<string, J> => new Map(jobs.map((j) => [j.id, j]));

/** What schedulable() reads: a Queued job's window row or a whole active one. */
type SchedulingFieldsOf = Pick<TrainingJob, 'id' | 'projectId' | 'queue' | 'priority' | 'workers' | 'resources' | 'createdAt' | 'scheduledAt' | 'placement' | 'excludedNodes'>;

/** Each GPU worker's product, from the device it was placed on, so its usage is charged to that flavor (issue 14). */
function withProducts(workers: WorkerPlacement[], nodes: ReadonlyMap<string, NodeSpec>): Array<WorkerPlacement & { product?: string }> {
  return workers.map((w) => {
    const device = w.gpuIndexes.length > 0 ? nodes.get(w.node)?.gpus.find((g) => g.index === w.gpuIndexes[0]) : undefined;
    return device ? { ...w, product: device.product } : w;
  });
}

function schedulable(job: SchedulingFieldsOf): SchedulableJob {
  return {
    id: job.id,
    projectId: job.projectId,
    queue: job.queue,
    priority: job.priority,
    workers: job.workers,
    resources: job.resources as unknown as WorkerResources,
    createdAt: job.createdAt,
    scheduledAt: job.scheduledAt,
    placement: job.placement as unknown as WorkerPlacement[] | null,
    excludedNodes: job.excludedNodes,
  };
}
