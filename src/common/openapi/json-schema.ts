import { z } from 'zod';

/** JSON Schema of a request schema for @ApiBody, so /openapi.json comes from the validators themselves. */
export function jsonSchema(schema: z.ZodType): Record<string, unknown> {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
  return rest;
}
