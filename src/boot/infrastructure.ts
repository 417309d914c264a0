import { ConfigError } from '../common/config/config.js';
import type { AppConfig } from '../common/config/config.schema.js';
import { startEmbeddedPostgres } from '../common/embedded/embedded-postgres.js';
import { ensureRedisServer, startEmbeddedRedis } from '../common/embedded/embedded-redis.js';

export interface Infrastructure {
  config: AppConfig;
  embedded: string[];
  /** Stops the embedded services, the last step of a shutdown (the app is drained first). */
  stop(): Promise<void>;
  /** Asks them to stop without waiting: for an exit that cannot wait. */
  kill(): void;
}

/**
 * Fills in what the environment left out: no DATABASE_URL starts the embedded
 * PostgreSQL under BEAMLINE_HOME, no REDIS_URL starts redis-server on a free port.
 * With both set, nothing is started and the same code runs on real infrastructure.
 * Both run in their own process group and die with the platform (child-lifetime.ts).
 */
export async function resolveInfrastructure(config: AppConfig, log: (line: string) => void): Promise<Infrastructure> {
  const stops: Array<() => Promise<void>> = [];
  const kills: Array<() => void> = [];
  const embedded: string[] = [];
  const resolved = { ...config };
  if (config.BEAMLINE_EMBEDDED === 'off') {
    const missing = (['DATABASE_URL', 'REDIS_URL'] as const).filter((name) => !config[name]);
    if (missing.length) throw new ConfigError(missing.map((name) => `${name}: required (BEAMLINE_EMBEDDED=off: nothing embedded is started)`));
  }
  try {
    if (!resolved.DATABASE_URL) {
      const pg = await startEmbeddedPostgres(config.BEAMLINE_HOME, log);
      resolved.DATABASE_URL = pg.url;
      stops.push(pg.stop);
      kills.push(pg.kill);
      embedded.push('postgresql');
    }
    if (!resolved.REDIS_URL) {
      const redis = await startEmbeddedRedis(ensureRedisServer(log), undefined, undefined, config.BEAMLINE_HOME);
      resolved.REDIS_URL = redis.url;
      stops.push(redis.stop);
      kills.push(redis.kill);
      embedded.push('redis');
    }
  } catch (error) {
    await stopAll(stops);
    throw error;
  }
  return { config: resolved, embedded, stop: () => stopAll(stops), kill: () => kills.forEach((kill) => kill()) };
}

async function stopAll(stops: Array<() => Promise<void>>): Promise<void> {
  for (const stop of stops.reverse()) await stop().catch(() => undefined);
}
