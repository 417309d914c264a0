import type { Request, Response } from 'express';
import type { AuthedRequest } from '../common/auth/principal.js';
import { auditActionFor, outcomeOf, type AuditAction } from './audit-actions.js';
import type { AuditEventInput } from './audit-event.js';

/** What AuditInterceptor leaves on the request: the handler's answer, for `fromResponse`. */
export const AUDIT_RESULT = Symbol('beamline:audit-result');
export type AuditedRequest = Request & AuthedRequest & { [AUDIT_RESULT]?: unknown };

const PROJECT_IN_PATH = /^\/v1\/projects\/([^/?]+)/;

/**
 * Turns a finished (or aborted) HTTP request into an audit event, or undefined when the table
 * says not to record it (successful inference). `routePath` is the matched controller route
 * (`/v1/projects/:project/...`), undefined when none matched. Pure apart from reading req/res.
 */
export function httpAuditEvent(req: AuditedRequest, res: Response, routePath: string | undefined, aborted = false): AuditEventInput | undefined {
  const entry = auditActionFor(req.method, routePath);
  const status = aborted ? null : res.statusCode;
  const outcome = aborted ? 'failed' : outcomeOf(res.statusCode);
  if (entry.deniedOnly && outcome !== 'denied') return undefined;

  const params = (req.params ?? {}) as Record<string, string | undefined>;
  const body = outcome === 'success' ? asRecord(req[AUDIT_RESULT]) : undefined;
  const resourceId = resourceIdOf(entry, params, body);
  const principal = req.principal;
  // A denied request never got `req.project` from the guard: keep the name it asked for.
  const projectName = req.project?.name ?? params.project ?? decodePathSegment(PROJECT_IN_PATH.exec(req.path)?.[1]) ?? (entry.resource === 'project' ? resourceId : undefined);

  const details: Record<string, unknown> = { method: req.method, path: req.originalUrl.split('?')[0] };
  for (const field of entry.fromResponse?.details ?? []) if (body?.[field] !== undefined) details[field] = body[field];
  const forwarded = req.headers['x-forwarded-for'];
  // Only a hint: without `trust proxy` the client writes this header itself; `ip` is the peer.
  if (typeof forwarded === 'string' && forwarded !== req.ip) details.forwardedFor = forwarded.slice(0, 256);
  if (aborted) details.aborted = true;

  return {
    actorType: principal ? (principal.jobId ? 'job' : principal.kind === 'user' ? 'user' : 'token') : 'anonymous',
    actorId: principal ? (principal.id ?? principal.tokenId ?? null) : null,
    actorName: principal?.name ?? null,
    projectId: req.project?.id ?? null,
    project: projectName ?? null,
    action: entry.action,
    resourceType: entry.resource,
    resourceId: resourceId ?? null,
    outcome,
    status,
    ip: req.ip ?? req.socket?.remoteAddress ?? null,
    requestId: req.id ?? null,
    details,
  };
}

function resourceIdOf(entry: AuditAction, params: Record<string, string | undefined>, body: Record<string, unknown> | undefined): string | undefined {
  const parts = (entry.idParams ?? []).map((p) => params[p]).filter((v): v is string => typeof v === 'string');
  const fromBody = entry.fromResponse?.id ? body?.[entry.fromResponse.id] : undefined;
  if (typeof fromBody === 'string' || typeof fromBody === 'number') parts.push(String(fromBody));
  return parts.length > 0 ? parts.join('/') : undefined;
}

function asRecord(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

function decodePathSegment(segment: string | undefined): string | undefined {
  if (segment === undefined) return undefined;
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
