import { Injectable } from '@nestjs/common';
import type { AuditEvent, Prisma } from '../generated/prisma/client.js';
import { PrismaService } from '../common/database/prisma.service.js';
import type { AuditEventInput, Outcome } from './audit-event.js';

export interface AuditFilter {
  actor?: string;
  project?: string;
  /** Exact, or a prefix when it ends with '.'. */
  action?: string;
  outcome?: Outcome;
  since?: Date;
  until?: Date;
  /** Rows with an id below this (the previous page's last). */
  beforeId?: bigint;
  limit: number;
}

/** The only place that touches audit_events. Inserts only: the table's trigger refuses UPDATE and DELETE. */
@Injectable()
export class AuditRepository {
  constructor(private readonly prisma: PrismaService) {}

  append(event: AuditEventInput): Promise<AuditEvent> {
    const { details, ...fields } = event;
    return this.prisma.auditEvent.create({ data: { ...fields, details: (details ?? {}) as Prisma.InputJsonValue } });
  }

  /** Newest first, keyset on id. Each filter is served by one of the (column, at) indexes. */
  list(filter: AuditFilter): Promise<AuditEvent[]> {
    const where: Prisma.AuditEventWhereInput = {};
    if (filter.actor) where.OR = [{ actorId: filter.actor }, { actorName: filter.actor }];
    if (filter.project) where.project = filter.project;
    if (filter.action) where.action = filter.action.endsWith('.') ? { startsWith: filter.action } : filter.action;
    if (filter.outcome) where.outcome = filter.outcome;
    if (filter.since || filter.until) where.at = { ...(filter.since && { gte: filter.since }), ...(filter.until && { lt: filter.until }) };
    if (filter.beforeId !== undefined) where.id = { lt: filter.beforeId };
    return this.prisma.auditEvent.findMany({ where, orderBy: { id: 'desc' }, take: filter.limit });
  }
}
