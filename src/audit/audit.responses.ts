import { z } from 'zod';
import { isoTime, pageOf, type Agree, type Mismatch } from '../common/openapi/common.responses.js';
import { ACTOR_TYPES, OUTCOMES, type AuditView } from './audit-event.js';
import type { AuditService } from './audit.service.js';

/** The answer of GET /v1/audit, as audit-event.ts (toAuditView) writes it. */
export const auditEventSchema = z.strictObject({
  /** A decimal string: the row id is a 64-bit integer. */
  id: z.string(),
  at: isoTime,
  actorType: z.enum(ACTOR_TYPES),
  actorId: z.string().nullable(),
  actorName: z.string().nullable(),
  projectId: z.string().nullable(),
  project: z.string().nullable(),
  action: z.string(),
  resourceType: z.string(),
  resourceId: z.string().nullable(),
  outcome: z.enum(OUTCOMES),
  status: z.number().int().nullable(),
  ip: z.string().nullable(),
  requestId: z.string().nullable(),
  details: z.record(z.string(), z.unknown()),
});
export const auditPageSchema = pageOf(auditEventSchema);

// Compile-time: the view and the page have exactly the schema's fields.
type _Event = Agree<Mismatch<AuditView, z.input<typeof auditEventSchema>>>;
type _Page = Agree<Mismatch<Awaited<ReturnType<AuditService['list']>>, z.input<typeof auditPageSchema>>>;
