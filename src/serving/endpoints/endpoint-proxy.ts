import { Inject, Injectable, Logger, Optional, type OnModuleInit } from '@nestjs/common';
import type { Readable } from 'node:stream';
import type { Request, Response } from 'express';
import type { ProjectRef } from '../../common/auth/principal.js';
import { APP_CONFIG } from '../../common/config/config.js';
import type { AppConfig } from '../../common/config/config.schema.js';
import { AppError, ErrorCode } from '../../common/errors/app-error.js';
import { EndpointDemand } from './endpoint-demand.js';
import { EndpointRouter, type Route, type SubRoute } from './endpoint-router.js';
import { CanaryStats } from './endpoint-traffic-stats.js';
import { EndpointsMetrics } from './endpoints.metrics.js';
import { replicaPath } from './replica-routes.js';
import { DirectAccess, ReplicaPathError, replicaAccessMode, type ReplicaAccess, type ReplicaAnswer, type StreamedBody } from './replica-access.js';
import { ReplicaTokens } from './replica-tokens.js';
import { mirrors, pickTrack } from './traffic-split.js';

/** Request headers worth passing on (never the caller's Authorization: the proxy sends the replica token instead). */
const FORWARD = ['content-type', 'accept', 'inference-header-content-length', 'x-request-id'];
/** content-length too: the answer is piped through unchanged, and with it the caller's answer needs no chunked framing. */
const BACK = ['content-type', 'content-length', 'inference-header-content-length', 'retry-after'];
/**
 * Failures that happen before a replica saw the request: safe to send it to another
 * replica, and when none is left a 503 with the reason, never a 500. ENOTFOUND/EAI_AGAIN:
 * the replica's `*.svc` name does not resolve, typically an API outside the cluster.
 */
const RETRYABLE = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ECONNABORTED', 'EHOSTUNREACH', 'ENETUNREACH', 'ETIMEDOUT', 'ENOTFOUND', 'EAI_AGAIN']);
/** Why each retryable failure happened, in words a caller can act on. */
const REASON: Record<string, string> = {
  ENOTFOUND: "its address does not resolve from the API (an API outside the cluster cannot resolve '*.svc' names: BEAMLINE_K8S_REPLICA_ACCESS=auto or api-proxy goes through the API server)",
  EAI_AGAIN: 'its address could not be resolved (DNS unavailable)',
  ECONNREFUSED: 'it refused the connection (not listening yet, or stopping)',
  ETIMEDOUT: 'the connection timed out',
};
/** How long a request waits for a ready replica (rollouts, restarts) before 503. */
export const PROXY_WAIT_MS = 5000;

/** Tensors are bigger than API bodies: the runtime's own default limit. */
const INFER_BODY_LIMIT = 64 * 1024 * 1024;
/**
 * A body with a declared length above this is piped to the replica (where the access can:
 * direct), not read whole first. Below it, reading it whole costs next to nothing and keeps
 * every retry possible (a streamed body is resent only if no byte of it left).
 */
export const STREAM_BODY_ABOVE = 64 * 1024;
const EMPTY = Buffer.alloc(0);
const NO_FAILURES: ReadonlySet<string> = new Set<string>();

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Mirrored requests in flight per API instance; beyond this a copy is dropped (counted), never queued. */
export const SHADOW_IN_FLIGHT = 64;
/** A shadow answer slower than this is abandoned (counted as code `timeout`). */
const SHADOW_TIMEOUT_MS = 30_000;

/**
 * The API's inference proxy: a notebook needs only the Beamline URL and token. A body up to
 * STREAM_BODY_ABOVE is read once (inference is idempotent), so a replica that refuses or
 * resets the connection while it drains is simply skipped and the request goes to another
 * one: this is what makes a rolling update lose no request. A larger body is piped to the
 * replica once a connection is made: a refused or timed-out connection is still retried
 * elsewhere; a failure after the body began to flow is a 503 (it cannot be resent).
 */
