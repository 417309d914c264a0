import { describe, expect, it } from 'vitest';
import { retryWhileDatabaseUnavailable } from './database-retry.js';

const adminShutdown = () => Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' });
const prismaShutdown = () => Object.assign(new Error('Database error. Code: `57P01`. Message: `terminating connection due to administrator command`'), { name: 'PrismaClientKnownRequestError' });
const refused = () => Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
const noSleep = async () => {};

describe('retryWhileDatabaseUnavailable', () => {
  it.each([
    ['pg admin shutdown (57P01)', adminShutdown],
    ['Prisma admin shutdown', prismaShutdown],
    ['connection refused', refused],
  ])('retries after %s and returns the step result', async (_what, make) => {
    let calls = 0;
    const warnings: string[] = [];
    const result = await retryWhileDatabaseUnavailable('bootstrap', async () => (++calls < 3 ? Promise.reject(make()) : 'done'), (_f, m) => warnings.push(m), 10_000, noSleep);
    expect(result).toBe('done');
    expect(calls).toBe(3);
    expect(warnings).toEqual(['bootstrap: the database cannot be reached; retrying', 'bootstrap: the database cannot be reached; retrying']);
  });

  it('throws any other error at once', async () => {
    let calls = 0;
    const bug = new Error('column "x" does not exist');
    await expect(retryWhileDatabaseUnavailable('migrate', async () => (calls++, Promise.reject(bug)), () => {}, 10_000, noSleep)).rejects.toBe(bug);
    expect(calls).toBe(1);
  });

  it('gives up with the last error once the deadline would pass', async () => {
    let calls = 0;
    await expect(retryWhileDatabaseUnavailable('migrate', async () => (calls++, Promise.reject(refused())), () => {}, 0, noSleep)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    expect(calls).toBe(1);
  });
});
