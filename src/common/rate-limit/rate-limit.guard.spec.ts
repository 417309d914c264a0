import { Logger, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { describe, expect, it, vi } from 'vitest';
import type { Principal } from '../auth/principal.js';
import { loadConfig } from '../config/config.js';
import { AppError, ErrorCode } from '../errors/app-error.js';
import type { RateDecision } from './gcra.js';
import { limitChecks, RateLimitGuard } from './rate-limit.guard.js';
import type { RateLimitMetrics } from './rate-limit.metrics.js';
import type { RateLimiter } from './rate-limiter.js';

const key = (...parts: string[]) => ['pre', 'ratelimit', ...parts].join(':');
const principal = { id: 'tok-1', platformAdmin: true } as Principal;
const project = { id: 'proj-1', name: 'vision' };
const rate = { limit: 3, periodMs: 60_000 };

describe('limitChecks', () => {
  it('spends the caller’s and the project’s allowance, platform admins included', () => {
    expect(limitChecks('submit', { token: rate, project: rate }, { principal, project }, key)).toEqual([
      { scope: 'token', key: 'pre:ratelimit:submit:token:tok-1', rate },
      { scope: 'project', key: 'pre:ratelimit:submit:project:proj-1', rate },
    ]);
  });

  it('leaves out a limit that is off', () => {
    expect(limitChecks('infer', { token: undefined, project: rate }, { principal, project }, key).map((c) => c.scope)).toEqual(['project']);
    expect(limitChecks('infer', { token: undefined, project: undefined }, { principal, project }, key)).toEqual([]);
  });
});

describe('RateLimitGuard', () => {
  /** Strict fakes: a method the test did not give fails the test. */
  function setup(check: RateLimiter['check'], kind: 'submit' | null = 'submit') {
    const headers: Record<string, string> = {};
    const reflector = { getAllAndOverride: () => kind ?? undefined } as unknown as Reflector;
    const limiter = { key, check: vi.fn(check) } as unknown as RateLimiter;
    const metrics = { refused: vi.fn(), failedOpen: vi.fn() };
    const guard = new RateLimitGuard(reflector, limiter, metrics as unknown as RateLimitMetrics, loadConfig({}));
    const context = {
      getHandler: () => undefined,
      getClass: () => undefined,
      switchToHttp: () => ({ getRequest: () => ({ principal, project }), getResponse: () => ({ setHeader: (n: string, v: string) => (headers[n] = v) }) }),
    } as unknown as ExecutionContext;
    return { guard, context, headers, metrics, limiter };
  }
  const refused: RateDecision = { allowed: false, retryAfterSeconds: 7, remaining: 0, limit: 60, scope: 'token', resetSeconds: 60 };

  it('passes routes without @RateLimited without asking Redis', async () => {
    const { guard, context, limiter } = setup(() => Promise.reject(new Error('not expected')), null);
    await expect(guard.canActivate(context)).resolves.toBe(true);
    expect(limiter.check).not.toHaveBeenCalled();
  });

  it('refuses with TooManyRequests, Retry-After and a count', async () => {
    const { guard, context, headers, metrics } = setup(async () => refused as never);
    const error = await guard.canActivate(context).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe(ErrorCode.TooManyRequests);
    expect(headers).toMatchObject({ 'Retry-After': '7', 'RateLimit-Limit': '60', 'RateLimit-Remaining': '0' });
    expect(metrics.refused).toHaveBeenCalledWith('submit', 'token');
  });

  it('fails open when Redis fails, and counts it', async () => {
    vi.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    const { guard, context, headers, metrics } = setup(() => Promise.reject(new Error('ECONNREFUSED')));
    await expect(guard.canActivate(context)).resolves.toBe(true);
    expect(metrics.failedOpen).toHaveBeenCalledWith('submit');
    expect(headers).toEqual({});
  });
});
