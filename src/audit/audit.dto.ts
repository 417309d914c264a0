import { z } from 'zod';
import { OUTCOMES } from './audit-event.js';

const time = z.iso.datetime({ offset: true, message: 'must be an ISO 8601 time such as 2026-12-01T09:00:00Z' });

/** GET /v1/audit query: every filter optional and combined with AND; unknown keys are a 400. */
export const listAuditSchema = z
  .strictObject({
    /** A token or user id, or its name as recorded (token name, user email). */
    actor: z.string().min(1).max(256).optional(),
    /** A project name. */
    project: z.string().min(1).max(128).optional(),
    /** Exact (`endpoint.rollback`), or a prefix when it ends with a dot (`endpoint.`). */
    action: z
      .string()
      .max(128)
      .regex(/^[a-z][a-z0-9-]*(\.[a-z0-9-]+)*\.?$/, "must be an action such as 'endpoint.rollback' or a prefix such as 'endpoint.'")
      .optional(),
    outcome: z.enum(OUTCOMES).optional(),
    since: time.optional(),
    until: time.optional(),
    limit: z.coerce.number().int().min(1).max(200).default(50),
    cursor: z.string().min(1).max(512).optional(),
  })
  .refine((q) => !q.since || !q.until || new Date(q.since) < new Date(q.until), { message: 'must be after since', path: ['until'] });
export type ListAudit = z.output<typeof listAuditSchema>;
