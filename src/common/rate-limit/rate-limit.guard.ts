import { Inject, Injectable, Logger, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request, Response } from 'express';
import type { AuthedRequest } from '../auth/principal.js';
import { APP_CONFIG } from '../config/config.js';
import type { AppConfig } from '../config/config.schema.js';
import { AppError, ErrorCode } from '../errors/app-error.js';
import type { LimitCheck, RateDecision } from './gcra.js';
import type { Rate } from './rate.js';
import { RATE_LIMITED, type LimitKind, type LimitScope } from './rate-limited.decorator.js';
import { RateLimitMetrics } from './rate-limit.metrics.js';
import { RateLimiter } from './rate-limiter.js';
import { RouteMetadataCache } from '../route-metadata.js';
import { settled } from '../settled.js';

export type RateTable = Record<LimitKind, Record<LimitScope, Rate | undefined>>;

const WHAT: Record<LimitKind, string> = { submit: 'training job submissions', infer: 'inference requests' };
/** A Redis outage would otherwise log once per request. */
const WARN_EVERY_MS = 30_000;

/**
 * Global guard, registered after AuthGuard (which sets request.principal and
 * request.project): routes marked @RateLimited(kind) spend one unit of the caller's
 * allowance and one of the project's, in one atomic check; either one empty is a 429
 * with Retry-After. Platform admins are not exempt: a runaway loop is as harmful with an
 * admin token, and an admin can raise the limits in config instead.
 */
@Injectable()
export class RateLimitGuard implements CanActivate {
  private readonly logger = new Logger('RateLimit');
  private readonly rates: RateTable;
  private lastWarning = 0;
  /** @RateLimited's kind per handler and class, read once (route-metadata.ts). */
  private readonly routes = new RouteMetadataCache((handler, type) => ({
    kind: this.reflector.getAllAndOverride<LimitKind | undefined>(RATE_LIMITED, [handler, type]),
  }));

  constructor(
    private readonly reflector: Reflector,
    private readonly limiter: RateLimiter,
    private readonly metrics: RateLimitMetrics,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.rates = ratesFrom(config);
  }

  /** A promise, as Nest and the tests expect; see check(). */
  canActivate(context: ExecutionContext): Promise<boolean> {
    return settled(() => this.check(context));
  }

  /** canActivate's answer, synchronous where no limit applies (the route has none, or they are off): the infer fast path asks this. */
  check(context: ExecutionContext): boolean | Promise<boolean> {
    const { kind } = this.routes.get(context.getHandler(), context.getClass());
    if (!kind) return true;
    const request = context.switchToHttp().getRequest<Request & AuthedRequest>();
    const checks = limitChecks(kind, this.rates[kind], request, (...parts) => this.limiter.key(...parts));
    if (checks.length === 0) return true;
    return this.spend(context, kind, checks);
  }

  private async spend(context: ExecutionContext, kind: LimitKind, checks: LimitCheck<LimitScope>[]): Promise<boolean> {
    let decision: RateDecision<LimitScope>;
    try {
      decision = await this.limiter.check(checks);
    } catch (error) {
      // Fail open: the limiter guards against overload; with Redis down, refusing every
      // submission and every inference would turn a Redis outage into a platform outage
      // (inference does not otherwise need Redis at all). Counted, and logged now and then.
      this.metrics.failedOpen(kind);
      if (Date.now() - this.lastWarning > WARN_EVERY_MS) {
        this.lastWarning = Date.now();
        this.logger.warn({ err: error, kind }, 'rate limit check failed; letting requests through');
      }
      return true;
    }

    const response = context.switchToHttp().getResponse<Response>();
    // The draft IETF RateLimit fields, for the limit that binds now.
    response.setHeader('RateLimit-Limit', String(decision.limit));
    response.setHeader('RateLimit-Remaining', String(decision.remaining));
    response.setHeader('RateLimit-Reset', String(decision.resetSeconds));
    if (decision.allowed) return true;

    this.metrics.refused(kind, decision.scope);
    // Set here because the problem filter only writes status, type and body; headers already set survive.
    response.setHeader('Retry-After', String(decision.retryAfterSeconds));
    const rate = this.rates[kind][decision.scope]!;
    throw new AppError(
      ErrorCode.TooManyRequests,
      `Too many ${WHAT[kind]} for this ${decision.scope}: the limit is ${rate.limit} per ${rate.periodMs / 1000} s; retry in ${decision.retryAfterSeconds} s`,
    );
  }
}

export function ratesFrom(config: AppConfig): RateTable {
  return {
    submit: { token: config.BEAMLINE_RATE_SUBMIT_PER_TOKEN, project: config.BEAMLINE_RATE_SUBMIT_PER_PROJECT },
    infer: { token: config.BEAMLINE_RATE_INFER_PER_TOKEN, project: config.BEAMLINE_RATE_INFER_PER_PROJECT },
  };
}

/** The limits one request spends: the caller's and the project's, each only where enabled and known. */
export function limitChecks(
  kind: LimitKind,
  rates: Record<LimitScope, Rate | undefined>,
  request: AuthedRequest,
  key: (...parts: string[]) => string,
): LimitCheck<LimitScope>[] {
  const checks: LimitCheck<LimitScope>[] = [];
  if (rates.token && request.principal) checks.push({ scope: 'token', key: key(kind, 'token', request.principal.id), rate: rates.token });
  if (rates.project && request.project) checks.push({ scope: 'project', key: key(kind, 'project', request.project.id), rate: rates.project });
  return checks;
}