@Injectable()
export class EndpointProxy implements OnModuleInit {
  /** How long a request waits for a reachable replica; a test shortens it. */
  waitMs = PROXY_WAIT_MS;
  /** Direct until onModuleInit picks the configured access (replica-access.ts); a test may set it. */
  access: ReplicaAccess = new DirectAccess();
  private readonly replicaTokens = new Map<string, Promise<string>>();
  /** The derived tokens already resolved: a request needs no await for them. */
  private readonly knownTokens = new Map<string, string>();
  private shadowInFlight = 0;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly router: EndpointRouter,
    private readonly metrics: EndpointsMetrics,
    private readonly tokens: ReplicaTokens,
    @Optional() private readonly demand?: EndpointDemand,
    @Optional() private readonly canaryStats?: CanaryStats,
  ) {}

  /** The API picks how it reaches replicas once, and says so in the boot log. The controller never proxies. */
  async onModuleInit(): Promise<void> {
    if (this.config.BEAMLINE_ROLE === 'controller') return;
    const { mode, why } = replicaAccessMode(this.config);
    let via = '';
    if (mode === 'api-proxy') {
      const [{ kubeEnv, loadKubeConfig }, { ApiServerProxyAccess }] = await Promise.all([
        import('../../cluster/kubernetes/kube-config.js'),
        import('../../cluster/kubernetes/serving/api-server-proxy.js'),
      ]);
      const access = new ApiServerProxyAccess(loadKubeConfig(kubeEnv(this.config)).kc);
      via = ` via ${access.server}`;
      this.access = access;
    }
    new Logger('EndpointProxy').log({ replicaAccess: mode, why }, `infer proxy reaches replicas ${mode === 'direct' ? 'directly' : 'through the Kubernetes API server service proxy'}${via} (${why})`);
  }

  /**
   * `/v1/projects/{p}/endpoints/{name}/v2/...`: only the V2 routes in replica-routes.ts go
   * on; any other path (`/metrics`, `..` in any spelling) is 404 before a replica is asked.
   */
  async forwardV2(project: ProjectRef, name: string, req: Request, res: Response): Promise<void> {
    const raw = req.originalUrl.split('?')[0];
    const at = ENDPOINT_PREFIX.exec(raw);
    const path = at ? replicaPath(raw.slice(at[0].length)) : undefined;
    if (!path) {
      req.resume();
      throw new AppError(ErrorCode.NotFound, `${raw.slice(at?.[0].length ?? 0)} is not a V2 route an endpoint exposes (see docs/endpoints.md)`);
    }
    await this.forward(project, name, path, req, res);
  }

  /** `upstreamPath` is an allowed replica path (replicaPath), or undefined for `/infer` (the model's V2 infer). */
  async forward(project: ProjectRef, name: string, upstreamPath: string | undefined, req: Request, res: Response): Promise<void> {
    const started = performance.now();
    const limit = Math.max(this.config.BEAMLINE_BODY_LIMIT, INFER_BODY_LIMIT);
    let streamed = this.streamable(req, limit);
    let body = streamed ? EMPTY : (bufferedBody(req, limit) ?? (await readBody(req, limit)));
    let deadline = Date.now() + this.waitMs;
    // The replicas that failed this request; the shared empty set until one does (pick() only reads it).
    let failed: ReadonlySet<string> = NO_FAILURES;
    let lastError = 'no replica is ready';
    let counted = false;
    let unhold: (() => void) | undefined;
    let callerLeft = false;
    // Drawn once per request (on first need), so a retry after a refused connection stays on its track (and is copied at most once).
    let draw: number | undefined;
    let mirrorDraw: number | undefined;
    let mirrored = false;
    for (;;) {
      const route = await this.router.route(project, name);
      if (!route) throw AppError.notFound(`Endpoint '${name}' in project '${project.name}'`);
      if (route.autoscaled && !counted) counted = this.count(project, name, route, res);
      if (route.multiModel && upstreamPath === undefined) {
        throw AppError.validation([{ field: 'path', message: `endpoint '${name}' serves many models: POST .../endpoints/${name}/v2/models/{model}/infer names the model` }]);
      }
      const path = upstreamPath ?? `/v2/models/${encodeURIComponent(route.modelName)}/infer`;
      // Many models: keep each model on one replica (its cache), by the name in the path.
      const key = route.multiModel ? /^\/v2\/models\/([^/]+)/.exec(path)?.[1] : undefined;
      // The canary's share goes to its replicas; with none ready (starting, stopped) stable answers it.
      const wantsCanary = route.canary && pickTrack(route.canary.percent, (draw ??= Math.random())) === 'canary';
      const canaryUpstream = wantsCanary ? this.router.pick({ ...route, upstreams: route.canary!.upstreams }, failed) : undefined;
      const upstream = canaryUpstream ?? this.router.pick(route, failed, key);
      const track = canaryUpstream ? 'canary' : 'stable';
      if (upstream) {
        unhold?.();
        if (!mirrored && route.shadow && isInfer(upstreamPath) && mirrors(route.shadow.percent, (mirrorDraw ??= Math.random())) && !streamed?.started) {
          mirrored = true;
          // The copy needs the body whole: one that would have been streamed (and has not
          // begun to flow) is read whole instead.
          if (streamed) [body, streamed] = [await readBody(req, limit), undefined];
          this.mirror(project, name, route, route.shadow, body, req);
        }
        try {
          const request = {
            method: req.method,
            path: path + queryOf(req),
            headers: forwardedHeaders(req),
            body,
            replicaToken: this.knownTokens.get(route.endpointId) ?? (await this.replicaToken(route.endpointId)),
          };
          const answer = await (streamed ? this.access.sendStreamed!(upstream, request, streamed) : this.access.send(upstream, request));
          if (answer.statusCode === 401) {
            // Never the caller's fault (their token is not forwarded): the replica does not know ours.
            answer.body.resume();
            this.observe(project, name, 503, started);
            throw new AppError(ErrorCode.Unavailable, `Endpoint '${name}': the replica refused the platform's replica token; API and controller must share BEAMLINE_REPLICA_SECRET (or BEAMLINE_HOME)`);
          }
          this.reply(answer, res);
          this.observe(project, name, answer.statusCode, started, route, track);
          return;
        } catch (error) {
          if (error instanceof ReplicaPathError && !error.retryable) {
            this.observe(project, name, 503, started);
            throw new AppError(ErrorCode.Unavailable, `Endpoint '${name}': ${upstream}: ${error.message}`);
          }
          const code = (error as NodeJS.ErrnoException).code ?? '';
          if (!(error instanceof ReplicaPathError) && !RETRYABLE.has(code)) throw error;
          failed = new Set([...failed, upstream]);
          lastError = error instanceof ReplicaPathError ? `${upstream}: ${error.message}` : `${upstream}: ${code}${REASON[code] ? `, ${REASON[code]}` : ''}`;
          this.router.invalidate(project, name);
          continue;
        }
      }
      if (route.autoscaled && !unhold && this.demand) {
        // No ready replica (scaled to zero, or starting): wait in the bounded queue; holding wakes the autoscaler.
        unhold = this.demand.hold(route.endpointId);
        if (!unhold) this.unavailable(project, name, started, res, `Endpoint '${name}' has no ready replica and its hold queue is full (${this.config.BEAMLINE_ENDPOINT_HOLD_QUEUE} requests already wait on this API instance, BEAMLINE_ENDPOINT_HOLD_QUEUE); retry later`);
        this.metrics.proxyHeld.inc({ project: project.name, endpoint: name });
        res.once('close', () => this.metrics.proxyHeld.dec({ project: project.name, endpoint: name }));
        res.once('close', unhold);
        res.once('close', () => (callerLeft = true)); // before an answer, 'close' means the caller hung up
        deadline = Math.max(deadline, Date.now() + this.config.BEAMLINE_ENDPOINT_HOLD_TIMEOUT_MS);
        lastError = `none became ready within ${this.config.BEAMLINE_ENDPOINT_HOLD_TIMEOUT_MS} ms while the endpoint scaled up (BEAMLINE_ENDPOINT_HOLD_TIMEOUT_MS)`;
      }
      if (Date.now() >= deadline) break;
      failed = NO_FAILURES;
      await sleep(50);
      if (callerLeft) return; // nobody to answer: stop waiting for a replica
    }
    this.unavailable(project, name, started, res, `Endpoint '${name}' has no ready replica (${lastError})`);
  }

  /**
   * The caller's body as a stream, where it is large (declared length above
   * STREAM_BODY_ABOVE, not chunked) and the access can stream; undefined reads it whole.
   * A declared length above the limit is 413 at once, before a byte is read.
   */
  private streamable(req: Request, limit: number): StreamedBody | undefined {
    const declared = Number(req.headers['content-length'] ?? NaN);
    if (declared > limit) {
      throw new AppError(ErrorCode.PayloadTooLarge, `The request body is larger than ${limit} bytes`);
    }
    if (!this.access.sendStreamed || req.headers['transfer-encoding'] !== undefined || !(declared > STREAM_BODY_ABOVE)) return undefined;
    return { from: req, length: declared, started: false };
  }

  /** 503 with Retry-After: the caller may try again; never a 500. */
  private unavailable(project: ProjectRef, name: string, started: number, res: Response, message: string): never {
    this.observe(project, name, 503, started);
    res.setHeader('Retry-After', '1');
    throw new AppError(ErrorCode.Unavailable, message);
  }

  /** An autoscaled endpoint's request counts as demand until its answer is done (or the caller left). */
  private count(project: ProjectRef, name: string, route: Route, res: Response): boolean {
    if (!this.demand) return false;
    const labels = { project: project.name, endpoint: name };
    this.metrics.proxyInFlight.inc(labels);
    res.once('close', this.demand.enter(route.endpointId));
    res.once('close', () => this.metrics.proxyInFlight.dec(labels));
    return true;
  }

  /** Derived once per endpoint: the secret it comes from is read once per process too (replica-tokens.ts). */
  private replicaToken(endpointId: string): Promise<string> {
    let token = this.replicaTokens.get(endpointId);
    if (!token) {
      token = this.tokens.forEndpoint(endpointId);
      this.replicaTokens.set(endpointId, token);
      token.then((value) => this.knownTokens.set(endpointId, value), () => this.replicaTokens.delete(endpointId));
    }
    return token;
  }

  private reply(answer: ReplicaAnswer, res: Response): void {
    res.statusCode = answer.statusCode;
    for (const h of BACK) {
      const v = answer.headers[h];
      if (v !== undefined) res.setHeader(h, v);
    }
    // A small answer has usually arrived whole with its headers: written in one call (and
    // before the metrics are counted), without setting up a pipe. Reading it to the end
    // frees the replica's connection for the next request as the pipe's end would.
    const whole = complete(answer.body) ? (answer.body.read() as Buffer | null) : undefined;
    if (whole !== undefined) res.end(whole ?? undefined);
    else answer.body.pipe(res);
  }

  private observe(project: ProjectRef, name: string, code: number, started: number, route?: Route, track: 'stable' | 'canary' = 'stable'): void {
    const labels = { project: project.name, endpoint: name };
    const seconds = (performance.now() - started) / 1000;
    this.metrics.proxyRequests.inc({ project: project.name, endpoint: name, code: String(code) });
    this.metrics.proxyDuration.observe(labels, seconds);
    // Per track only while a canary or shadow runs: the plain path pays nothing more.
    if (route?.canary || route?.shadow) this.observeTrack(project, name, track, code, seconds);
    if (route?.canary) this.canaryStats?.record(route.endpointId, route.canary.revision, track, code, seconds);
  }

  private observeTrack(project: ProjectRef, name: string, track: 'stable' | 'canary' | 'shadow', code: number | string, seconds?: number): void {
    const labels = { project: project.name, endpoint: name, track };
    this.metrics.trackRequests.inc({ ...labels, code: String(code) });
    if (seconds !== undefined) this.metrics.trackDuration.observe(labels, seconds);
  }

  /**
   * Fire-and-forget copy of an infer request to the shadow's replicas: started after the
   * request went to its own replica, never awaited, its answer read and dropped; only the
   * metrics (track `shadow`) see it. Bounded (SHADOW_IN_FLIGHT per instance): beyond it a copy
   * is dropped and counted as code `dropped`, so a slow shadow cannot pile up memory.
   */
  private mirror(project: ProjectRef, name: string, route: Route, shadow: SubRoute, body: Buffer, req: Request): void {
    const upstream = this.router.pick({ ...route, upstreams: shadow.upstreams }, new Set());
    if (!upstream || this.shadowInFlight >= SHADOW_IN_FLIGHT) {
      this.observeTrack(project, name, 'shadow', upstream ? 'dropped' : 'unavailable');
      return;
    }
    this.shadowInFlight += 1;
    const started = performance.now();
    const headers = forwardedHeaders(req);
    const done = (code: number | string) => {
      this.shadowInFlight -= 1;
      this.observeTrack(project, name, 'shadow', code, (performance.now() - started) / 1000);
    };
    setImmediate(() => {
      let timer: NodeJS.Timeout | undefined;
      const send = async () => {
        const answer = await this.access.send(upstream, { method: 'POST', path: `/v2/models/${encodeURIComponent(shadow.modelName)}/infer`, headers, body, replicaToken: await this.replicaToken(route.endpointId) });
        await new Promise<void>((resolve, reject) => {
          timer = setTimeout(() => {
            answer.body.destroy();
            reject(Object.assign(new Error('shadow answer timed out'), { code: 'timeout' }));
          }, SHADOW_TIMEOUT_MS);
          answer.body.on('end', resolve).on('error', reject).resume();
        });
        return answer.statusCode;
      };
      send()
        .then((code) => done(code))
        .catch((error: unknown) => done((error as { code?: string }).code === 'timeout' ? 'timeout' : 'error'))
        .finally(() => clearTimeout(timer));
    });
  }
}

