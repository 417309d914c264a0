import { describe, expect, it } from 'vitest';
import type { AppConfig } from '../../common/config/config.schema.js';
import type { ClusterDriver } from '../../cluster/cluster-driver.js';
import type { LeaderLock } from '../../common/leader/leader-lock.js';
import { ControllerCycle } from './controller-cycle.js';
import type { JobReconciler } from './job.reconciler.js';
import type { SchedulingLoop } from './scheduling.loop.js';
import type { SchedulingMetrics } from './scheduling.metrics.js';

/** Strict fakes: the reconciler answers the capacity each pass freed, the loop counts its passes. */
function setup(freedByPass: number[], boundByPass: number[] = [], startFailures = 0, intervalMs = 3_600_000) {
  const passes = { reconcile: 0, schedule: 0, starts: 0 };
  const listeners: Array<() => void> = [];
  const start = async () => {
    if (passes.starts++ < startFailures) throw new Error('Unexpected end of JSON input');
  };
  const driver = { start, stop: async () => undefined, onChange: (l: () => void) => (listeners.push(l), () => undefined) } as unknown as ClusterDriver;
  const reconciler = { runOnce: async () => (passes.reconcile++, freedByPass.shift() ?? 0) } as unknown as JobReconciler;
  const loop = { runOnce: async () => (passes.schedule++, { bound: boundByPass.shift() ?? 0, pending: 0 }) } as unknown as SchedulingLoop;
  const leader = { isLeader: true, run: (follow: (leading: boolean) => void) => follow(true) } as unknown as LeaderLock;
  const metrics = { observeCycle: () => undefined } as unknown as SchedulingMetrics;
  const cycle = new ControllerCycle({ BEAMLINE_SCHEDULER_INTERVAL_MS: intervalMs } as AppConfig, driver, reconciler, loop, leader, metrics);
  return { cycle, passes, listeners };
}

describe('ControllerCycle', () => {
  it('after a cluster change, schedules only when the reconcile pass freed something', async () => {
    const { cycle, passes } = setup([0, 0, 2]);
    await cycle.trigger(); // the first cycle, as lead() starts it
    expect(passes).toEqual({ reconcile: 1, schedule: 1, starts: 0 });

    await cycle.trigger('cluster'); // a start the driver reported: nothing freed
    expect(passes).toEqual({ reconcile: 2, schedule: 1, starts: 0 });

    await cycle.trigger('cluster'); // a finish: two attempts ended
    expect(passes).toEqual({ reconcile: 3, schedule: 2, starts: 0 });
  });

  it('an offer, the timer or a test always schedules', async () => {
    const { cycle, passes } = setup([0, 0, 0]);
    await cycle.trigger();
    await cycle.offer();
    await new Promise((r) => setImmediate(r));
    await cycle.trigger();
    expect(passes).toEqual({ reconcile: 3, schedule: 3, starts: 0 });
  });

  it('the follow-up after a bind reconciles, and schedules again only if that freed something', async () => {
    const { cycle, passes } = setup([0, 0], [3]);
    await cycle.trigger(); // binds 3, then a follow-up cycle for the reconciler to see them
    expect(passes).toEqual({ reconcile: 2, schedule: 1, starts: 0 });
  });

  it('a cluster change during a cycle that was asked for by an offer still gets its scheduling pass', async () => {
    const { cycle, passes } = setup([0, 0]);
    const first = cycle.trigger();
    void cycle.trigger('cluster'); // arrives while the first cycle runs: folded into one more cycle
    await first;
    expect(passes.schedule).toBe(1);
    expect(passes.reconcile).toBe(2);
  });

  it('runs no cycle while the driver failed to start, and takes the lead again until it starts', async () => {
    const { cycle, passes } = setup([0, 0, 0], [], 2, 30);
    cycle.onApplicationBootstrap(); // the driver's start throws twice
    await new Promise((r) => setTimeout(r, 5));
    await cycle.trigger(); // an offer while the driver is down: no cycle against it
    expect(passes).toMatchObject({ reconcile: 0, schedule: 0, starts: 1 });
    await new Promise((r) => setTimeout(r, 150)); // two retries 30 ms apart; the second start works
    expect(passes.starts).toBe(3);
    expect(passes.reconcile).toBeGreaterThan(0);
    await cycle.onApplicationShutdown();
  });

  it('the driver change listener asks as a cluster change', async () => {
    const { cycle, passes, listeners } = setup([0, 0]);
    cycle.onApplicationBootstrap(); // leader at once: start the driver, subscribe, first cycle
    await new Promise((r) => setTimeout(r, 20));
    expect(passes).toEqual({ reconcile: 1, schedule: 1, starts: 1 });
    listeners[0]();
    await new Promise((r) => setTimeout(r, 20));
    expect(passes).toEqual({ reconcile: 2, schedule: 1, starts: 1 });
    await cycle.onApplicationShutdown();
  });
});
