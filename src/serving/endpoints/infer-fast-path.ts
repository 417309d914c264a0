import { Injectable, Logger, type CanActivate, type NestMiddleware } from '@nestjs/common';
import { ModulesContainer } from '@nestjs/core';
import { ExecutionContextHost } from '@nestjs/core/helpers/execution-context-host.js';
import type { NextFunction, Request, Response } from 'express';
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

/**
 * The infer proxy's hot path, out of Nest's per-request pipeline (router, guard and
 * interceptor chains, param pipes, exception zone): measured in docs/benchmarks.md ("Infer
 * proxy"). A Nest middleware on `POST …/infer`, so it runs after the app's own express
 * middleware (request id, HTTP metrics and access log, audit) and before the router. What
 * the route would do, it does itself:
 *   1. the same global guard instances (URL text, authentication and project role, rate
 *      limit), asked with the controller's `infer` handler, so its decorators (@ReadsOnly,
 *      @RateLimited('infer')) apply exactly as on the Nest route;
 *   2. EndpointProxy.forward, as the controller's handler;
 *   3. any error through the app's ProblemFilter itself (problem+json, a logged 500 for the unknown).
 * Where the guards cannot be found (another global guard was added and this code does not
 * know it) it steps aside and the Nest route serves every request, so no check is skipped.
 */
@Injectable()
export class InferFastPath implements NestMiddleware {
  private readonly logger = new Logger('InferFastPath');
  private readonly filter = new ProblemFilter();
  private guards: CanActivate[] | null | undefined;

  constructor(
    private readonly modules: ModulesContainer,
    private readonly proxy: EndpointProxy,
  ) {}

  use(req: InferRequest, res: Response, next: NextFunction): void {
    const match = req.method === 'POST' ? INFER_PATH.exec(req.originalUrl) : null;
    const guards = match ? this.globalGuards() : null;
    if (!match || !guards) return next();
    // What the Nest route would have set: its params, its template (HTTP metrics, audit).
    const params = { project: decoded(match[1]), name: decoded(match[2]) };
    // A malformed escape: the Nest route answers it as it answers every other route.
    if (params.project === undefined || params.name === undefined) return next();
    Object.assign(req, { params, baseUrl: '', route: { path: INFER_ROUTE } });
    const context = new ExecutionContextHost([req, res, next], EndpointsController, EndpointsController.prototype.infer);
    context.setType('http');
    this.serve(req, res, context, guards, params.name).catch((error: unknown) => this.fail(req, res, context, error));
  }

  private async serve(req: InferRequest, res: Response, context: ExecutionContextHost, guards: CanActivate[], name: string): Promise<void> {
    for (const guard of guards) await guard.canActivate(context);
    // AuthGuard set req.project (step 5 of its checks) for this `:project` route.
    await this.proxy.forward(req.project!, name, undefined, req, res);
  }

  private fail(req: InferRequest, res: Response, context: ExecutionContextHost, error: unknown): void {
    req.resume();
    if (res.headersSent) {
      // The replica's answer was already streaming: all that is left is to cut it short.
      this.logger.error({ requestId: req.id, err: error }, 'infer failed mid-answer');
      res.destroy();
      return;
    }
    this.filter.catch(error, context);
  }

  /** The guard instances CommonModule registered as APP_GUARD, ordered; null when there are others. */
  private globalGuards(): CanActivate[] | null {
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
    this.guards = complete ? (ordered as CanActivate[]) : null;
    return this.guards;
  }
}

function decoded(segment: string): string | undefined {
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined;
  }
}
