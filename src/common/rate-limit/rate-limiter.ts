import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import { Redis, type RedisOptions as IoRedisOptions } from 'ioredis';
import { APP_CONFIG } from '../config/config.js';
import type { AppConfig } from '../config/config.schema.js';
import { withTimeout } from '../queue/redis-health.js';
import { redisOptions } from '../queue/redis-options.js';
import { GCRA_SCRIPT, scriptArgs, toDecision, type LimitCheck, type RateDecision } from './gcra.js';

/**
 * A check adds one Redis round trip to every limited request, inference included: past
 * this, Redis is treated as down for that request (the caller decides what that means).
 */
const CHECK_TIMEOUT_MS = 250;
/** The first checks wait this long for the connection; later ones never wait for a reconnect. */
const CONNECT_TIMEOUT_MS = 2000;

interface GcraClient {
  beamlineGcra(numKeys: number, ...keysAndArgs: string[]): Promise<unknown>;
}

/**
 * Shared rate limits in the platform's Redis, so N api replicas enforce one limit.
 * Keys live under `<BEAMLINE_QUEUE_PREFIX>:ratelimit:`; each expires once its bucket is
 * full again. The connection opens on the first check: roles that never serve a
 * limited route (controller) never connect.
 */
@Injectable()
export class RateLimiter implements OnModuleDestroy {
  private client?: Redis & GcraClient;
  private firstReady?: Promise<unknown>;

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  key(...parts: string[]): string {
    return [this.config.BEAMLINE_QUEUE_PREFIX, 'ratelimit', ...parts].join(':');
  }

  /** One atomic check of every limit; rejects when Redis fails or is slower than 250 ms. */
  async check<S extends string>(checks: readonly LimitCheck<S>[]): Promise<RateDecision<S>> {
    if (checks.length === 0) throw new Error('a rate limit check needs at least one limit');
    const redis = this.redis();
    if (this.firstReady) await withTimeout(this.firstReady, CONNECT_TIMEOUT_MS).finally(() => (this.firstReady = undefined));
    const reply = await withTimeout(
      redis.beamlineGcra(checks.length, ...checks.map((c) => c.key), ...scriptArgs(checks)),
      CHECK_TIMEOUT_MS,
    );
    return toDecision(checks, reply);
  }

  onModuleDestroy(): void {
    this.client?.disconnect();
  }

  private redis(): Redis & GcraClient {
    if (!this.client) {
      // 'producer': no offline queue, so a check fails at once while Redis is down instead of piling up.
      const client = new Redis(redisOptions(this.config.REDIS_URL!, 'producer') as IoRedisOptions);
      client.on('error', () => undefined); // surfaced per check (fail-open, counted), not as a crash
      // EVALSHA, falling back to EVAL once after a Redis restart forgot the script.
      client.defineCommand('beamlineGcra', { lua: GCRA_SCRIPT });
      this.client = client as Redis & GcraClient;
      // Without an offline queue a command sent before the first connect fails: the first checks
      // wait for it, once, and stop at the first connection error (Redis down at boot must not
      // slow every request by the timeout).
      this.firstReady = new Promise((resolve, reject) => {
        client.once('ready', resolve);
        client.once('error', reject);
      });
    }
    return this.client;
  }
}
