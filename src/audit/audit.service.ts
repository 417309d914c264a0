import { Injectable, Logger } from '@nestjs/common';
import { Counter } from 'prom-client';
import { MetricsService } from '../common/metrics/metrics.service.js';
import { AppError } from '../common/errors/app-error.js';
import { decodeAuditCursor, encodeAuditCursor, toAuditView, type AuditEventInput } from './audit-event.js';
import type { ListAudit } from './audit.dto.js';
import { AuditRepository } from './audit.repository.js';

/** Longest text kept per column: route params come from the URL, which the caller chooses. */
const MAX_TEXT = 256;

/**
 * Writes audit events (row + one structured log line) and answers queries.
 *
 * Failure stance: fail open, loudly. HTTP events are recorded when the response has already
 * finished (that is how denied requests are seen at all), so a failed insert cannot change the
 * answer, and a rejected audit write must not make a change that did happen look failed. The
 * event is not lost: it is still written as the log line (level error, `auditWriteFailed`),
 * and `beamline_audit_write_failures_total` counts them for an alert. Failing closed would mean
 * writing the event in each change's own transaction, inside every service; see docs/audit.md.
 */
@Injectable()
export class AuditService {
  private readonly logger = new Logger('Audit');
  private readonly failures: Counter;

  constructor(
    private readonly repo: AuditRepository,
    metrics: MetricsService,
  ) {
    this.failures = new Counter({
      name: 'beamline_audit_write_failures_total',
      help: 'Audit events that could not be written to PostgreSQL (they are still in the logs)',
      registers: [metrics.registry],
    });
  }

  /** Never throws: see the failure stance above. */
  async record(input: AuditEventInput): Promise<void> {
    const event = bounded(input);
    try {
      const row = await this.repo.append(event);
      this.logger.log({ audit: true, id: row.id.toString(), at: row.at.toISOString(), ...event }, 'audit');
    } catch (error) {
      this.failures.inc();
      this.logger.error({ audit: true, auditWriteFailed: true, at: new Date().toISOString(), ...event, err: error as Error }, 'audit event NOT stored in audit_events');
    }
  }

  async list(query: ListAudit) {
    let beforeId: bigint | undefined;
    if (query.cursor) {
      beforeId = decodeAuditCursor(query.cursor);
      if (beforeId === undefined) throw AppError.validation([{ field: 'cursor', message: 'not a cursor returned by this API' }]);
    }
    const rows = await this.repo.list({
      actor: query.actor,
      project: query.project,
      action: query.action,
      outcome: query.outcome,
      since: query.since ? new Date(query.since) : undefined,
      until: query.until ? new Date(query.until) : undefined,
      beforeId,
      limit: query.limit + 1,
    });
    const page = rows.slice(0, query.limit);
    const nextCursor = rows.length > query.limit ? encodeAuditCursor(page[page.length - 1].id) : null;
    return { items: page.map(toAuditView), nextCursor };
  }
}

function bounded(event: AuditEventInput): AuditEventInput {
  const cut = (value: string | null | undefined) => (typeof value === 'string' && value.length > MAX_TEXT ? value.slice(0, MAX_TEXT) : value);
  return {
    ...event,
    actorId: cut(event.actorId),
    actorName: cut(event.actorName),
    project: cut(event.project),
    resourceId: cut(event.resourceId),
    ip: cut(event.ip),
    requestId: cut(event.requestId),
  };
}
