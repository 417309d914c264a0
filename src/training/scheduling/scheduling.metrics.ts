import { Injectable } from '@nestjs/common';
import { Gauge, Histogram } from 'prom-client';
import { MetricsService } from '../../common/metrics/metrics.service.js';

/** Scheduling latency and pending jobs by reason (the reason's first clause, to bound label values). */
@Injectable()
export class SchedulingMetrics {
  private readonly latency: Histogram;
  private readonly pending: Gauge<'reason'>;

  constructor(metrics: MetricsService) {
    this.latency = new Histogram({
      name: 'beamline_scheduling_latency_seconds',
      help: 'From submission to the scheduling decision being recorded',
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 1800],
      registers: [metrics.registry],
    });
    this.pending = new Gauge({
      name: 'beamline_pending_jobs',
      help: 'Queued jobs the last cycle could not place, by reason',
      labelNames: ['reason'],
      registers: [metrics.registry],
    });
  }

  observeBound(submittedAt: Date, now: Date): void {
    this.latency.observe(Math.max(0, (now.getTime() - submittedAt.getTime()) / 1000));
  }

  setPending(reasons: Map<string, string>): void {
    this.pending.reset();
    const counts = new Map<string, number>();
    for (const reason of reasons.values()) {
      const label = reason.split(/[;:]/)[0].replace(/\d+(\.\d+)?/g, 'N').slice(0, 80);
      counts.set(label, (counts.get(label) ?? 0) + 1);
    }
    for (const [reason, count] of counts) this.pending.set({ reason }, count);
  }
}
