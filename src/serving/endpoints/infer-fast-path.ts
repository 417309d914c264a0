import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { ForbiddenException, Injectable, Logger, type CanActivate } from '@nestjs/common';
import { ModulesContainer } from '@nestjs/core';
import { ExecutionContextHost } from '@nestjs/core/helpers/execution-context-host.js';
import type { Express, NextFunction, Request, Response } from 'express';
import { AuditMiddleware } from '../../audit/audit.middleware.js';
import { AuditService } from '../../audit/audit.service.js';
import { AuthGuard } from '../../common/auth/auth.guard.js';
import type { AuthedRequest } from '../../common/auth/principal.js';
import { ProblemFilter } from '../../common/errors/problem.filter.js';
import { RateLimitGuard } from '../../common/rate-limit/rate-limit.guard.js';
import { UrlTextGuard } from '../../common/validation/url-text.guard.js';
import { EndpointProxy } from './endpoint-proxy.js';
import { EndpointsController } from './endpoints.controller.js';

/** `POST /v1/projects/{project}/endpoints/{name}/infer`, no query string: the only path taken here. */
const INFER_PATH = /^\/v1\/projects\/([^/?]+)\/endpoints\/([^/?]+)\/infer\/?$/;
/** The route's template, as the HTTP metrics and the audit log name it. */
export const INFER_ROUTE = '/v1/projects/:project/endpoints/:name/infer';
/** The global guards, in the order CommonModule declares them (URL text, then who, then how often). */
const GUARD_ORDER = [UrlTextGuard, AuthGuard, RateLimitGuard] as const;

type InferRequest = Request & AuthedRequest;
/** A global guard; AuthGuard and RateLimitGuard also offer check(), the same answer without a promise where none is needed. */
type FastGuard = CanActivate & { check?(context: ExecutionContextHost): boolean | Promise<boolean> };
/** What `req.route` is on this path (shared: nothing writes to it). */
const ROUTE = Object.freeze({ path: INFER_ROUTE });
/** An express middleware that only ever calls `next()` without an error (request-context.ts). */
export type PlainMiddleware = (req: Request, res: Response, next: NextFunction) => void;

const noop = () => undefined;

/**
 * The infer proxy's hot path, ahead of express: a `request` listener on the HTTP server
 * that takes `POST …/endpoints/{name}/infer` (no query string) and hands every other
 * request to the express app unchanged. Express's router walk, its middleware stack and
 * Nest's router, guard and interceptor chains cost several times what the proxying itself
 * does (measured in docs/benchmarks.md, "Infer proxy overhead"). What the route would get,
 * it does itself, in express's order:
 *   1. what express's `app.handle` and router set on every request (`originalUrl`,
 *      `baseUrl`; its request and response prototypes only for an error answer, step 6);
 *   2. the app's request-context middleware itself (request id, X-Request-Id, the HTTP
 *      duration metric and the access log line), and the audit middleware itself (denied
 *      calls recorded as `endpoint.infer`); the JSON body parser leaves proxied paths alone;
 *   3. the route's params and template (`req.route`), which the metric and audit read;
 *   4. the same global guard instances (URL text, authentication and project role, rate
 *      limit), asked with the controller's `infer` handler, so its decorators (@ReadsOnly,
 *      @RateLimited('infer')) apply exactly as on the Nest route;
 *   5. EndpointProxy.forward, as the controller's handler;
 *   6. any error through the app's ProblemFilter (problem+json, a logged 500 for the unknown).
 * Where the guards cannot be found (another global guard was added and this code does not
 * know it), or the server's listener is not the one express app, it steps aside and the
 * Nest route serves every request, so no check is skipped.
 */
@Injectable()
export class InferFastPath {
  private readonly logger = new Logger('InferFastPath');
  private readonly filter = new ProblemFilter();
  private readonly audit: AuditMiddleware;
  private guards: FastGuard[] | null | undefined;

  constructor(
    private readonly modules: ModulesContainer,
    private readonly proxy: EndpointProxy,
    audit: AuditService,
  ) {
    this.audit = new AuditMiddleware(audit);
  }

  /**
   * Puts this path ahead of `app` on `server` (app.factory.ts, once, before listening).
   * `context` is the request-context middleware the app itself uses. False (and a warning)
   * when the server's `request` listener is not the express app alone: then nothing changes.
   */
  install(server: Server, app: Express, context: PlainMiddleware): boolean {
    const listeners = server.listeners('request');
    if (listeners.length !== 1 || listeners[0] !== app) {
      this.logger.warn({ listeners: listeners.length }, 'infer fast path off: the HTTP server does not hand requests to the express app alone; the Nest route serves infer');
      return false;
    }
    server.removeListener('request', app);
    server.on('request', (req: IncomingMessage, res: ServerResponse) => {
      if (!this.take(req, res, app, context)) app(req, res);
    });
    return true;
  }

