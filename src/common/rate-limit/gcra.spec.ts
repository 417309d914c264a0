import { describe, expect, it } from 'vitest';
import { scriptArgs, toDecision, type LimitCheck } from './gcra.js';

const checks: LimitCheck<'token' | 'project'>[] = [
  { scope: 'token', key: 'p:ratelimit:submit:token:t1', rate: { limit: 3, periodMs: 60_000 } },
  { scope: 'project', key: 'p:ratelimit:submit:project:p1', rate: { limit: 10, periodMs: 60_000 } },
];

describe('scriptArgs', () => {
  it('gives the interval in microseconds and the burst of each key, in key order', () => {
    expect(scriptArgs(checks)).toEqual(['20000000', '3', '6000000', '10']);
  });
});

describe('toDecision', () => {
  it('reports the binding limit of an allowed request', () => {
    expect(toDecision(checks, [1, 1, 0, 2, 20_000_000])).toEqual({
      allowed: true,
      retryAfterSeconds: 0,
      remaining: 2,
      limit: 3,
      scope: 'token',
      resetSeconds: 20,
    });
  });

  it('rounds the wait up to whole seconds and never below 1 (Retry-After: 0 invites a hot loop)', () => {
    expect(toDecision(checks, [0, 2, 5_000_001, 0, 60_000_000])).toMatchObject({ allowed: false, retryAfterSeconds: 6, scope: 'project', limit: 10 });
    expect(toDecision(checks, [0, 1, 300, 0, 1000])).toMatchObject({ retryAfterSeconds: 1, resetSeconds: 1 });
  });

  it('refuses a reply it does not understand', () => {
    expect(() => toDecision(checks, 'OK')).toThrow(/unexpected/);
    expect(() => toDecision(checks, [1, 3, 0, 0, 0])).toThrow(/key 3 of 2/);
  });
});
