import { Injectable, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import type { Request } from 'express';
import type { Observable } from 'rxjs';
import { AppError, ErrorCode } from '../errors/app-error.js';
import { routeZodSchema } from './route-schema.js';

/** application/json and the +json types (e.g. application/merge-patch+json): what the JSON parser reads. */
export const isJsonMediaType = (type: string | undefined): boolean => !!type && /^application\/([\w.+-]*\+)?json\b/i.test(type);

/**
 * A body sent to a route that validates a JSON body must say it is JSON. Without this,
 * the parser skips a text/plain, form or XML body (or one with no Content-Type) and the
 * validator answers an opaque "expected object"; a 415 names the type to send instead.
 * Runs after the guards (401/403 first) and before the pipes. Routes that read other
 * types themselves (artifact upload, the infer proxy) have no body schema, and a request
 * without a body (Content-Length 0 or none) is left to the validator.
 */
@Injectable()
export class JsonBodyInterceptor implements NestInterceptor {
  private readonly takesJson = new WeakMap<object, boolean>();

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'http') return next.handle();
    const req = context.switchToHttp().getRequest<Request>();
    if (hasBody(req) && !isJsonMediaType(req.headers['content-type']) && this.routeTakesJson(context)) {
      const got = req.headers['content-type'] ? `got ${req.headers['content-type']}` : 'no Content-Type was sent';
      throw new AppError(ErrorCode.UnsupportedMediaType, `This operation takes a JSON body: send it with Content-Type: application/json (${got})`, [
        { field: 'header:Content-Type', message: 'expected application/json' },
      ]);
    }
    return next.handle();
  }

  private routeTakesJson(context: ExecutionContext): boolean {
    const handler = context.getHandler();
    let known = this.takesJson.get(handler);
    if (known === undefined) {
      known = routeZodSchema(context.getClass(), handler.name, 'body') !== undefined;
      this.takesJson.set(handler, known);
    }
    return known;
  }
}

function hasBody(req: Request): boolean {
  if (req.headers['transfer-encoding'] !== undefined) return true;
  return Number(req.headers['content-length'] ?? 0) > 0;
}
