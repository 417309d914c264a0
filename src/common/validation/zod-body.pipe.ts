import { Injectable, type PipeTransform } from '@nestjs/common';
import type { z } from 'zod';
import { parseOrThrow } from './zod.js';

/**
 * Validates one argument (body or query) with a zod schema; failures become a 400 naming the field.
 * The schema is public because /openapi.json describes query parameters from it (common/openapi).
 */
@Injectable()
export class ZodPipe<S extends z.ZodType> implements PipeTransform<unknown, z.output<S>> {
  constructor(
    readonly schema: S,
    readonly root = '',
  ) {}

  transform(value: unknown): z.output<S> {
    return parseOrThrow(this.schema, value, this.root);
  }
}
