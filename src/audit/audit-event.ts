import type { AuditEvent } from '../generated/prisma/client.js';

export const ACTOR_TYPES = ['token', 'user', 'job', 'system', 'anonymous'] as const;
export type ActorType = (typeof ACTOR_TYPES)[number];
export const OUTCOMES = ['success', 'denied', 'failed'] as const;
export type Outcome = (typeof OUTCOMES)[number];

/**
 * One audit record as callers give it; the same flat fields become the row, the log line and
 * the API answer, so a log search and a `GET /v1/audit` filter use the same names.
 */
export interface AuditEventInput {
  actorType: ActorType;
  actorId?: string | null;
  actorName?: string | null;
  /** The project's row id when known (null for a denied request that never resolved it). */
  projectId?: string | null;
  project?: string | null;
  action: string;
  resourceType: string;
  resourceId?: string | null;
  outcome: Outcome;
  status?: number | null;
  ip?: string | null;
  requestId?: string | null;
  /** Small, non-secret facts (ids, names, versions); never a request body. */
  details?: Record<string, unknown>;
}

/** The API's view: the row with its bigint id as a string (JSON has no 64-bit integers). */
export function toAuditView(row: AuditEvent) {
  return {
    id: row.id.toString(),
    at: row.at.toISOString(),
    actorType: row.actorType,
    actorId: row.actorId,
    actorName: row.actorName,
    projectId: row.projectId,
    project: row.project,
    action: row.action,
    resourceType: row.resourceType,
    resourceId: row.resourceId,
    outcome: row.outcome,
    status: row.status,
    ip: row.ip,
    requestId: row.requestId,
    details: row.details,
  };
}
export type AuditView = ReturnType<typeof toAuditView>;

/**
 * Opaque keyset cursor: base64url of the last row's id. Pages go by id, which never repeats or
 * skips a row; it follows `at` except for inserts racing within the same milliseconds.
 */
export const encodeAuditCursor = (id: bigint): string => Buffer.from(JSON.stringify([id.toString()])).toString('base64url');

export function decodeAuditCursor(cursor: string): bigint | undefined {
  try {
    const [id] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as [unknown];
    return typeof id === 'string' && /^\d{1,19}$/.test(id) ? BigInt(id) : undefined;
  } catch {
    return undefined;
  }
}
