import type { Registry } from 'prom-client';

const REQUESTS = 'beamline_endpoint_proxy_requests_total';
const DURATION = 'beamline_endpoint_proxy_request_duration_seconds';

export interface EndpointTraffic {
  /** Always 'this api instance': the counters live in this process's registry, not the cluster's. */
  scope: 'this api instance';
  /** When this process started counting (its start), so a reader can tell a restart from a quiet spell. */
  since: string;
  /** Requests through this instance's infer proxy since it started, by HTTP status. */
  requests: Record<string, number>;
  latency: { count: number; sumSeconds: number; buckets: { le: number | '+Inf'; count: number }[] };
}

/**
 * One endpoint's cumulative proxy counters from prom-client's registry (endpoints.metrics.ts
 * records them): what /metrics exposes, filtered to one endpoint and as JSON. Rates are the
 * reader's to compute between two reads; with several api replicas each answers its own.
 * No timestamp in the answer: an unchanged answer keeps its ETag, so a poll of a quiet
 * endpoint is a 304.
 */
export async function endpointTraffic(registry: Registry, project: string, endpoint: string, since: Date): Promise<EndpointTraffic> {
  const mine = (labels: Partial<Record<string, string | number>>) => labels.project === project && labels.endpoint === endpoint;
  const requests: Record<string, number> = {};
  for (const v of (await registry.getSingleMetric(REQUESTS)?.get())?.values ?? []) {
    if (mine(v.labels)) requests[String(v.labels.code)] = v.value;
  }
  const latency: EndpointTraffic['latency'] = { count: 0, sumSeconds: 0, buckets: [] };
  for (const v of (await registry.getSingleMetric(DURATION)?.get())?.values ?? []) {
    if (!mine(v.labels)) continue;
    // A histogram's values carry which series they are (prom-client sets it; its type omits it).
    const series = (v as { metricName?: string }).metricName;
    if (series === `${DURATION}_count`) latency.count = v.value;
    else if (series === `${DURATION}_sum`) latency.sumSeconds = v.value;
    else if (series === `${DURATION}_bucket`) latency.buckets.push({ le: v.labels.le === '+Inf' ? '+Inf' : Number(v.labels.le), count: v.value });
  }
  return { scope: 'this api instance', since: since.toISOString(), requests, latency };
}
