import type { ApiPacer } from '../../cluster/cluster-driver.js';

/**
 * How many workloads a cycle creates and binds at once, adapted to the API server (AIMD, as
 * TCP does it): each success adds 1/limit (one more slot per window of successes); a throttle
 * (HTTP 429, the API server's max-in-flight or priority-and-fairness answer) halves it. The
 * calls in flight when the limit was halved were sent at the old rate: their throttles say
 * nothing new, so only a call started after the last halving can halve it again.
 * It lives as long as the loop, so a cycle starts where the last one ended.
 */
export class BindConcurrency {
  private current: number;
  private started = 0;
  private halvedAt = 0;

  constructor(private readonly bounds: { initial: number; min: number; max: number } = { initial: 16, min: 1, max: 64 }) {
    this.current = bounds.initial;
  }

  /** Calls allowed in flight now (a whole number, at least min). */
  get limit(): number {
    return Math.floor(this.current);
  }

  /** Call before each call; the ticket goes back with its outcome. */
  start(): number {
    return ++this.started;
  }

  succeeded(): void {
    this.current = Math.min(this.bounds.max, this.current + 1 / this.current);
  }

  throttled(ticket: number): void {
    if (ticket <= this.halvedAt) return;
    this.current = Math.max(this.bounds.min, this.current / 2);
    this.halvedAt = this.started;
  }
}

/** HTTP status of a client error (client-node's ApiException carries `code`). */
const statusOf = (e: unknown) => (e as { code?: number; statusCode?: number }).code ?? (e as { statusCode?: number }).statusCode;

/** True when the error (or one it was caused by) is the API server's 429 Too Many Requests. */
export function isThrottle(error: unknown): boolean {
  for (let e = error; e; e = (e as { cause?: unknown }).cause) if (statusOf(e) === 429) return true;
  return false;
}

/**
 * True when the call failed on its connection (reset or broken pipe) rather than with an
 * answer: with kept-alive connections, the server may close an idle one just as a call goes
 * out on it. Only idempotent calls may be sent again.
 */
export function isStaleConnection(error: unknown): boolean {
  for (let e = error; e; e = (e as { cause?: unknown }).cause) {
    const code = (e as { code?: unknown }).code;
    if (code === 'ECONNRESET' || code === 'EPIPE') return true;
  }
  return false;
}

/** Seconds the server asked to wait (Retry-After), when it said. */
export function retryAfterMs(error: unknown): number | undefined {
  for (let e = error; e; e = (e as { cause?: unknown }).cause) {
    const headers = (e as { headers?: Record<string, string> }).headers;
    const seconds = Number(headers?.['retry-after'] ?? headers?.['Retry-After']);
    if (Number.isFinite(seconds) && seconds > 0) return seconds * 1000;
  }
  return undefined;
}

/**
 * Runs `fn` over items with at most `limit.limit` in flight, read again each time a slot
 * frees: the width follows the limit as it shrinks or grows during the run.
 */
export async function runAdaptive<T>(items: readonly T[], limit: BindConcurrency, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  let inFlight = 0;
  await new Promise<void>((resolve, reject) => {
    const pump = () => {
      if (next >= items.length && inFlight === 0) return resolve();
      while (next < items.length && inFlight < limit.limit) {
        const item = items[next++];
        inFlight++;
        fn(item).then(
          () => {
            inFlight--;
            pump();
          },
          reject,
        );
      }
    };
    pump();
  });
}

/** Retries of one throttled workload within a cycle; past them the job stays Scheduled and the reconciler creates the rest. */
export const THROTTLE_RETRIES = 5;

/** 100 ms doubling to 3.2 s (each × 0.5–1.5 jitter): about 6 s in all, unless the server names its own wait. */
export const throttleBackoffMs = (retry: number): number => Math.min(3200, 100 * 2 ** retry);

/**
 * Creates and binds one workload, repeating the same spec after a throttle. Repeating is safe
 * because the driver's create is idempotent by name (409 AlreadyExists counts as created) and
 * its bind by node (409 on a pod already bound to this node counts as bound; bound elsewhere
 * fails): a retry after a 429, or after a 429 that came back from a call the server had in
 * fact carried out, never makes a second pod or a second binding. Other errors are thrown at once.
 */
export async function createWorkloadThrottled(
  create: () => Promise<void>,
  limit: BindConcurrency,
  options: ThrottleOptions = {},
): Promise<void> {
  await callThrottled(create, limit, options);
}

export interface ThrottleOptions {
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
}

/**
 * One call, repeated after a throttle (jittered backoff, or the server's Retry-After) up to
 * THROTTLE_RETRIES times; each outcome moves the limit. Only for idempotent calls.
 */
export async function callThrottled<T>(call: () => Promise<T>, limit: BindConcurrency, options: ThrottleOptions = {}): Promise<T> {
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const random = options.random ?? Math.random;
  let resent = false;
  for (let retry = 0; ; retry++) {
    const ticket = limit.start();
    try {
      const answer = await call();
      limit.succeeded();
      return answer;
    } catch (error) {
      if (isStaleConnection(error) && !resent) {
        // A kept-alive connection the server had just closed: sent again once, on a new one; says nothing of load.
        resent = true;
        retry--;
        continue;
      }
      if (!isThrottle(error)) throw error;
      limit.throttled(ticket);
      if (retry >= THROTTLE_RETRIES) throw error;
      // Jittered: the calls throttled together must not all come back together.
      await sleep(retryAfterMs(error) ?? throttleBackoffMs(retry) * (0.5 + random()));
    }
  }
}

/**
 * The ApiPacer of a batch (ClusterDriver.createWorkloads): as many steps in flight as the
 * limit allows now, each API call counted by the limit and repeated after a throttle. In a
 * batch the limit counts calls, not workloads: a gang's workers take a slot each.
 */
export function adaptivePacer(limit: BindConcurrency, options: ThrottleOptions = {}): ApiPacer {
  return {
    forEach: (items, fn) => runAdaptive(items, limit, fn),
    call: (fn) => callThrottled(fn, limit, options),
  };
}
