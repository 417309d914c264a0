import { z } from 'zod';
import type { ProblemBody } from '../errors/problem.filter.js';
import type { Agree, Mismatch } from './common.responses.js';

/** The RFC 9457 body every error answers with (problem.filter.ts), as /openapi.json states it. */
export const problemSchema = z
  .strictObject({
    type: z.string().describe('a URI naming the problem kind, https://beamline.dev/problems/<code>'),
    title: z.string(),
    status: z.number().int(),
    detail: z.string().describe('what went wrong and, where it can, how to fix it'),
    instance: z.string().describe('the request path'),
    code: z.string().describe("the error code, e.g. 'validation_failed', 'unsupported_media_type'"),
    requestId: z.string().optional().describe('quote it when reporting a 500'),
    errors: z.array(z.strictObject({ field: z.string(), message: z.string() })).optional().describe('one entry per offending field'),
  })
  .meta({ title: 'Problem' });

type _Problem = Agree<Mismatch<ProblemBody, z.input<typeof problemSchema>>>;
