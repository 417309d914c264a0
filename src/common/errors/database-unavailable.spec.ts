import { describe, expect, it } from 'vitest';
import { isDatabaseUnavailable } from './database-unavailable.js';

/** A Prisma error as the api logged it during a PostgreSQL restart (chaos suite). */
function prismaError(message: string, code = 'P2010') {
  return Object.assign(new Error(message), { name: 'PrismaClientKnownRequestError', code });
}

describe('isDatabaseUnavailable', () => {
  it.each([
    ['admin shutdown', prismaError('Invalid `prisma.x.findMany()` invocation:\n\nDatabase error. Code: `57P01`. Message: `terminating connection due to administrator command`')],
    ['shutting down', prismaError('Database error. Code: `57P03`. Message: `the database system is shutting down`')],
    ["Prisma's can't reach", prismaError("Can't reach database server", 'P1001')],
    ['pg connection ended', new Error('Connection terminated unexpectedly')],
    ['pg client broken', new Error('Client has encountered a connection error and is not queryable')],
    ['refused', Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' })],
  ])('%s: yes', (_, error) => expect(isDatabaseUnavailable(error)).toBe(true));

  it.each([
    ['a unique violation', prismaError('Unique constraint failed', 'P2002')],
    ['a syntax error', prismaError('Database error. Code: `42601`. Message: `syntax error`')],
    ['a plain bug', new TypeError("Cannot read properties of undefined (reading 'id')")],
    ['not an error', 'Connection terminated unexpectedly'],
    ['null', null],
  ])('%s: no', (_, error) => expect(isDatabaseUnavailable(error)).toBe(false));
});
