import { describe, expect, it } from 'vitest';
import type { ServingDriver } from '../../cluster/serving-driver.js';
import type { AppConfig } from '../../common/config/config.schema.js';
import type { EndpointLeaderLock } from '../../common/leader/leader-lock.js';
import { EndpointControllerLoop } from './endpoint.controller-loop.js';
import type { EndpointReconciler } from './endpoint.reconciler.js';

/** Strict fakes: a driver whose start() throws `failures` times, a reconciler that counts its passes. */
function setup(failures: number) {
  const counts = { starts: 0, passes: 0 };
  const driver = {
    start: async () => {
      if (counts.starts++ < failures) throw new Error('the serving driver could not start');
    },
    stop: async () => undefined,
    onChange: () => () => undefined,
    onEvent: () => () => undefined,
  } as unknown as ServingDriver;
  const reconciler = { runOnce: async () => void counts.passes++ } as unknown as EndpointReconciler;
  const leader = { isLeader: true, run: (follow: (leading: boolean) => void) => follow(true) } as unknown as EndpointLeaderLock;
  const loop = new EndpointControllerLoop({ BEAMLINE_SCHEDULER_INTERVAL_MS: 30 } as AppConfig, driver, reconciler, leader);
  return { loop, counts };
}

describe('EndpointControllerLoop', () => {
  it('runs no pass while the driver failed to start, and takes the lead again until it starts', async () => {
    const { loop, counts } = setup(2);
    loop.onApplicationBootstrap();
    await new Promise((r) => setTimeout(r, 5));
    await loop.trigger(); // an API change while the driver is down: no pass against it
    expect(counts).toEqual({ starts: 1, passes: 0 });
    await new Promise((r) => setTimeout(r, 150)); // two retries 30 ms apart; the third start works
    expect(counts.starts).toBe(3);
    expect(counts.passes).toBeGreaterThan(0);
    await loop.onApplicationShutdown();
  });
});
