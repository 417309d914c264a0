import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppConfig } from '../../src/common/config/config.schema.js';
import { startEmbeddedPostgres, type RunningPostgres } from '../../src/common/embedded/embedded-postgres.js';
import { LeaderLock, SERVER_KEEPALIVE } from '../../src/common/leader/leader-lock.js';
import { TcpProxy } from './tcp-proxy.js';
import { waitFor } from './fault-injector.js';

/**
 * A leader cut off silently (packets dropped, nothing reset) must stop leading before
 * PostgreSQL lets anyone else take its lock: the heartbeat on its side ends leadership
 * within seconds; the server ends the silent session only after its TCP keepalives give up
 * (SERVER_KEEPALIVE, 25 s), played here by the proxy because the real server's probes would
 * be answered by the proxy's own TCP stack. Two LeaderLocks, each through its own proxy, on
 * a real PostgreSQL.
 */
let home: string;
let postgres: RunningPostgres;
const proxies: TcpProxy[] = [];
const locks: LeaderLock[] = [];

beforeAll(async () => {
  home = await mkdtemp(join(tmpdir(), 'chaos-silent-'));
  postgres = await startEmbeddedPostgres(home, () => undefined);
});
afterAll(async () => {
  // Proxies first: a lock whose session is still silent would wait on it to say goodbye.
  for (const proxy of proxies) await proxy.stop();
  for (const lock of locks) await lock.onApplicationShutdown();
  await postgres?.stop();
  await rm(home, { recursive: true, force: true });
});

async function contender(name: string, log: string[]): Promise<{ lock: LeaderLock; proxy: TcpProxy }> {
  const url = new URL(postgres.url);
  const proxy = new TcpProxy(Number(url.port));
  await proxy.start();
  url.host = `127.0.0.1:${proxy.port}`;
  const lock = new LeaderLock({ DATABASE_URL: url.toString() } as AppConfig);
  lock.run((leading) => log.push(`${name} ${leading ? 'leads' : 'lost'} at ${Date.now()}`), 500);
  proxies.push(proxy);
  locks.push(lock);
  return { lock, proxy };
}

describe('a silent partition of the leader', () => {
  it('ends its leadership before the server frees the lock, and then another replica leads', async () => {
    const log: string[] = [];
    const a = await contender('a', log);
    await waitFor(async () => a.lock.isLeader, 20_000, 'a leads');
    const b = await contender('b', log);
    await new Promise((r) => setTimeout(r, 1500));
    expect(b.lock.isLeader).toBe(false);

    const cut = Date.now();
    a.proxy.silence();
    const serverGivesUpMs = (SERVER_KEEPALIVE.idle + SERVER_KEEPALIVE.count * SERVER_KEEPALIVE.interval) * 1000;
    await waitFor(async () => !a.lock.isLeader, serverGivesUpMs, 'a to give up leading on its own');
    const aStoppedAfter = Date.now() - cut;
    expect(b.lock.isLeader, log.join('; ')).toBe(false); // the server still holds a's session and lock

    await new Promise((r) => setTimeout(r, Math.max(0, serverGivesUpMs - (Date.now() - cut))));
    expect(b.lock.isLeader, 'nobody may lead while the server keeps the silent session').toBe(false);
    a.proxy.endUpstream();
    await waitFor(async () => b.lock.isLeader, 20_000, 'b leads once the server ended the silent session');
    expect(a.lock.isLeader).toBe(false);
    console.log(`[silent partition] the cut leader stopped after ${aStoppedAfter} ms; the server frees its lock after ${serverGivesUpMs} ms; ${log.join('; ')}`);
  });
});
