import { Inject, Injectable, Logger, Optional, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { APP_CONFIG } from '../../common/config/config.js';
import type { AppConfig } from '../../common/config/config.schema.js';
import { EndpointLeaderLock } from '../../common/leader/leader-lock.js';
import { SERVING_DRIVER, type ServingDriver } from '../../cluster/serving-driver.js';
import type { EndpointTrigger } from './endpoint-trigger.js';
import { EndpointReconciler } from './endpoint.reconciler.js';
import { EndpointDemandReader } from './endpoint-demand.js';

/**
 * Runs the endpoint reconciler, one pass at a time, in the replica that holds the
 * endpoint leader lock: on every driver change, on every API change in this process,
 * and every BEAMLINE_SCHEDULER_INTERVAL_MS (which also picks up changes made through
 * another API replica and alias moves), and when an API instance holds a request for an
 * autoscaled endpoint with no ready replica (endpoint-demand.ts: 0 → 1 without waiting for the
 * interval). Triggers during a pass collapse into one more pass.
 */
@Injectable()
export class EndpointControllerLoop implements EndpointTrigger, OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(EndpointControllerLoop.name);
  private running?: Promise<void>;
  private again = false;
  private timer?: NodeJS.Timeout;
  private unsubscribe: (() => void)[] = [];
  private stopped = false;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(SERVING_DRIVER) private readonly driver: ServingDriver,
    private readonly reconciler: EndpointReconciler,
    private readonly leader: EndpointLeaderLock,
    @Optional() private readonly demand?: EndpointDemandReader,
  ) {}

  onApplicationBootstrap(): void {
    this.leader.run((leading) => this.follow(leading));
  }

  /**
   * Gains and losses of the lock take effect in order. A lead() that ran while the previous
   * standDown() still awaited its last pass had the driver stopped under it afterwards (no
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
        this.logger.warn({ err: (error as Error).message, retryMs }, 'taking the lead failed; no pass runs until the driver starts, trying again');
        setTimeout(() => this.driverDown && !this.stopped && this.leader.isLeader && this.follow(true), retryMs).unref();
      });
  }

  /** The driver did not start when this process took the lead: passes wait, the start is tried again (as in ControllerCycle). */
  private driverDown = false;

  private async lead(): Promise<void> {
    this.driverDown = true;
    await this.driver.start();
    this.driverDown = false;
    this.unsubscribe.push(this.driver.onChange(() => void this.trigger()));
    this.unsubscribe.push(this.driver.onEvent((ref, event) => void this.reconciler.driverEvent(ref, event)));
    if (this.demand) this.unsubscribe.push(this.demand.onWake(() => void this.trigger()));
    this.timer = setInterval(() => void this.trigger(), this.config.BEAMLINE_SCHEDULER_INTERVAL_MS);
    void this.trigger();
  }

  private async standDown(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    for (const off of this.unsubscribe.splice(0)) off();
    await this.running;
    await this.driver.stop();
  }

  /** Resolves when a pass that started after this call has finished (tests use it). */
  async trigger(): Promise<void> {
    if (this.stopped || !this.leader.isLeader || this.driverDown) return;
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = this.passes().finally(() => (this.running = undefined));
    return this.running;
  }

  private async passes(): Promise<void> {
    do {
      this.again = false;
      try {
        await this.reconciler.runOnce();
      } catch (error) {
        this.logger.warn({ err: (error as Error).message }, 'endpoint pass failed; retrying on the next trigger');
      }
    } while (this.again && !this.stopped && this.leader.isLeader);
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    await this.transition;
    await this.standDown();
  }
}
