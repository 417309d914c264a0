import { Agent, request, type ClientRequest, type IncomingHttpHeaders, type IncomingMessage, type RequestOptions } from 'node:http';
import type { Readable } from 'node:stream';
import type { AppConfig } from '../../common/config/config.schema.js';

/** One request for a replica: an allowed replica path (replica-routes.ts) with its query. */
export interface ReplicaRequest {
  method: string;
  path: string;
  /** The caller's headers worth passing on (never its Authorization). */
  headers: Record<string, string | number>;
  body: Buffer;
  /** The endpoint's replica token; each access puts it where the replica will see it. */
  replicaToken: string;
}

/** The replica's own answer (status, headers, body stream). */
export interface ReplicaAnswer {
  statusCode: number;
  headers: IncomingHttpHeaders;
  body: Readable;
}

export type ReplicaAccessMode = 'direct' | 'api-proxy';

/**
 * How the infer proxy reaches the replicas behind an upstream (a stored base URL such as
 * `http://127.0.0.1:41234` locally or `http://ep-p-e.ns.svc:8080` on Kubernetes). `direct`
 * connects to it; `api-proxy` goes through the Kubernetes API server's service proxy
 * (src/cluster/kubernetes/serving/api-server-proxy.ts), for an API outside the cluster.
 */
export interface ReplicaAccess {
  readonly mode: ReplicaAccessMode;
  send(upstream: string, request: ReplicaRequest): Promise<ReplicaAnswer>;
  /** Where the access can stream a body (direct only): `request.body` is empty, `body` carries it. */
  sendStreamed?(upstream: string, request: ReplicaRequest, body: StreamedBody): Promise<ReplicaAnswer>;
}

/**
 * A request body piped from the caller instead of read whole: `length` is its declared
 * Content-Length. `started` turns true once its first byte may have left for a replica;
 * from then on it cannot be sent again, so a failure is final (see sendStreamed).
 */
export interface StreamedBody {
  from: Readable;
  length: number;
  started: boolean;
}

/**
 * The way to a replica failed before the replica answered. `retryable`: another replica,
 * or the same one a moment later, may do (the proxy keeps trying until its deadline, then
 * 503 with this message); otherwise the proxy answers 503 with it at once.
 */
export class ReplicaPathError extends Error {
  constructor(
    message: string,
    readonly code: string,
    readonly retryable: boolean,
  ) {
    super(message);
    this.name = 'ReplicaPathError';
  }
}

/** The header a replica also accepts its token in: an API server's proxy consumes `Authorization` (runtime replica-auth.ts). */
export const REPLICA_TOKEN_HEADER = 'x-beamline-replica-token';

/** A replica (or API server) that does not accept the connection within this is skipped (a slow answer is not cut short). */
export const CONNECT_TIMEOUT_MS = 3000;

/**
 * `direct`: plain HTTP to the upstream URL with a keep-alive agent; the token as
 * `Authorization: Bearer` (what every runtime version accepts). On Kubernetes the upstream
 * is the endpoint's Service DNS name, not pod IPs; see serving-status.ts for why.
 */
export class DirectAccess implements ReplicaAccess {
  readonly mode = 'direct' as const;
  /**
   * One keep-alive pool per replica. LIFO reuse keeps the few sockets a light load needs
   * warm (the idle rest time out) instead of spreading requests over every socket a burst
   * opened. A pool is forgotten when a connection to its replica fails (drained,
   * restarted), so the next request starts on fresh sockets; it is not destroyed, since
   * other requests may still be mid-answer on it, and its idle sockets close on their own.
   */
  private readonly pools = new Map<string, Pool>();

  send(upstream: string, r: ReplicaRequest): Promise<ReplicaAnswer> {
    const pool = this.poolFor(upstream);
    // The caller's headers are this request's own object (forwardedHeaders): filled in, not copied.
    const headers = Object.assign(r.headers, { 'content-length': r.body.length, authorization: `Bearer ${r.replicaToken}` });
    const options: RequestOptions = { protocol: pool.protocol, hostname: pool.hostname, port: pool.port, path: r.path, method: r.method, headers, agent: pool.agent };
    return sendRequest((callback) => request(options, callback), r.method, r.body, upstream).catch((error: unknown) => {
      if (this.pools.get(upstream) === pool) this.pools.delete(upstream);
      throw error;
    });
  }

  /**
   * The body piped from the caller, starting once the connection is made: a connection that
   * is refused or times out has taken no byte, and the proxy may try another replica with
   * the same stream. On a fresh connection, not a kept-alive one: a kept-alive socket the
   * replica closed as idle fails only once bytes are written to it, and a streamed body
   * cannot be resent. A failure after the first byte is final (ReplicaPathError, not retryable).
   */
  sendStreamed(upstream: string, r: ReplicaRequest, body: StreamedBody): Promise<ReplicaAnswer> {
    const pool = this.poolFor(upstream);
    const headers = Object.assign(r.headers, { 'content-length': body.length, authorization: `Bearer ${r.replicaToken}` });
    const options: RequestOptions = { protocol: pool.protocol, hostname: pool.hostname, port: pool.port, path: r.path, method: r.method, headers, agent: false };
    return sendRequest((callback) => request(options, callback), r.method, body, upstream);
  }

