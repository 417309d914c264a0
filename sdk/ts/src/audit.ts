import type { Http } from './http.js';
import { PageIterator } from './pages.js';
import type { AuditEvent, Page } from './types.js';

export interface AuditFilters {
  /** A token or user id, or its recorded name (token name, user email). */
  actor?: string;
  /** A project name. */
  project?: string;
  /** Exact (`endpoint.rollback`) or a prefix ending in a dot (`endpoint.`). */
  action?: string;
  outcome?: AuditEvent['outcome'];
  /** Inclusive. */
  since?: Date | string;
  /** Exclusive. */
  until?: Date | string;
  /** Page size, 1-200 (server default 50); `first(n)` bounds the total. */
  limit?: number;
}

const iso = (t: Date | string | undefined) => (t instanceof Date ? t.toISOString() : t);

/** The audit log (platform admins only). */
export class Audit {
  constructor(private readonly http: Http) {}

  /** Newest first, every filter combined with AND. */
  list(filters: AuditFilters = {}): PageIterator<AuditEvent> {
    const { since, until, ...rest } = filters;
    return new PageIterator((cursor) =>
      this.http.json<Page<AuditEvent>>('GET', '/v1/audit', { query: { ...rest, since: iso(since), until: iso(until), cursor } }),
    );
  }
}
