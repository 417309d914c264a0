import { Injectable } from '@nestjs/common';
import { Counter } from 'prom-client';
import { MetricsService } from '../common/metrics/metrics.service.js';
import { UsageRepository } from './usage.repository.js';
import { amountsOf } from './usage.service.js';

const EPOCH = new Date(0);

/**
 * beamline_gpu_seconds_total{project,queue,flavor} and beamline_cpu_seconds_total{project,queue}:
 * all-time usage from the ledger plus the attempts running now, read at scrape time. The value
 * is the database's total, so it is the same on every instance (dashboards take `max`) and
 * never goes back after a restart; it only ever moves up (a scrape that reads less is ignored).
 */
@Injectable()
export class UsageMetrics {
  constructor(metrics: MetricsService, repo: UsageRepository) {
    const seen = { gpu: new Map<string, number>(), cpu: new Map<string, number>() };
    let totals: Promise<{ gpu: Map<string, number>; cpu: Map<string, number>; labels: Map<string, Record<string, string>> } | undefined> | undefined;
    // Both counters are collected in one scrape: one database read serves both.
    const read = () =>
      (totals ??= (async () => {
        try {
          const now = new Date();
          const amounts = amountsOf(await repo.snapshot(EPOCH, now, null), EPOCH, now, now);
          const names = await repo.projectNames([...new Set(amounts.map((a) => a.projectId))]);
          const gpu = new Map<string, number>();
          const cpu = new Map<string, number>();
          const labels = new Map<string, Record<string, string>>();
          for (const a of amounts) {
            const project = names.get(a.projectId) ?? a.projectId;
            const g = JSON.stringify([project, a.queue, a.flavor]);
            const c = JSON.stringify([project, a.queue]);
            if (a.flavor !== '') gpu.set(g, (gpu.get(g) ?? 0) + a.gpuSeconds);
            cpu.set(c, (cpu.get(c) ?? 0) + a.cpuSeconds);
            labels.set(g, { project, queue: a.queue, flavor: a.flavor }).set(c, { project, queue: a.queue });
          }
          return { gpu, cpu, labels };
        } catch {
          return undefined; // database down: the counters keep their last values
        } finally {
          setImmediate(() => (totals = undefined));
        }
      })());
    const advance = (counter: Counter<string>, kind: 'gpu' | 'cpu', current: Map<string, number>, labels: Map<string, Record<string, string>>) => {
      for (const [key, value] of current) {
        const delta = value - (seen[kind].get(key) ?? 0);
        if (delta <= 0) continue;
        counter.inc(labels.get(key)!, delta);
        seen[kind].set(key, value);
      }
    };
    new Counter({
      name: 'beamline_gpu_seconds_total',
      help: 'GPU-seconds used by training attempts (MIG flavors: slice-seconds), by project, queue and flavor',
      labelNames: ['project', 'queue', 'flavor'],
      registers: [metrics.registry],
      async collect() {
        const t = await read();
        if (t) advance(this, 'gpu', t.gpu, t.labels);
      },
    });
    new Counter({
      name: 'beamline_cpu_seconds_total',
      help: 'CPU-seconds requested by training attempts while they held their placement, by project and queue',
      labelNames: ['project', 'queue'],
      registers: [metrics.registry],
      async collect() {
        const t = await read();
        if (t) advance(this, 'cpu', t.cpu, t.labels);
      },
    });
  }
}
