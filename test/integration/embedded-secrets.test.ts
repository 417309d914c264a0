import { mkdtemp, readFile, rm, stat, unlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createConnection } from 'node:net';
import { Client } from 'pg';
import { afterAll, describe, expect, it, inject } from 'vitest';
import { startEmbeddedPostgres, type RunningPostgres } from '../../src/common/embedded/embedded-postgres.js';
import { startEmbeddedRedis } from '../../src/common/embedded/embedded-redis.js';

// Issue 22: the embedded PostgreSQL used one password written in the source, and the
// embedded Redis none, so any local user (a training job on the local driver) could log
// in to the platform's database as superuser or forge its queue.
const canLogIn = async (url: string, password: string) => {
  const u = new URL(url);
  const c = new Client({ host: u.hostname, port: Number(u.port), user: 'beamline', password, database: 'postgres' });
  try {
    await c.connect();
    return true;
  } catch {
    return false;
  } finally {
    await c.end().catch(() => undefined);
  }
};

describe('embedded PostgreSQL', () => {
  let home: string;
  let pg: RunningPostgres | undefined;
  afterAll(async () => {
    await pg?.stop();
    if (home) await rm(home, { recursive: true, force: true });
  });

  it('gets a random password kept 0600; an old data dir with the published password is moved to a random one', async () => {
    home = await mkdtemp(join(tmpdir(), 'beamline-pg-'));
    pg = await startEmbeddedPostgres(home, () => undefined);
    const file = join(home, 'postgres-password');
    const first = (await readFile(file, 'utf8')).trim();
    expect(first).toMatch(/^[\w-]{32}$/);
    expect((await stat(file)).mode & 0o077).toBe(0);
    expect(decodeURIComponent(new URL(pg.url).password)).toBe(first);
    expect(await canLogIn(pg.url, 'beamline-embedded')).toBe(false);

    // Make it look like a data dir from before: the published password, no password file.
    const admin = new Client({ connectionString: pg.url.replace(/\/beamline$/, '/postgres') });
    await admin.connect();
    await admin.query(`ALTER ROLE beamline PASSWORD 'beamline-embedded'`);
    await admin.end();
    await unlink(file);
    await pg.stop();

    const logs: string[] = [];
    pg = await startEmbeddedPostgres(home, (line) => logs.push(line));
    const second = (await readFile(file, 'utf8')).trim();
    expect(second).not.toBe(first);
    expect(await canLogIn(pg.url, 'beamline-embedded')).toBe(false);
    expect(await canLogIn(pg.url, second)).toBe(true);
    expect(logs.join('\n')).toContain('replaced the embedded PostgreSQL password');

    // A restart keeps it.
    await pg.stop();
    pg = await startEmbeddedPostgres(home, () => undefined);
    expect((await readFile(file, 'utf8')).trim()).toBe(second);
    expect(await canLogIn(pg.url, second)).toBe(true);
  });
});

describe('embedded Redis', () => {
  it('refuses commands without its password, which is not on its command line', async () => {
    const redis = await startEmbeddedRedis(inject('redisBinary'));
    try {
      const ping = (auth?: string) =>
        new Promise<string>((resolve, reject) => {
          const s = createConnection(redis.port, '127.0.0.1', () => s.write(`${auth ? `AUTH ${auth}\r\n` : ''}PING\r\n`));
          let got = '';
          s.on('data', (d) => {
            got += d.toString();
            if (got.includes('PONG') || got.includes('NOAUTH') || got.includes('WRONGPASS')) {
              s.destroy();
              resolve(got.trim().split('\r\n').pop()!);
            }
          });
          s.on('error', reject);
        });
      expect(await ping()).toMatch(/^-NOAUTH/);
      expect(await ping(redis.password)).toBe('+PONG');
      const cmdline = await readFile(`/proc/${redis.process.pid}/cmdline`, 'utf8');
      expect(cmdline).not.toContain(redis.password);
    } finally {
      await redis.stop();
    }
  });
});
