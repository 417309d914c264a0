import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';
import { AppError } from '../errors/app-error.js';
import { unstorableReason, unstorableText } from './storable-text.js';

/**
 * Path parameters and the query string, checked for text PostgreSQL cannot store (see
 * storable-text.ts) on every route. A guard, and the first one, because AuthGuard already
 * looks the `:project` parameter up in the database; bodies are checked later, after
 * authentication, by parseOrThrow. Path parameters are named as the route names them
 * (`project`, `name`), query parameters as `query.<name>`, as the query pipes do.
 */
@Injectable()
export class UrlTextGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    if (context.getType() !== 'http') return true;
    const req = context.switchToHttp().getRequest<Request>();
    // The common case, every value storable, is answered without building anything.
    if (storableParams(req.params) && isEmpty(req.query)) return true;
    // A wildcard parameter (`*path`) arrives as its segments; it is one field to the caller.
    const params = Object.fromEntries(Object.entries(req.params ?? {}).map(([k, v]: [string, unknown]) => [k, Array.isArray(v) ? v.join('/') : v]));
    const problems = [...unstorableText(params), ...unstorableText(req.query ?? {}, 'query')];
    if (problems.length > 0) throw AppError.validation(problems, 'The request URL holds text that cannot be stored');
    return true;
  }
}

/** Every parameter (name and value, a wildcard's segments too) is text PostgreSQL can store. */
function storableParams(params: Record<string, unknown> | undefined): boolean {
  for (const key in params) {
    if (unstorableReason(key) !== undefined) return false;
    const value = params[key];
    if (typeof value === 'string' ? unstorableReason(value) !== undefined : !Array.isArray(value) || value.some((v) => typeof v !== 'string' || unstorableReason(v) !== undefined)) return false;
  }
  return true;
}

function isEmpty(query: unknown): boolean {
  if (query === undefined || query === null) return true;
  for (const _ in query as object) return false;
  return true;
}