/** Only inference is mirrored: `/infer`, or a V2 `…/infer` path (metadata and health are not). */
function isInfer(upstreamPath: string | undefined): boolean {
  return upstreamPath === undefined || /\/infer$/.test(upstreamPath);
}

function forwardedHeaders(req: Request): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const h of FORWARD) {
    const v = req.headers[h];
    if (typeof v === 'string') headers[h] = v;
  }
  return headers;
}

function queryOf(req: Request): string {
  const i = req.originalUrl.indexOf('?');
  return i >= 0 ? req.originalUrl.slice(i) : '';
}

/**
 * Whether a stream from `node:http` (a caller's request, a replica's answer) has its whole
 * body buffered and unread: its parser saw the message's end (`complete`), and no one reads
 * it yet. Other streams (a test's) are never taken to be complete.
 */
function complete(stream: Readable): boolean {
  return (stream as Readable & { complete?: boolean }).complete === true && stream.readableFlowing === null && !stream.readableEnded;
}

/**
 * The caller's body when it has already arrived whole and nothing read it (through Nest's
 * pipeline it often has): no listeners, no copy. Undefined when it has not, as on the infer
 * fast path, which gets here before the server's parser hands over the body (each parser
 * callback is its own callback scope there); readBody() then waits for it.
 */
function bufferedBody(req: Request, limit: number): Buffer | undefined {
  if (!complete(req)) return undefined;
  const body = (req.read() as Buffer | null) ?? EMPTY;
  if (body.length > limit) throw new AppError(ErrorCode.PayloadTooLarge, `The request body is larger than ${limit} bytes`);
  return body;
}

/** The whole request body, refusing more than `limit` bytes with 413. */
function readBody(req: Request, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        req.pause();
        reject(new AppError(ErrorCode.PayloadTooLarge, `The request body is larger than ${limit} bytes`));
        return;
      }
      chunks.push(chunk);
    });
    // One chunk (most bodies) is the body itself: concat would copy it.
    req.on('end', () => resolve(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/** The raw (undecoded) part of a proxied path before the replica path. */
const ENDPOINT_PREFIX = /^\/v1\/projects\/[^/]+\/endpoints\/[^/]+/;

/** The proxied paths, which the JSON body parser must leave unread. */
export const PROXY_PATH = /^\/v1\/projects\/[^/]+\/endpoints\/[^/]+\/(infer|v2\/)/;
