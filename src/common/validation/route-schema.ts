import { ROUTE_ARGS_METADATA } from '@nestjs/common/constants.js';
import { RouteParamtypes } from '@nestjs/common/enums/route-paramtypes.enum.js';
import type { z } from 'zod';
import { ZodPipe } from './zod-body.pipe.js';

type ArgMetadata = Record<string, { index: number; pipes?: unknown[] }>;

/**
 * The zod schema a handler validates its body or query with (`@Body(new ZodPipe(s))`),
 * read from Nest's route-argument metadata (keys `<paramtype>:<index>`, pipes alongside).
 * Undefined when the handler has none: it reads the request itself (uploads, the infer proxy) or takes nothing.
 */
export function routeZodSchema(controller: object, method: string, from: 'body' | 'query'): z.ZodType | undefined {
  const paramtype = from === 'body' ? RouteParamtypes.BODY : RouteParamtypes.QUERY;
  const args = (Reflect.getMetadata(ROUTE_ARGS_METADATA, controller, method) ?? {}) as ArgMetadata;
  for (const [key, arg] of Object.entries(args)) {
    if (Number(key.split(':')[0]) !== paramtype) continue;
    const pipe = arg.pipes?.find((p): p is ZodPipe<z.ZodType> => p instanceof ZodPipe);
    if (pipe) return pipe.schema;
  }
  return undefined;
}
