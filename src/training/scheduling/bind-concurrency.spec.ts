import { describe, expect, it } from 'vitest';
import { createRng } from '../../gpu-scheduler/engine/rng.js';
import { BindConcurrency, callThrottled, createWorkloadThrottled, isThrottle, retryAfterMs, runAdaptive, THROTTLE_RETRIES } from './bind-concurrency.js';

/** What client-node throws for a 429 (ApiException: `code`, `headers`). */
const tooMany = (headers: Record<string, string> = {}) => Object.assign(new Error('HTTP-Code: 429 Message: Too Many Requests'), { code: 429, headers });
const noSleep = () => Promise.resolve();

describe('BindConcurrency', () => {
  it('halves on a throttle, once for the calls that were in flight together', () => {
    const c = new BindConcurrency();
    expect(c.limit).toBe(16);
    const tickets = Array.from({ length: 16 }, () => c.start());
    c.throttled(tickets[3]);
    expect(c.limit).toBe(8);
    // The other calls of that window were sent at the old rate: their 429s are not news.
    c.throttled(tickets[9]);
    c.throttled(tickets[15]);
    expect(c.limit).toBe(8);
    // A call sent after the halving can halve again.
    c.throttled(c.start());
    expect(c.limit).toBe(4);
  });

  it('grows by about one per window of successes, up to max, and never goes below min', () => {
    const c = new BindConcurrency({ initial: 4, min: 2, max: 6 });
    for (let i = 0; i < 4; i++) c.succeeded();
    expect(c.limit).toBe(4); // 4 + 4 × 1/4-ish, just short of 5: one window is ~limit successes
    for (let i = 0; i < 2; i++) c.succeeded();
    expect(c.limit).toBe(5);
    for (let i = 0; i < 100; i++) c.succeeded();
    expect(c.limit).toBe(6);
    for (let i = 0; i < 5; i++) c.throttled(c.start());
    expect(c.limit).toBe(2);
  });
});

describe('throttle errors', () => {
  it.each([
    [tooMany(), true],
    [new Error('bind failed', { cause: tooMany() }), true],
    [Object.assign(new Error('conflict'), { code: 409 }), false],
    [new Error('ECONNRESET'), false],
  ])('%s → %s', (error, throttle) => expect(isThrottle(error)).toBe(throttle));

  it('reads Retry-After in seconds', () => {
    expect(retryAfterMs(tooMany({ 'retry-after': '2' }))).toBe(2000);
    expect(retryAfterMs(tooMany())).toBeUndefined();
  });
});

/**
 * A strict fake of the API server behind ClusterDriver.createWorkload: it takes at most
 * `capacity` calls at once and answers the rest 429; each workload may be created only by
 * the decisions the test made (anything else fails the test), and a repeat of one already
 * done behaves as the Kubernetes driver's 409 handling makes it: the same node is a no-op,
 * another node an error. `lostAnswers` are calls the server carries out and then answers 429
 * (the answer lost in an overloaded server), the case that would duplicate a naive retry.
 */
function throttlingServer(planned: Map<string, string>, capacity: number, lostAnswers = new Set<string>()) {
  const bound = new Map<string, string>();
  const binds: string[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const create = async (jobId: string, node: string): Promise<void> => {
    if (planned.get(jobId) !== node) throw new Error(`unexpected createWorkload(${jobId}, ${node})`);
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    try {
      await new Promise((r) => setTimeout(r, 1));
      if (inFlight > capacity) throw tooMany();
      const existing = bound.get(jobId);
      if (existing !== undefined && existing !== node) throw new Error(`pod of ${jobId} is already bound to ${existing}, not ${node}`);
      if (existing === undefined) {
        bound.set(jobId, node);
        binds.push(jobId);
      }
      if (lostAnswers.delete(jobId)) throw tooMany();
    } finally {
      inFlight--;
    }
  };
  return { create, bound, binds, maxInFlight: () => maxInFlight };
}

describe('binding a cycle against a throttling API server', () => {
  const planned = new Map(Array.from({ length: 60 }, (_, i) => [`job-${i}`, `node-${i % 7}`]));

  it('narrows towards what the server takes and binds every job exactly once, where it was planned', async () => {
    const server = throttlingServer(planned, 4, new Set(['job-5', 'job-17', 'job-42']));
    const limit = new BindConcurrency();
    const sleeps: number[] = [];
    const rng = createRng(7);
    // Backoffs run 50 times faster than in production: the test keeps their order, not their length.
    const sleep = (ms: number) => (sleeps.push(ms), new Promise<void>((r) => setTimeout(r, ms / 50)));
    await runAdaptive([...planned], limit, ([jobId, node]) => createWorkloadThrottled(() => server.create(jobId, node), limit, { sleep, random: rng.next }));
    // Nothing lost, nothing bound twice, each where it was planned.
    expect([...server.bound].sort()).toEqual([...planned].sort());
    expect(server.binds).toHaveLength(planned.size);
    expect(sleeps.length).toBeGreaterThan(0);
    // It started at 16 and came down towards the server's 4 (and then crept up again on successes).
    expect(server.maxInFlight()).toBeGreaterThan(4);
    expect(limit.limit).toBeLessThan(16);
  });

  it('gives up after its retries with the throttle, having bound nothing twice', async () => {
    const server = throttlingServer(new Map([['job-0', 'node-0']]), 0);
    const limit = new BindConcurrency();
    let sleeps = 0;
    const done = createWorkloadThrottled(() => server.create('job-0', 'node-0'), limit, { sleep: () => (sleeps++, noSleep()) });
    await expect(done).rejects.toSatisfy(isThrottle);
    expect(sleeps).toBe(THROTTLE_RETRIES);
    expect(server.binds).toEqual([]);
  });

  it('sends a call again once after its kept-alive connection was reset, without narrowing; a second reset fails it', async () => {
    const limit = new BindConcurrency();
    const reset = Object.assign(new Error('request to https://127.0.0.1/api/v1/pods failed, reason: socket hang up'), { code: 'ECONNRESET' });
    let calls = 0;
    await expect(callThrottled(() => (++calls === 1 ? Promise.reject(reset) : Promise.resolve('made')), limit, { sleep: noSleep })).resolves.toBe('made');
    expect(calls).toBe(2);
    expect(limit.limit).toBe(16);
    calls = 0;
    await expect(callThrottled(() => (calls++, Promise.reject(reset)), limit, { sleep: noSleep })).rejects.toBe(reset);
    expect(calls).toBe(2);
  });

  it('does not retry what is not a throttle', async () => {
    const limit = new BindConcurrency();
    let calls = 0;
    const refused = Object.assign(new Error('forbidden'), { code: 403 });
    await expect(createWorkloadThrottled(() => (calls++, Promise.reject(refused)), limit, { sleep: noSleep })).rejects.toBe(refused);
    expect(calls).toBe(1);
    expect(limit.limit).toBe(16);
  });
});
