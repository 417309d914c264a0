import { Injectable } from '@nestjs/common';
import { Counter, Gauge, Histogram } from 'prom-client';
import { MetricsService } from '../../common/metrics/metrics.service.js';
import { EndpointsRepository } from './endpoints.repository.js';
import type { ObservedState } from './endpoints.view.js';
import { LATENCY_BUCKETS } from './traffic-split.js';

const PHASES = ['Progressing', 'Complete', 'Failed', 'RolledBack', 'Deleting'] as const;

/**
 * Endpoint state read from the database at scrape time (so any API replica answers the
 * same), and the infer proxy's own traffic. Names are what deploy/grafana queries.
 */
@Injectable()
export class EndpointsMetrics {
  readonly proxyRequests: Counter<'project' | 'endpoint' | 'code'>;
  readonly proxyDuration: Histogram<'project' | 'endpoint'>;
  /** Autoscaled endpoints only (the demand the autoscaler sees), this API instance. */
  readonly proxyInFlight: Gauge<'project' | 'endpoint'>;
  readonly proxyHeld: Gauge<'project' | 'endpoint'>;
  /** While a canary or shadow runs: the proxy's answers by track (stable, canary, shadow). Shadow codes include `dropped`, `unavailable`, `error`, `timeout`. */
  readonly trackRequests: Counter<'project' | 'endpoint' | 'track' | 'code'>;
  readonly trackDuration: Histogram<'project' | 'endpoint' | 'track'>;

  constructor(metrics: MetricsService, repo: EndpointsRepository) {
    const registers = [metrics.registry];
    const labelNames = ['project', 'endpoint'] as const;
    let rows: Awaited<ReturnType<EndpointsRepository['all']>> | undefined;
    let read: Promise<void> | undefined;
    // Five gauges share one query per scrape.
    const load = () => (read ??= repo.all().then((r) => void (rows = r)).catch(() => void (rows = undefined)).finally(() => setTimeout(() => (read = undefined), 100)));
    const gauge = (name: string, help: string, value: (o: ObservedState, row: NonNullable<typeof rows>[number]) => number) =>
      new Gauge({
        name,
        help,
        labelNames,
        registers,
        async collect() {
          await load();
          this.reset();
          for (const row of rows ?? []) this.set({ project: row.project.name, endpoint: row.name }, value((row.observed ?? {}) as ObservedState, row));
        },
      });
    gauge('beamline_endpoint_replicas_desired', 'Replicas the endpoint asks for', (_o, row) => row.replicas);
    gauge('beamline_endpoint_replicas_ready', 'Replicas ready and serving (any revision)', (o) => o.availableReplicas ?? 0);
    gauge('beamline_endpoint_replica_restarts', 'Restarts of the endpoint replicas that exist now', (o) => o.restarts ?? 0);
    gauge('beamline_endpoint_revision', 'The desired revision number', (_o, row) => row.desiredRevision);
    new Gauge({
      name: 'beamline_endpoint_rollout_phase',
      help: 'The endpoint phase: 1 for the current one',
      labelNames: [...labelNames, 'phase'],
      registers,
      async collect() {
        await load();
        this.reset();
        for (const row of rows ?? []) for (const phase of PHASES) this.set({ project: row.project.name, endpoint: row.name, phase }, row.phase === phase ? 1 : 0);
      },
    });
    this.proxyRequests = new Counter({ name: 'beamline_endpoint_proxy_requests_total', help: 'Requests through the API infer proxy by HTTP status', labelNames: [...labelNames, 'code'], registers });
    this.proxyInFlight = new Gauge({ name: 'beamline_endpoint_proxy_in_flight', help: 'Requests to an autoscaled endpoint this API instance is answering or holding', labelNames, registers });
    this.proxyHeld = new Gauge({ name: 'beamline_endpoint_proxy_held_requests', help: 'Requests this API instance holds for an autoscaled endpoint with no ready replica', labelNames, registers });
    this.proxyDuration = new Histogram({
      name: 'beamline_endpoint_proxy_request_duration_seconds',
      help: 'Latency of requests through the API infer proxy, upstream included',
      labelNames,
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    });
    this.trackRequests = new Counter({ name: 'beamline_endpoint_track_requests_total', help: 'Infer-proxy answers per traffic track (stable, canary, shadow) while a canary or shadow runs, by HTTP status', labelNames: [...labelNames, 'track', 'code'], registers });
    this.trackDuration = new Histogram({
      name: 'beamline_endpoint_track_request_duration_seconds',
      help: 'Latency per traffic track while a canary or shadow runs (shadow: the mirrored copy, off the caller\'s path)',
      labelNames: [...labelNames, 'track'],
      buckets: LATENCY_BUCKETS,
      registers,
    });
  }
}
