import { Counter, Histogram, Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { endpointTraffic } from './endpoint-traffic.js';

describe('endpointTraffic', () => {
  it("reads one endpoint's counters and histogram from a real registry, ignoring the others", async () => {
    const registry = new Registry();
    const labelNames = ['project', 'endpoint'] as const;
    const requests = new Counter({ name: 'beamline_endpoint_proxy_requests_total', help: 'h', labelNames: [...labelNames, 'code'], registers: [registry] });
    const duration = new Histogram({ name: 'beamline_endpoint_proxy_request_duration_seconds', help: 'h', labelNames, buckets: [0.01, 0.1], registers: [registry] });
    requests.inc({ project: 'lab', endpoint: 'e', code: '200' }, 3);
    requests.inc({ project: 'lab', endpoint: 'e', code: '503' });
    requests.inc({ project: 'lab', endpoint: 'other', code: '200' }, 9);
    requests.inc({ project: 'elsewhere', endpoint: 'e', code: '200' }, 9);
    duration.observe({ project: 'lab', endpoint: 'e' }, 0.005);
    duration.observe({ project: 'lab', endpoint: 'e' }, 0.05);
    duration.observe({ project: 'lab', endpoint: 'other' }, 5);

    const since = new Date(0);
    const t = await endpointTraffic(registry, 'lab', 'e', since);
    expect(t).toEqual({
      scope: 'this api instance',
      since: since.toISOString(),
      requests: { '200': 3, '503': 1 },
      latency: { count: 2, sumSeconds: 0.055, buckets: [{ le: 0.01, count: 1 }, { le: 0.1, count: 2 }, { le: '+Inf', count: 2 }] },
    });
  });

  it('answers zeros for an endpoint with no traffic yet, and for a registry without the metrics', async () => {
    const t = await endpointTraffic(new Registry(), 'lab', 'e', new Date(0));
    expect(t.requests).toEqual({});
    expect(t.latency).toEqual({ count: 0, sumSeconds: 0, buckets: [] });
  });
});
