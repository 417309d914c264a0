import { mkdtemp, realpath, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildPlatform, embeddedOf, killPlatform, startPlatform, type Platform } from '../helpers/platform-process.js';
import { seeded, waitFor } from './fault-injector.js';

/**
 * Issue 19 item 3 in the chaos suite: `npm start` (role all, embedded PostgreSQL and Redis)
 * stopped in a seeded order of kill -9, SIGINT to the whole process group (Ctrl-C) and
 * SIGTERM, restarted after each. Every start has exactly one PostgreSQL and one Redis; every
 * stop leaves none (a clean stop within the platform's bound, a kill -9 through pdeathsig).
 */
const seed = Number(process.env.CHAOS_SEED ?? Math.floor(Math.random() * 1e9));
const started: Platform[] = [];

beforeAll(() => buildPlatform(), 600_000);
afterAll(async () => {
  for (const p of started) await killPlatform(p);
});

type Stop = 'kill -9' | 'SIGINT to the group' | 'SIGTERM';
const STOPS: Stop[] = ['kill -9', 'SIGINT to the group', 'SIGTERM'];

describe('chaos: the embedded services live and die with the platform', () => {
  it('never leaves a PostgreSQL or Redis behind and never runs two', async () => {
    const random = seeded(seed);
    const home = await realpath(await mkdtemp(join(tmpdir(), 'chaos-embedded-')));
    const env = { BEAMLINE_HOME: home, DATABASE_URL: undefined, REDIS_URL: undefined, BEAMLINE_CLUSTER_DRIVER: 'none', BEAMLINE_ADMIN_TOKEN: undefined };
    // Every kind once (in a seeded order), then one more chosen by the seed.
    const order = [...STOPS].sort(() => random() - 0.5);
    order.push(STOPS[Math.floor(random() * STOPS.length)]);
    process.stdout.write(`[chaos seed=${seed}] embedded stops: ${order.join(', ')}\n`);
    for (const stop of order) {
      const p = await startPlatform(env, { detached: true });
      started.push(p);
      const running = embeddedOf(home);
      expect(running.postgres, 'one PostgreSQL while running').toHaveLength(1);
      expect(running.redis, 'one Redis while running').toHaveLength(1);
      if (stop === 'kill -9') await killPlatform(p);
      else {
        process.kill(stop === 'SIGTERM' ? p.child.pid! : -p.child.pid!, stop === 'SIGTERM' ? 'SIGTERM' : 'SIGINT');
        const exit = await Promise.race([p.exited, new Promise((r) => setTimeout(() => r('no exit within 45 s'), 45_000))]);
        expect(exit, `${stop}: a clean exit`).toEqual({ code: 0, signal: null });
      }
      // pdeathsig reaches the servers at once; their own shutdown takes a moment.
      await waitFor(async () => {
        const left = embeddedOf(home);
        return left.postgres.length === 0 && left.redis.length === 0;
      }, 30_000, `no PostgreSQL or Redis left after ${stop}`);
    }
    await rm(home, { recursive: true, force: true }); // kept when the test failed
  }, 600_000);
});
