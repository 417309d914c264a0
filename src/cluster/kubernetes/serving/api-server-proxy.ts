import { request as httpRequest } from 'node:http';
import { Agent, request as httpsRequest, type AgentOptions, type RequestOptions } from 'node:https';
import { Readable } from 'node:stream';
import type { KubeConfig } from '@kubernetes/client-node';
import {
  REPLICA_TOKEN_HEADER,
  ReplicaPathError,
  sendWithConnectTimeout,
  type ReplicaAccess,
  type ReplicaAnswer,
  type ReplicaRequest,
} from '../../../serving/endpoints/replica-access.js';

/** `http://<service>.<namespace>.svc[.<cluster domain>]:<port>`: what serving-status.ts stores as an endpoint's upstream. */
const SERVICE_URL = /^(?<service>[a-z0-9]([-a-z0-9]*[a-z0-9])?)\.(?<namespace>[a-z0-9]([-a-z0-9]*[a-z0-9])?)\.svc(\.[a-z0-9.-]+)?$/;

/** Credentials are re-read this often (client-node re-reads a token file every 60 s; exec plugins mint short-lived tokens). */
const CREDENTIALS_TTL_MS = 30_000;
/** An API server's error Status is small (and has a content-length); any other error body is the replica's own, passed on unread. */
const STATUS_LIMIT = 64 * 1024;

/**
 * The service-proxy path of one replica request: the API server picks a ready endpoint of
 * the Service and forwards `path` to it. Throws for an upstream that is not a Service URL
 * (the local driver's loopback replicas are never reached this way).
 */
export function serviceProxyPath(upstream: string, path: string): string {
  const url = new URL(upstream);
  const m = SERVICE_URL.exec(url.hostname);
  if (!m?.groups || url.protocol !== 'http:') throw new Error(`${upstream} is not a Kubernetes Service URL (http://<service>.<namespace>.svc:<port>)`);
  const port = url.port || '80';
  return `/api/v1/namespaces/${m.groups.namespace}/services/${m.groups.service}:${port}/proxy${path.startsWith('/') ? path : `/${path}`}`;
}

/**
 * `api-proxy` replica access: for an API outside the cluster, where `*.svc` names do not
 * resolve and pod IPs are not routable, requests go to
 * `<server>/api/v1/namespaces/<ns>/services/<name>:<port>/proxy/<path>` with the
 * kubeconfig's credentials (client certificate or bearer token) over one keep-alive agent.
 * The API server consumes `Authorization`, so the replica token travels in
 * `X-Beamline-Replica-Token`. Its identity needs `get` and `create` on `services/proxy` in
 * the workload namespace.
 *
 * The API server's own failures (no ready endpoint, a replica it cannot dial, RBAC) come as
 * a `kind: Status` body; they become ReplicaPathErrors, so the proxy answers 503 with the
 * reason instead of passing an API-server error off as the model's.
 */
export class ApiServerProxyAccess implements ReplicaAccess {
  readonly mode = 'api-proxy' as const;
  readonly server: string;
  private agent?: Agent;
  private credentials?: { at: number; headers: Record<string, string> };

  constructor(private readonly kc: KubeConfig) {
    const server = kc.getCurrentCluster()?.server;
    if (!server) throw new Error('the kubeconfig has no current cluster');
    this.server = server.replace(/\/+$/, '');
  }

  async send(upstream: string, r: ReplicaRequest): Promise<ReplicaAnswer> {
    const url = new URL(this.server + serviceProxyPath(upstream, r.path));
    const auth = await this.authHeaders();
    const headers = { ...r.headers, ...auth, 'content-length': r.body.length, [REPLICA_TOKEN_HEADER]: r.replicaToken };
    const send = url.protocol === 'http:' ? httpRequest : httpsRequest;
    const answer = await sendWithConnectTimeout(send, url, { method: r.method, headers, agent: this.agent }, r.body, `${upstream} via ${this.server}`);
    return this.ownErrorOrAnswer(upstream, answer);
  }

  /** TLS material goes into the agent once; the auth headers are refreshed every CREDENTIALS_TTL_MS (rotated tokens). */
  private async authHeaders(): Promise<Record<string, string>> {
    if (this.credentials && Date.now() - this.credentials.at < CREDENTIALS_TTL_MS) return this.credentials.headers;
    const opts: RequestOptions & { headers: Record<string, string> } = { headers: {} };
    await this.kc.applyToHTTPSOptions(opts);
    if (!this.agent && this.server.startsWith('https:')) {
      const tls: AgentOptions = { keepAlive: true, maxSockets: 512, ca: opts.ca, cert: opts.cert, key: opts.key, servername: opts.servername };
      if (opts.rejectUnauthorized !== undefined) tls.rejectUnauthorized = opts.rejectUnauthorized;
      this.agent = new Agent(tls);
    }
    const headers = { ...opts.headers };
    if (opts.auth) headers.Authorization = `Basic ${Buffer.from(opts.auth).toString('base64')}`;
    this.credentials = { at: Date.now(), headers };
    return headers;
  }

  /** An error answer is read (it is small) to tell the API server's Status from the replica's own error. */
  private async ownErrorOrAnswer(upstream: string, answer: ReplicaAnswer): Promise<ReplicaAnswer> {
    const length = Number(answer.headers['content-length'] ?? Infinity);
    if (answer.statusCode < 400 || !String(answer.headers['content-type'] ?? '').includes('json') || !(length <= STATUS_LIMIT)) return answer;
    const body = await readAll(answer.body);
    const status = parseStatus(body);
    if (!status) return { ...answer, body: Readable.from([body]) };
    const why = `${status.code ?? answer.statusCode} ${status.reason ?? ''}: ${status.message ?? ''}`.replace(/ :/, ':');
    const service = serviceProxyPath(upstream, '/').split('/proxy')[0];
    if (answer.statusCode === 401 || answer.statusCode === 403) {
      throw new ReplicaPathError(
        `the Kubernetes API server refused to proxy to it (${why}); the API's Kubernetes identity needs get and create on services/proxy (${service})`,
        'EAPIREFUSED',
        false,
      );
    }
    const retryable = answer.statusCode === 404 || answer.statusCode === 429 || answer.statusCode >= 500;
    throw new ReplicaPathError(`the Kubernetes API server could not reach a replica (${why})`, 'ESERVICEPROXY', retryable);
  }
}

/** The whole body; only called for one whose content-length is at most STATUS_LIMIT. */
function readAll(stream: Readable): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    stream.on('data', (c: Buffer) => chunks.push(c));
    stream.on('end', () => resolve(Buffer.concat(chunks)));
    stream.on('error', reject);
  });
}

interface Status {
  code?: number;
  reason?: string;
  message?: string;
}

/** A `kind: Status` (apiVersion v1) body, which the runtime never sends (its errors are `{ "error": ... }`). */
function parseStatus(body: Buffer): Status | undefined {
  try {
    const parsed = JSON.parse(body.toString('utf8')) as { kind?: unknown; apiVersion?: unknown } & Status;
    return parsed.kind === 'Status' && parsed.apiVersion === 'v1' ? parsed : undefined;
  } catch {
    return undefined;
  }
}
