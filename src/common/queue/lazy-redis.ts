import { Redis, type RedisOptions } from 'ioredis';
import { redisOptions } from './redis-options.js';

/**
 * A client for the small reads and writes beside the queues (the cluster's offers and node
 * list, endpoint demand and traffic counts): it connects on its first command, and that
 * command waits for the connection instead of failing. Bounded all the same: one retry per
 * command and the producer's connect timeout, so a Redis that is down still fails a call
 * within about two seconds. With the producer's options alone (no offline queue) the first
 * command of a lazily connected client always failed ("Stream isn't writeable"): the first
 * GET /v1/cluster/nodes after a start answered 503, found by the REST fuzzer.
 */
export function lazyRedis(url: string): Redis {
  return new Redis({ ...(redisOptions(url, 'producer') as RedisOptions), lazyConnect: true, enableOfflineQueue: true });
}