  /** Serves `req` when it is an infer call this path knows how to take; false leaves it to express. */
  private take(raw: IncomingMessage, rawRes: ServerResponse, app: Express, context: PlainMiddleware): boolean {
    const match = raw.method === 'POST' ? INFER_PATH.exec(raw.url ?? '') : null;
    const guards = match ? this.globalGuards() : null;
    if (!match || !guards) return false;
    const project = decoded(match[1]);
    const name = decoded(match[2]);
    // A malformed escape: the Nest route answers it as it answers every other route.
    if (project === undefined || name === undefined) return false;

    // 1. What express's app.handle and router set first (x-powered-by is off in app.factory.ts).
    //    Not its request and response prototypes: nothing on the success path needs them, and
    //    swapping prototypes per request slows every later call on these objects. An error
    //    answer gets them (fail()), for the problem filter.
    const req = raw as InferRequest;
    const res = rawRes as unknown as Response;
    req.originalUrl = raw.url!;
    req.baseUrl = '';
    // 2. The app's own middleware, in its order. The audit middleware takes `req.route` as it
    //    finds it to mean "no route matched": it must run before the route is set below.
    context(req, res, noop);
    this.audit.use(req, res, noop);
    // 3. What the Nest route would have set: its params, its template (HTTP metrics, audit).
    req.params = { project, name };
    req.route = ROUTE;
    const ctx = new ExecutionContextHost([req, res, noop], EndpointsController, EndpointsController.prototype.infer);
    ctx.setType('http');
    this.serve(req, res, ctx, guards, name).catch((error: unknown) => this.fail(req, res, ctx, error, app));
    return true;
  }

  private async serve(req: InferRequest, res: Response, context: ExecutionContextHost, guards: FastGuard[], name: string): Promise<void> {
    // 4. The guards. On a warm cache AuthGuard and RateLimitGuard (limits off, or none on the
    // route) answer synchronously through check(): nothing is awaited then. A guard that
    // answers false (none of ours does; they throw) is refused as Nest refuses it.
    for (const guard of guards) {
      const answer = guard.check ? guard.check(context) : guard.canActivate(context);
      if (!(typeof answer === 'boolean' ? answer : await answer)) throw new ForbiddenException('Forbidden resource');
    }
    // 5. AuthGuard set req.project (step 5 of its checks) for this `:project` route.
    await this.proxy.forward(req.project!, name, undefined, req, res);
  }

  /** 6. */
  private fail(req: InferRequest, res: Response, context: ExecutionContextHost, error: unknown, app: Express): void {
    req.resume();
    // As express's app.handle would have: `res.status()`, `req.ip` and the rest, for the filter and the audit.
    Object.setPrototypeOf(req, app.request as object);
    Object.setPrototypeOf(res, app.response as object);
    Object.assign(req, { res });
    Object.assign(res, { req, locals: Object.create(null) as Record<string, unknown> });
    if (res.headersSent) {
      // The replica's answer was already streaming: all that is left is to cut it short.
      this.logger.error({ requestId: req.id, err: error }, 'infer failed mid-answer');
      res.destroy();
      return;
    }
    this.filter.catch(error, context);
  }

  /** The guard instances CommonModule registered as APP_GUARD, ordered; null when there are others. */
  private globalGuards(): FastGuard[] | null {
    if (this.guards !== undefined) return this.guards;
    const found: CanActivate[] = [];
    for (const module of this.modules.values()) {
      for (const [token, wrapper] of module.providers) {
        if (typeof token === 'string' && token.startsWith('APP_GUARD') && wrapper.instance) found.push(wrapper.instance as CanActivate);
      }
    }
    const ordered = GUARD_ORDER.map((type) => found.find((g) => g instanceof type));
    const complete = found.length === GUARD_ORDER.length && ordered.every((g) => g !== undefined);
    if (!complete) this.logger.warn({ guards: found.map((g) => g.constructor.name) }, 'infer fast path off: the global guards are not the ones it knows; the Nest route serves infer');
    this.guards = complete ? (ordered as FastGuard[]) : null;
    return this.guards;
  }
}

function decoded(segment: string): string | undefined {
  if (!segment.includes('%')) return segment;
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined;
  }
}
