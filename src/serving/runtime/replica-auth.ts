import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/**
 * Routes a replica answers without its replica token, and why:
 * - /v2/health/live and /v2/health/ready: the kubelet's probes and the local driver's
 *   readiness checks cannot carry a secret (a probe's headers are plain text in the pod
 *   spec); they say only "alive" and "ready".
 * - /metrics: Prometheus scrapes replicas directly (PodMonitor, http_sd); it holds counts
 *   and latencies, never a request's data.
 * Everything else (server and model metadata, infer) needs the token.
 */
export const OPEN_PATHS: ReadonlySet<string> = new Set(['/v2/health/live', '/v2/health/ready', '/metrics']);

const digest = (value: string) => createHash('sha256').update(value).digest();

/**
 * True when `expected` is unset (standalone runtime) or the request carries it, as
 * `Authorization: Bearer <expected>` or as `X-Beamline-Replica-Token: <expected>`. The second
 * is for requests through the Kubernetes API server's service proxy, which consumes the
 * Authorization header (src/cluster/kubernetes/serving/api-server-proxy.ts).
 */
export function authorized(req: IncomingMessage, path: string, expected: string | undefined): boolean {
  if (expected === undefined || OPEN_PATHS.has(path)) return true;
  const header = req.headers.authorization;
  const alternative = req.headers['x-beamline-replica-token'];
  const sent = typeof header === 'string' && header.startsWith('Bearer ') ? header.slice('Bearer '.length) : typeof alternative === 'string' ? alternative : undefined;
  if (sent === undefined) return false;
  // Equal-length digests, so the comparison takes the same time whatever was sent.
  return timingSafeEqual(digest(sent), digest(expected));
}
