import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { CLUSTER_DRIVER, type ClusterDriver } from '../../cluster/cluster-driver.js';
import { APP_CONFIG } from '../../common/config/config.js';
import type { AppConfig } from '../../common/config/config.schema.js';
import { LeaderLock } from '../../common/leader/leader-lock.js';
import type { JobScheduler } from '../scheduler.port.js';
import { JobReconciler } from './job.reconciler.js';
import { SchedulingLoop } from './scheduling.loop.js';
import { SchedulingMetrics } from './scheduling.metrics.js';

/**
 * Runs reconcile-then-schedule, one at a time (never concurrently, so the reconciler
 * never sees a half-bound job), whenever something may have changed: a job was offered,
 * the driver's cache changed, or the interval passed. Triggers arriving during a cycle
 * collapse into one follow-up cycle.
 */
@Injectable()
export class ControllerCycle implements JobScheduler, OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(ControllerCycle.name);
  private running?: Promise<void>;
  private again = false;
  private timer?: NodeJS.Timeout;
  private unsubscribe?: () => void;
  private stopped = false;
  /** A trigger other than a cluster change came since the last scheduling pass (see trigger). */
  private scheduleNeeded = false;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(CLUSTER_DRIVER) private readonly driver: ClusterDriver,
    private readonly reconciler: JobReconciler,
    private readonly loop: SchedulingLoop,
    private readonly leader: LeaderLock,
    private readonly metrics: SchedulingMetrics,
  ) {}

  onApplicationBootstrap(): void {
    // Only the leader schedules; a standby replica waits for the lock.
    this.leader.run((leading) => this.follow(leading));
  }

  /**
   * Gains and losses of the lock take effect in order. A lead() that ran while the previous
   * standDown() still awaited its last cycle had the driver stopped under it afterwards (no
   * watch timer, no listeners), and the jobs it had adopted never left Running (found by the
   * chaos suite, issue 19, after a PostgreSQL restart: lost and regained within seconds).
   */
  private transition: Promise<void> = Promise.resolve();
  private follow(leading: boolean): void {
    this.transition = this.transition
      .then(() => (leading ? this.lead() : this.standDown()))
      .catch((error: unknown) => {
        if (!leading) return this.logger.warn({ err: (error as Error).message }, 'standing down failed');
        const retryMs = Math.min(this.config.BEAMLINE_SCHEDULER_INTERVAL_MS, 5000);
        this.logger.warn({ err: (error as Error).message, retryMs }, 'taking the lead failed; no cycle runs until the driver starts, trying again');
        setTimeout(() => this.driverDown && !this.stopped && this.leader.isLeader && this.follow(true), retryMs).unref();
      });
  }

  /**
   * The driver did not start when this process took the lead. Cycles then wait: the chaos
   * suite (issue 19) saw a leader whose driver failed to start keep the lock and run every
   * offer's cycle against a half-started driver, failing each, while no other replica could lead.
   */
  private driverDown = false;

  private async lead(): Promise<void> {
    this.driverDown = true;
    await this.driver.start();
    this.driverDown = false;
    this.unsubscribe = this.driver.onChange(() => void this.trigger('cluster'));
    this.timer = setInterval(() => void this.trigger(), this.config.BEAMLINE_SCHEDULER_INTERVAL_MS);
    void this.trigger();
  }

  private async standDown(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.unsubscribe?.();
    await this.running;
    await this.driver.stop();
  }

  async offer(): Promise<void> {
    this.trigger();
  }

  /**
   * Resolves when a cycle that started after this call has finished (tests use it).
   * `cluster`: the driver saw a change. Most are the cycle's own creations and starts, which
   * free nothing, so such a cycle schedules only when its reconcile pass freed capacity or
   * requeued a job; anything else (an offer, the interval timer, a test) schedules always.
   */
  async trigger(source: 'cluster' | 'any' = 'any'): Promise<void> {
    if (this.stopped || !this.leader.isLeader || this.driverDown) return;
    if (source === 'any') this.scheduleNeeded = true;
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = this.runCycles().finally(() => (this.running = undefined));
    return this.running;
  }

  private async runCycles(): Promise<void> {
    do {
      this.again = false;
      const needed = this.scheduleNeeded;
      this.scheduleNeeded = false;
      const started = performance.now();
      try {
        const freed = await this.reconciler.runOnce();
        // At Kueue's scale three cycles in four scheduled after a change that freed nothing, each
        // reading and ordering thousands of waiting jobs for nothing (docs/benchmarks.md). A
        // change the reconciler does not see (a node added, a foreign pod gone) waits for the
        // interval timer, which always schedules.
        if (needed || freed > 0 || this.scheduleNeeded) {
          const { bound } = await this.loop.runOnce();
          if (bound > 0) this.again = true; // newly bound jobs: let the reconciler see them at once
        }
        this.metrics.observeCycle((performance.now() - started) / 1000);
      } catch (error) {
        this.scheduleNeeded = true; // whatever this cycle did not get to, the next one does in full
        this.logger.warn({ err: (error as Error).message }, 'controller cycle failed; retrying on the next trigger');
      }
    } while (this.again && !this.stopped && this.leader.isLeader);
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    await this.transition;
    await this.standDown();
  }
}
