import type { AuditEvent } from '../../sdk/ts/src/index.js';
import { int, parse, str, type Values } from './args.js';
import { parseTime } from './duration.js';
import { table, UsageError, type Output } from './output.js';

export const AUDIT_USAGE = `usage: beamline audit [--actor a] [--project p] [--action a] [--outcome o] [--since t] [--until t] [--limit n]

The platform's audit log, newest first (platform admins only). Filters combine with AND:
  --actor     a token or user id, or its recorded name (token name, user email)
  --project   a project name (here a filter, not the project the command works in)
  --action    exact (endpoint.rollback) or a prefix ending in a dot (endpoint.)
  --outcome   success, denied or failed
  --since     inclusive; an ISO time or date (2026-12-01T09:00:00Z, 2026-12-01)
              or a duration back from now (30m, 24h, 7d)
  --until     exclusive; same forms
  --limit     how many events at most (50)

common: --json  --url  --token
`;

const OUTCOMES: readonly AuditEvent['outcome'][] = ['success', 'denied', 'failed'];

function time(value: Values[string], flag: string): string | undefined {
  if (value === undefined) return undefined;
  const t = parseTime(String(value));
  if (!t) throw new UsageError(`${flag} takes an ISO time (2026-12-01T09:00:00Z), a date (2026-12-01) or a duration back from now (24h, 7d), got '${String(value)}'`);
  return t.toISOString();
}

const actorOf = (e: AuditEvent) => e.actorName ?? e.actorId ?? e.actorType;
const resourceOf = (e: AuditEvent) => (e.resourceId ? `${e.resourceType}/${e.resourceId}` : e.resourceType);

export async function audit(argv: string[], out: Output): Promise<void> {
  const p = parse(argv, {
    actor: { type: 'string' },
    action: { type: 'string' },
    outcome: { type: 'string' },
    since: { type: 'string' },
    until: { type: 'string' },
    limit: { type: 'string' },
  });
  if (p.positionals.length) throw new UsageError(`unexpected argument '${p.positionals[0]}'`);
  const outcome = str(p.values.outcome) as AuditEvent['outcome'] | undefined;
  if (outcome !== undefined && !OUTCOMES.includes(outcome)) throw new UsageError(`--outcome is one of ${OUTCOMES.join(', ')}, got '${outcome}'`);
  const limit = int(p.values.limit, '--limit', 1) ?? 50;
  const filters = {
    actor: str(p.values.actor),
    project: str(p.values.project),
    action: str(p.values.action),
    outcome,
    since: time(p.values.since, '--since'),
    until: time(p.values.until, '--until'),
    limit: Math.min(limit, 200),
  };
  const events = await (await p.client()).audit.list(filters).first(limit);
  out.result(events, () =>
    table(['AT', 'ACTOR', 'PROJECT', 'ACTION', 'RESOURCE', 'OUTCOME', 'STATUS'], events.map((e) => [e.at, actorOf(e), e.project, e.action, resourceOf(e), e.outcome, e.status])),
  );
}
