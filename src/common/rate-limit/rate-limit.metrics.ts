import { Injectable } from '@nestjs/common';
import { Counter } from 'prom-client';
import { MetricsService } from '../metrics/metrics.service.js';
import type { LimitKind, LimitScope } from './rate-limited.decorator.js';

/**
 * beamline_rate_limited_total{kind,scope}: requests answered 429;
 * beamline_rate_limit_errors_total{kind}: checks skipped because Redis failed (fail-open).
 */
@Injectable()
export class RateLimitMetrics {
  private readonly limited: Counter<'kind' | 'scope'>;
  private readonly errors: Counter<'kind'>;

  constructor(metrics: MetricsService) {
    const registers = [metrics.registry];
    this.limited = new Counter({
      name: 'beamline_rate_limited_total',
      help: 'Requests refused with 429 by kind (submit, infer) and the limit that refused them (token, project)',
      labelNames: ['kind', 'scope'],
      registers,
    });
    this.errors = new Counter({
      name: 'beamline_rate_limit_errors_total',
      help: 'Rate limit checks that could not reach Redis; the request was let through',
      labelNames: ['kind'],
      registers,
    });
  }

  refused(kind: LimitKind, scope: LimitScope): void {
    this.limited.inc({ kind, scope });
  }

  failedOpen(kind: LimitKind): void {
    this.errors.inc({ kind });
  }
}
