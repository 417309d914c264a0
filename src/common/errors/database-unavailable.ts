/**
 * Whether an error means "PostgreSQL cannot be reached right now" rather than a bug: the
 * server restarting or shutting down (SQLSTATE class 57P, admin shutdown / cannot connect
 * now; class 08, connection exceptions), Prisma's "can't reach" codes, or pg's own
 * connection errors. The problem filter answers these with 503 and Retry-After instead of
 * a 500: the chaos suite (issue 19) saw 21 to 27 500s per PostgreSQL restart.
 */
const SQLSTATE = /Code: `(57P0[1-3]|08\d\d\d)`/;
const PRISMA_CODES = new Set(['P1001', 'P1002', 'P1008', 'P1017', 'P2024']);
const PG_MESSAGES = ['Connection terminated unexpectedly', 'Connection terminated due to connection timeout', 'Client has encountered a connection error and is not queryable'];
const NET_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT']);

export function isDatabaseUnavailable(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { message, code, name } = error as { message?: unknown; code?: unknown; name?: unknown };
  const text = typeof message === 'string' ? message : '';
  if (typeof code === 'string' && PRISMA_CODES.has(code)) return true;
  if (typeof name === 'string' && name.startsWith('PrismaClient') && SQLSTATE.test(text)) return true;
  // pg's own errors (the migrator's client) carry the SQLSTATE as `code`.
  if (typeof code === 'string' && /^(57P0[1-3]|08\d{3})$/.test(code)) return true;
  if (PG_MESSAGES.some((m) => text.includes(m))) return true;
  return typeof code === 'string' && NET_CODES.has(code) && /connect|socket|read|write/i.test(text);
}