  /** The upstream's keep-alive pool and its parsed address (parsed once, not per request). */
  private poolFor(upstream: string): Pool {
    let pool = this.pools.get(upstream);
    if (!pool) {
      const url = new URL(upstream);
      if (url.protocol !== 'http:') throw new ReplicaPathError(`${upstream}: only http:// replicas are reached directly`, 'EPROTO', false);
      const agent = new Agent({ keepAlive: true, maxSockets: 512, scheduling: 'lifo' });
      pool = { agent, protocol: url.protocol, hostname: url.hostname.replace(/^\[(.*)\]$/, '$1'), port: url.port || '80' };
      this.pools.set(upstream, pool);
    }
    return pool;
  }
}

interface Pool {
  agent: Agent;
  protocol: string;
  hostname: string;
  port: string;
}

/**
 * Which access the API uses, and why (logged at boot). Local replicas listen on this
 * machine: always direct. Kubernetes: BEAMLINE_K8S_REPLICA_ACCESS, where `auto` means
 * direct in a pod (KUBERNETES_SERVICE_HOST: cluster DNS and pod network reachable) and the
 * API server's service proxy outside (a laptop or VM cannot resolve `*.svc`).
 */
export function replicaAccessMode(config: Pick<AppConfig, 'BEAMLINE_CLUSTER_DRIVER' | 'BEAMLINE_K8S_REPLICA_ACCESS' | 'KUBERNETES_SERVICE_HOST'>): {
  mode: ReplicaAccessMode;
  why: string;
} {
  if (config.BEAMLINE_CLUSTER_DRIVER !== 'kubernetes') return { mode: 'direct', why: `the ${config.BEAMLINE_CLUSTER_DRIVER} driver's replicas listen on this machine` };
  const setting = config.BEAMLINE_K8S_REPLICA_ACCESS ?? 'auto';
  if (setting !== 'auto') return { mode: setting, why: `BEAMLINE_K8S_REPLICA_ACCESS=${setting}` };
  return config.KUBERNETES_SERVICE_HOST
    ? { mode: 'direct', why: 'auto: in the cluster (KUBERNETES_SERVICE_HOST), Service names resolve' }
    : { mode: 'api-proxy', why: "auto: outside the cluster ('*.svc' names do not resolve here)" };
}

/** Sends one request; a connection not made within CONNECT_TIMEOUT_MS fails with ETIMEDOUT. */
export function sendWithConnectTimeout(
  send: (url: URL, options: RequestOptions, callback: (res: IncomingMessage) => void) => ClientRequest,
  url: URL,
  options: RequestOptions,
  body: Buffer,
  label: string,
): Promise<ReplicaAnswer> {
  return sendRequest((callback) => send(url, options, callback), options.method, body, label);
}

/** sendWithConnectTimeout for a request `start` makes (with its callback); a streamed body is piped once connected. */
function sendRequest(start: (callback: (res: IncomingMessage) => void) => ClientRequest, method: string | undefined, body: Buffer | StreamedBody, label: string): Promise<ReplicaAnswer> {
  return new Promise((resolve, reject) => {
    const streamed = Buffer.isBuffer(body) ? undefined : body;
    const out = start((res) => resolve({ statusCode: res.statusCode ?? 502, headers: res.headers, body: res }));
    out.on('error', (error: NodeJS.ErrnoException) => {
      if (!streamed?.started) return reject(error);
      const code = error.code ?? 'EPIPE';
      reject(new ReplicaPathError(`the connection failed (${code}) after the streamed request body began to go out; it cannot be sent again`, code, false));
    });
    const pipeBody = () => {
      if (!streamed || streamed.started) return;
      streamed.started = true;
      // A caller that leaves mid-body must not leave the replica waiting for the rest.
      const cut = () => !streamed.from.readableEnded && out.destroy(Object.assign(new Error('the caller left before sending the whole body'), { code: 'ECONNABORTED' }));
      streamed.from.once('close', cut);
      out.once('close', () => streamed.from.off('close', cut));
      streamed.from.pipe(out);
    };
    out.on('socket', (socket) => {
      if (!socket.connecting) return pipeBody();
      const timer = setTimeout(() => out.destroy(Object.assign(new Error(`connect ${label} timed out`), { code: 'ETIMEDOUT' })), CONNECT_TIMEOUT_MS);
      socket.once('connect', () => {
        clearTimeout(timer);
        pipeBody();
      });
      socket.once('secureConnect', () => clearTimeout(timer));
      socket.once('close', () => clearTimeout(timer));
    });
    if (!streamed) out.end(method === 'GET' || method === 'HEAD' ? undefined : body);
  });
}
