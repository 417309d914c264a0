// The real platform in a bench's own process (so a bench can reach into it: the serving
// driver, the scheduling loop, Prisma): embedded PostgreSQL and Redis in a fresh home, the
// migrations, and production defaults except the variables a bench passes. Also the small
// HTTP helpers every bench needs. Import this module before anything under src/: it
// registers the hook that gives Nest its decorator metadata (tsx does not emit it).
import { mkdtemp, rm } from 'node:fs/promises';
import { register } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { NestExpressApplication } from '@nestjs/platform-express';

register('./decorator-metadata.mjs', import.meta.url);
const { createApp } = await import('../../src/app.factory.js');
const { SERVING_DRIVER } = await import('../../src/cluster/serving-driver.js');
const { newToken } = await import('../../src/common/auth/token.js');
const { loadConfig } = await import('../../src/common/config/config.js');
const { migrate } = await import('../../src/common/database/migrator.js');
const { PrismaService } = await import('../../src/common/database/prisma.service.js');
const { startEmbeddedPostgres } = await import('../../src/common/embedded/embedded-postgres.js');
const { ensureRedisServer, startEmbeddedRedis } = await import('../../src/common/embedded/embedded-redis.js');
const { JsonLogger } = await import('../../src/common/logging/json-logger.js');

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
export const benchLog = (line: string) => console.error(`[bench] ${new Date().toISOString().slice(11, 19)} ${line}`);

export interface BenchPlatform {
  app: NestExpressApplication;
  /** http://127.0.0.1:<port> */
  base: string;
  home: string;
  prisma: InstanceType<typeof PrismaService>;
  /** The embedded PostgreSQL and Redis, for a second process of the platform. */
  databaseUrl: string;
  redisUrl: string;
  /** Stops the serving driver's replicas, the app, Redis and PostgreSQL, and removes the home. */
  close(): Promise<void>;
}

/**
 * Starts the platform; `env` adds to or overrides the bench defaults (no bootstrap token, no logs).
 * `beforeListen` runs once the app's providers exist and before its lifecycle hooks (the controller) start.
 */
export async function startBenchPlatform(name: string, env: Record<string, string>, beforeListen?: (app: NestExpressApplication) => void): Promise<BenchPlatform> {
  const home = await mkdtemp(join(tmpdir(), `beamline-bench-${name}-`));
  const postgres = await startEmbeddedPostgres(home, benchLog);
  const redis = await startEmbeddedRedis(ensureRedisServer(benchLog));
  let app: NestExpressApplication | undefined;
  const close = async () => {
    // Local replicas outlive the app on purpose (a platform restart keeps endpoints up): stopped
    // here. With BEAMLINE_CLUSTER_DRIVER=none there is no serving driver at all.
    const driver = (() => {
      try {
        return app?.get(SERVING_DRIVER, { strict: false }) as { stopAll?: () => Promise<void> } | undefined;
      } catch {
        return undefined;
      }
    })();
    await driver?.stopAll?.().catch(() => undefined);
    await app?.close().catch(() => undefined);
    await redis.stop();
    await postgres.stop();
    await rm(home, { recursive: true, force: true });
  };
  try {
    await migrate(postgres.url, resolve('prisma/migrations'));
    const config = loadConfig({
      DATABASE_URL: postgres.url,
      REDIS_URL: redis.url,
      BEAMLINE_HOME: home,
      BEAMLINE_ARTIFACT_DIR: join(home, 'artifacts'),
      BEAMLINE_BOOTSTRAP: 'off',
      BEAMLINE_LOG_LEVEL: 'silent',
      ...env,
    });
    app = await createApp(config, new JsonLogger('silent'));
    beforeListen?.(app);
    await app.listen(0, '127.0.0.1');
  } catch (error) {
    await close();
    throw error;
  }
  const base = `http://127.0.0.1:${(app.getHttpServer().address() as { port: number }).port}`;
  return { app, base, home, prisma: app.get(PrismaService), databaseUrl: postgres.url, redisUrl: redis.url, close };
}

/** A token for `project` (created if missing): a member of it, or a platform admin. */
export async function seedToken(prisma: InstanceType<typeof PrismaService>, project: string, role: 'MEMBER' | 'ADMIN' = 'MEMBER'): Promise<string> {
  const row = await prisma.project.upsert({ where: { name: project }, create: { name: project }, update: {} });
  const { token, hash, prefix } = newToken();
  const grant = role === 'ADMIN' ? { platformAdmin: true } : { projects: { create: [{ projectId: row.id }] } };
  await prisma.apiToken.create({ data: { name: 'bench', tokenHash: hash, prefix, role, ...grant } });
  return token;
}

export type Api = (method: string, path: string, body?: unknown, headers?: Record<string, string>) => Promise<{ status: number; body: any }>; // eslint-disable-line @typescript-eslint/no-explicit-any

/**
 * JSON calls with a bearer token. A kept-alive socket the loaded server has just closed as
 * idle fails with ECONNRESET: tried again (what the benches call is safe to repeat, and
 * submissions carry an Idempotency-Key, so a retry never makes a second job).
 */
export const benchApi =
  (base: string, token: string): Api =>
  async (method, path, body, headers = {}) => {
    for (let attempt = 0; ; attempt++) {
      try {
        const res = await fetch(`${base}${path}`, {
          method,
          headers: { authorization: `Bearer ${token}`, ...headers, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
          body: body === undefined ? undefined : JSON.stringify(body),
        });
        const text = await res.text();
        return { status: res.status, body: text ? JSON.parse(text) : undefined };
      } catch (error) {
        if (attempt >= 4) throw error;
        await sleep(500);
      }
    }
  };

/** Polls `check` until it gives a value, or throws after `timeoutMs`. */
export async function waitFor<T>(what: string, check: () => Promise<T | undefined>, timeoutMs: number, everyMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(everyMs);
  }
}

export const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
