import { ModulesContainer } from '@nestjs/core';
import type { INestApplication } from '@nestjs/common';
import type { z } from 'zod';
import { IS_PUBLIC } from '../auth/public.decorator.js';
import { RATE_LIMITED } from '../rate-limit/rate-limited.decorator.js';
import { routeZodSchema } from '../validation/route-schema.js';

/** What the document cannot know from swagger's decorators, read from the handlers' own metadata. */
export interface RouteFacts {
  /** @Public(): no bearer token, so no 401/403. */
  public: boolean;
  /** @RateLimited(): may answer 429 with Retry-After. */
  rateLimited: boolean;
  /** The zod schema a @Query(new ZodPipe(...)) validates: the query parameters, typed. */
  query?: z.ZodType;
  /** A @Body(new ZodPipe(...)): a body that fails validation is a 400. */
  validatesBody: boolean;
}

/**
 * Facts per controller method, keyed `<Controller>_<method>`: swagger's default
 * operationId (an @All route adds `_<verb>`, matched by prefix in complete-document.ts).
 */
export function collectRouteFacts(app: INestApplication): Map<string, RouteFacts> {
  const facts = new Map<string, RouteFacts>();
  for (const module of app.get(ModulesContainer).values()) {
    for (const wrapper of module.controllers.values()) {
      const type = wrapper.metatype as (new (...args: never[]) => object) | null;
      if (!type) continue;
      for (const method of Object.getOwnPropertyNames(type.prototype)) {
        if (method === 'constructor') continue;
        const handler = (type.prototype as Record<string, unknown>)[method];
        if (typeof handler !== 'function') continue;
        facts.set(`${type.name}_${method}`, {
          public: Reflect.getMetadata(IS_PUBLIC, handler) === true || Reflect.getMetadata(IS_PUBLIC, type) === true,
          rateLimited: Reflect.getMetadata(RATE_LIMITED, handler) !== undefined,
          query: routeZodSchema(type, method, 'query'),
          validatesBody: routeZodSchema(type, method, 'body') !== undefined,
        });
      }
    }
  }
  return facts;
}
