import { Injectable, type CallHandler, type ExecutionContext, type NestInterceptor, type NestMiddleware } from '@nestjs/common';
import type { NextFunction, Response } from 'express';
import { tap, type Observable } from 'rxjs';
import { READ_METHODS } from './audit-actions.js';
import { AUDIT_RESULT, httpAuditEvent, type AuditedRequest } from './audit-http.js';
import { AuditService } from './audit.service.js';

/**
 * Records every non-read request under /v1 once its response is done. A middleware, because
 * it runs before the guards: `finish` fires for answers the guard gave (401, 403) as well as
 * the handler's, which an interceptor or filter alone would miss. `close` without `finish` is
 * a client that went away mid-request: recorded too, as failed, since the change may have happened.
 */
@Injectable()
export class AuditMiddleware implements NestMiddleware {
  constructor(private readonly audit: AuditService) {}

  use(req: AuditedRequest, res: Response, next: NextFunction): void {
    if (!READ_METHODS.has(req.method)) {
      // Nest mounts this middleware as an all() route, so `req.route` is ours until a
      // controller route matches; still ours at the end means no route matched (404).
      const own: unknown = req.route;
      let done = false;
      const record = (aborted: boolean) => {
        if (done) return;
        done = true;
        const route = req.route !== own && req.route?.path ? `${req.baseUrl}${req.route.path as string}` : undefined;
        const event = httpAuditEvent(req, res, route, aborted);
        if (event) void this.audit.record(event);
      };
      res.once('finish', () => record(false));
      res.once('close', () => record(!res.writableFinished));
    }
    next();
  }
}

/**
 * Keeps the handler's answer on the request so the middleware can name what was created
 * (a new job's id, a new token's id and role). Only whitelisted fields leave it (audit-actions.ts).
 */
@Injectable()
export class AuditInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'http') return next.handle();
    const req = context.switchToHttp().getRequest<AuditedRequest>();
    if (READ_METHODS.has(req.method)) return next.handle();
    return next.handle().pipe(tap((value) => (req[AUDIT_RESULT] = value)));
  }
}
