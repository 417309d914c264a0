import { Injectable } from '@nestjs/common';
import { Counter, Gauge, Histogram } from 'prom-client';
import { MetricsService } from '../../common/metrics/metrics.service.js';
import type { ClusterSnapshot } from '../../gpu-scheduler/engine/model.js';

/** Scheduling latency, pending jobs by reason (the reason's first clause, to bound label values), GPU use. */
@Injectable()
export class SchedulingMetrics {
  private readonly latency: Histogram;
  private readonly pending: Gauge<'reason'>;
  private readonly gpusTotal: Gauge<'product'>;
  private readonly gpusAllocated: Gauge<'product'>;
  private readonly preempted: Counter;
  private readonly cycle: Histogram;

  constructor(metrics: MetricsService) {
    this.gpusTotal = new Gauge({ name: 'beamline_gpus_total', help: 'GPUs in the cluster by product', labelNames: ['product'], registers: [metrics.registry] });
    this.gpusAllocated = new Gauge({
      name: 'beamline_gpus_allocated',
      help: 'GPUs allocated to workloads by product (a 0.25 share counts 0.25)',
      labelNames: ['product'],
      registers: [metrics.registry],
    });
    this.latency = new Histogram({
      name: 'beamline_scheduling_latency_seconds',
      help: 'From submission to the scheduling decision being recorded',
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 1800],
      registers: [metrics.registry],
    });
    // One reconcile + schedule cycle, binding included (pod creation on the Kubernetes driver): docs/benchmarks.md.
    this.cycle = new Histogram({
      name: 'beamline_scheduling_cycle_seconds',
      help: 'One controller cycle: reconcile, snapshot, decide, preempt, bind and record pending reasons',
      buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers: [metrics.registry],
    });
    this.preempted = new Counter({ name: 'beamline_preemptions_total', help: 'Running jobs preempted (SIGTERM sent) by the scheduler', registers: [metrics.registry] });
    this.pending = new Gauge({
      name: 'beamline_pending_jobs',
      help: 'Queued jobs the last cycle could not place, by reason',
      labelNames: ['reason'],
      registers: [metrics.registry],
    });
  }

  /** GPUs per product, and how many of them are allocated (fractional shares count as fractions). */
  setGpus(snapshot: ClusterSnapshot): void {
    const total = new Map<string, number>();
    const productOf = new Map<string, string>();
    for (const node of snapshot.nodes) {
      for (const gpu of node.gpus) {
        total.set(gpu.product, (total.get(gpu.product) ?? 0) + 1);
        productOf.set(`${node.name}/${gpu.index}`, gpu.product);
      }
    }
    const allocated = new Map<string, number>([...total.keys()].map((p) => [p, 0]));
    for (const run of snapshot.running) {
      for (const worker of run.workers) {
        for (const index of worker.gpuIndexes) {
          const product = productOf.get(`${worker.node}/${index}`);
          if (product) allocated.set(product, (allocated.get(product) ?? 0) + (worker.gpuMilli ?? 1000) / 1000);
        }
      }
    }
    this.gpusTotal.reset();
    this.gpusAllocated.reset();
    for (const [product, n] of total) this.gpusTotal.set({ product }, n);
    for (const [product, n] of allocated) this.gpusAllocated.set({ product }, n);
  }

  observeBound(submittedAt: Date, now: Date): void {
    this.latency.observe(Math.max(0, (now.getTime() - submittedAt.getTime()) / 1000));
  }

  observeCycle(seconds: number): void {
    this.cycle.observe(seconds);
  }

  observePreempted(): void {
    this.preempted.inc();
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
