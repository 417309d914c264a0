import { mkdtemp, realpath } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildPlatform, embeddedOf, killPlatform, startPlatform, type Platform } from '../helpers/platform-process.js';
import { eventually } from '../helpers/test-app.js';

/**
 * Issue 19 item 3: `npm start` with its embedded PostgreSQL and Redis. (a) A signal to the
 * whole process group (Ctrl-C) used to stop them together with the platform, which then
 * never exited; (b) after kill -9 the servers kept running and each restart added one.
 */
const embeddedEnv = (home: string) => ({
  BEAMLINE_HOME: home,
  DATABASE_URL: undefined,
  REDIS_URL: undefined,
  BEAMLINE_CLUSTER_DRIVER: 'none',
  BEAMLINE_ADMIN_TOKEN: undefined,
});
const started: Platform[] = [];
const newHome = async () => realpath(await mkdtemp(join(tmpdir(), 'embedded-life-')));

beforeAll(() => buildPlatform(), 600_000);
afterAll(async () => {
  for (const p of started) await killPlatform(p);
});

/** The exit, or a failure naming the bound: the bound is the platform's own shutdown limit plus room. */
async function exitWithin(p: Platform, ms: number) {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`the platform did not exit within ${ms} ms:\n${p.output()}`)), ms)));
  try {
    return await Promise.race([p.exited, late]);
  } finally {
    clearTimeout(timer);
  }
}

describe('the embedded services live and die with the platform', () => {
  it('a SIGINT to the whole process group (Ctrl-C) exits 0 and leaves no PostgreSQL or Redis behind', async () => {
    const home = await newHome();
    const p = await startPlatform(embeddedEnv(home), { detached: true });
    started.push(p);
    const before = embeddedOf(home);
    expect(before.postgres).toHaveLength(1);
    expect(before.redis).toHaveLength(1);
    process.kill(-p.child.pid!, 'SIGINT'); // what the terminal does on Ctrl-C
    expect(await exitWithin(p, 45_000)).toEqual({ code: 0, signal: null });
    expect(embeddedOf(home)).toEqual({ postgres: [], redis: [] });
  }, 240_000);

  it('two kill -9 and restarts leave exactly one PostgreSQL and one Redis', async () => {
    const home = await newHome();
    for (let cycle = 0; cycle < 2; cycle++) {
      const p = await startPlatform(embeddedEnv(home));
      started.push(p);
      await killPlatform(p);
    }
    const last = await startPlatform(embeddedEnv(home));
    started.push(last);
    // Servers of a killed platform stop on their own (the kernel signals them); wait for that, then count.
    const counts = await eventually(async () => {
      const now = embeddedOf(home);
      return now.postgres.length === 1 && now.redis.length === 1 ? now : undefined;
    }, 30_000, 'one server of each');
    expect(counts.postgres).toHaveLength(1);
    // And a plain SIGTERM (systemd, Kubernetes) still stops both.
    last.child.kill('SIGTERM');
    expect(await exitWithin(last, 45_000)).toEqual({ code: 0, signal: null });
    expect(embeddedOf(home)).toEqual({ postgres: [], redis: [] });
  }, 420_000);
});
