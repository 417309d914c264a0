import { Redis, type RedisOptions } from 'ioredis';
import { describe, expect, inject, it } from 'vitest';
import { lazyRedis } from '../../src/common/queue/lazy-redis.js';
import { redisOptions } from '../../src/common/queue/redis-options.js';

/** The clients beside the queues (offers, node list, endpoint demand and traffic) on a real redis-server. */
describe('lazyRedis', () => {
  it('answers its very first command, where a lazy producer client refuses it', async () => {
    const key = `lazy-redis-test-${process.pid}`;
    const writer = new Redis(inject('redisUrl'));
    await writer.set(key, 'there', 'EX', 60);
    const lazy = lazyRedis(inject('redisUrl'));
    // What the four services did before: the producer's options (no offline queue) with lazyConnect.
    const before = new Redis({ ...(redisOptions(inject('redisUrl'), 'producer') as RedisOptions), lazyConnect: true });
    try {
      expect(await lazy.get(key)).toBe('there');
      await expect(before.get(key)).rejects.toThrow(/enableOfflineQueue/);
    } finally {
      lazy.disconnect();
      before.disconnect();
      writer.disconnect();
    }
  });

  it('still fails a command when Redis is down (bounded: one retry; the test timeout is the bound here, not a timed assertion)', async () => {
    const down = lazyRedis('redis://127.0.0.1:1');
    down.on('error', () => undefined); // the reconnect attempts' errors: expected here
    try {
      await expect(down.get('x')).rejects.toThrow();
    } finally {
      down.disconnect();
    }
  });
});
