import { Agent, request, type IncomingMessage } from 'node:http';
import { Inject, Injectable } from '@nestjs/common';
import type { Request, Response } from 'express';
import type { ProjectRef } from '../../common/auth/principal.js';
import { APP_CONFIG } from '../../common/config/config.js';
import type { AppConfig } from '../../common/config/config.schema.js';
import { AppError, ErrorCode } from '../../common/errors/app-error.js';
import { EndpointRouter } from './endpoint-router.js';
import { EndpointsMetrics } from './endpoints.metrics.js';
import { replicaPath } from './replica-routes.js';
import { ReplicaTokens } from './replica-tokens.js';

/** Request headers worth passing on (never the caller's Authorization: the proxy sends the replica token instead). */
const FORWARD = ['content-type', 'accept', 'inference-header-content-length', 'x-request-id'];
const BACK = ['content-type', 'inference-header-content-length', 'retry-after'];
/**
 * Failures that happen before a replica saw the request: safe to send it to another
 * replica, and when none is left a 503 with the reason, never a 500. ENOTFOUND/EAI_AGAIN:
 * the replica's `*.svc` name does not resolve, typically an API outside the cluster.
 */
const RETRYABLE = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ECONNABORTED', 'EHOSTUNREACH', 'ENETUNREACH', 'ETIMEDOUT', 'ENOTFOUND', 'EAI_AGAIN']);
/** Why each retryable failure happened, in words a caller can act on. */
const REASON: Record<string, string> = {
  ENOTFOUND: "its address does not resolve from the API (an API outside the cluster cannot resolve '*.svc' names)",
  EAI_AGAIN: 'its address could not be resolved (DNS unavailable)',
  ECONNREFUSED: 'it refused the connection (not listening yet, or stopping)',
  ETIMEDOUT: 'the connection timed out',
};
/** A replica that does not accept the connection within this is skipped (a slow answer is not cut short). */
const CONNECT_TIMEOUT_MS = 3000;
/** How long a request waits for a ready replica (rollouts, restarts) before 503. */
export const PROXY_WAIT_MS = 5000;

/** Tensors are bigger than API bodies: the runtime's own default limit. */
const INFER_BODY_LIMIT = 64 * 1024 * 1024;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * The API's inference proxy: a notebook needs only the Beamline URL and token. The body is
 * read once (inference is idempotent), so a replica that refuses or resets the connection
 * while it drains is simply skipped and the request goes to another one: this is what
 * makes a rolling update lose no request.
 */
@Injectable()
export class EndpointProxy {
  private readonly agent = new Agent({ keepAlive: true, maxSockets: 512 });
  /** How long a request waits for a reachable replica; a test shortens it. */
  waitMs = PROXY_WAIT_MS;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly router: EndpointRouter,
    private readonly metrics: EndpointsMetrics,
    private readonly tokens: ReplicaTokens,
  ) {}

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
    const body = await readBody(req, Math.max(this.config.BEAMLINE_BODY_LIMIT, INFER_BODY_LIMIT));
    const deadline = Date.now() + this.waitMs;
    const failed = new Set<string>();
    let lastError = 'no replica is ready';
    for (;;) {
      const route = await this.router.route(project, name);
      if (!route) throw AppError.notFound(`Endpoint '${name}' in project '${project.name}'`);
      const path = upstreamPath ?? `/v2/models/${encodeURIComponent(route.modelName)}/infer`;
      const upstream = this.router.pick(route, failed);
      if (upstream) {
        try {
          const answer = await this.send(upstream, req.method, path + queryOf(req), req, body, await this.tokens.forEndpoint(route.endpointId));
          if (answer.statusCode === 401) {
            // Never the caller's fault (their token is not forwarded): the replica does not know ours.
            answer.resume();
            this.observe(project, name, 503, started);
            throw new AppError(ErrorCode.Unavailable, `Endpoint '${name}': the replica refused the platform's replica token; API and controller must share BEAMLINE_REPLICA_SECRET (or BEAMLINE_HOME)`);
          }
          this.reply(answer, res);
          this.observe(project, name, answer.statusCode ?? 502, started);
          return;
        } catch (error) {
          const code = (error as NodeJS.ErrnoException).code ?? '';
          if (!RETRYABLE.has(code)) throw error;
          failed.add(upstream);
          lastError = `${upstream}: ${code}${REASON[code] ? `, ${REASON[code]}` : ''}`;
          this.router.invalidate(project, name);
          continue;
        }
      }
      if (Date.now() >= deadline) break;
      failed.clear();
      await sleep(50);
    }
    this.observe(project, name, 503, started);
    res.setHeader('Retry-After', '1');
    throw new AppError(ErrorCode.Unavailable, `Endpoint '${name}' has no ready replica (${lastError})`);
  }

  private send(upstream: string, method: string, path: string, req: Request, body: Buffer, replicaToken: string): Promise<IncomingMessage> {
    const headers: Record<string, string | number> = { 'content-length': body.length, authorization: `Bearer ${replicaToken}` };
    for (const h of FORWARD) {
      const v = req.headers[h];
      if (typeof v === 'string') headers[h] = v;
    }
    return new Promise((resolve, reject) => {
      const out = request(new URL(path, upstream), { method, headers, agent: this.agent }, resolve);
      out.on('error', reject);
      out.on('socket', (socket) => {
        if (!socket.connecting) return;
        const timer = setTimeout(() => out.destroy(Object.assign(new Error(`connect ${upstream} timed out`), { code: 'ETIMEDOUT' })), CONNECT_TIMEOUT_MS);
        socket.once('connect', () => clearTimeout(timer));
        socket.once('close', () => clearTimeout(timer));
      });
      out.end(method === 'GET' || method === 'HEAD' ? undefined : body);
    });
  }

  private reply(answer: IncomingMessage, res: Response): void {
    res.status(answer.statusCode ?? 502);
    for (const h of BACK) {
      const v = answer.headers[h];
      if (v !== undefined) res.setHeader(h, v);
    }
    answer.pipe(res);
  }

  private observe(project: ProjectRef, name: string, code: number, started: number): void {
    const labels = { project: project.name, endpoint: name };
    this.metrics.proxyRequests.inc({ ...labels, code: String(code) });
    this.metrics.proxyDuration.observe(labels, (performance.now() - started) / 1000);
  }
}

function queryOf(req: Request): string {
  const i = req.originalUrl.indexOf('?');
  return i >= 0 ? req.originalUrl.slice(i) : '';
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
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/** The raw (undecoded) part of a proxied path before the replica path. */
const ENDPOINT_PREFIX = /^\/v1\/projects\/[^/]+\/endpoints\/[^/]+/;

/** The proxied paths, which the JSON body parser must leave unread. */
export const PROXY_PATH = /^\/v1\/projects\/[^/]+\/endpoints\/[^/]+\/(infer|v2\/)/;
