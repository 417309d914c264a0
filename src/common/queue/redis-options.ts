import type { RedisOptions } from 'bullmq';

/**
 * ioredis options from a redis:// URL. Producers must fail fast when Redis is down
 * (the submission is already safe in PostgreSQL), so they get no offline queue;
 * BullMQ workers need maxRetriesPerRequest null and reconnect on their own.
 */
export function redisOptions(url: string, role: 'producer' | 'worker' | 'probe'): RedisOptions {
  const parsed = new URL(url);
  const options: RedisOptions = {
    host: parsed.hostname,
    port: Number(parsed.port || 6379),
    username: parsed.username ? decodeURIComponent(parsed.username) : undefined,
    password: parsed.password ? decodeURIComponent(parsed.password) : undefined,
    db: parsed.pathname.length > 1 ? Number(parsed.pathname.slice(1)) : 0,
    tls: parsed.protocol === 'rediss:' ? {} : undefined,
    // Keep trying in the background, at most once a second: Redis coming back must heal by itself.
    retryStrategy: (times) => Math.min(times * 100, 1000),
    connectTimeout: 2000,
  };
  if (role === 'worker') options.maxRetriesPerRequest = null;
  else {
    options.enableOfflineQueue = false;
    options.maxRetriesPerRequest = 1;
  }
  return options;
}
