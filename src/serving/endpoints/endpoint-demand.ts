import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { Redis, type RedisOptions } from 'ioredis';
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { APP_CONFIG } from '../../common/config/config.js';
import type { AppConfig } from '../../common/config/config.schema.js';
import { redisOptions } from '../../common/queue/redis-options.js';
import { lazyRedis } from '../../common/queue/lazy-redis.js';

/** How often each API instance publishes; the controller's passes read the latest. */
export const PUBLISH_MS = 500;
/** A dead API instance's demand expires after this: its requests died with it. */
const TTL_SECONDS = 3;
/** At most one wake-up per endpoint this often: a burst of held requests is one signal. */
const WAKE_EVERY_MS = 200;

export const demandKeys = (config: Pick<AppConfig, 'BEAMLINE_QUEUE_PREFIX'>) => {
  const base = `${config.BEAMLINE_QUEUE_PREFIX}:endpoint-demand`;
  return { index: `${base}:instances`, instance: (id: string) => `${base}:${id}`, wake: `${base}:wake` };
};

interface Tally {
  inFlight: number;
  held: number;
  /** ∫ inFlight dt since the last publish, in request·ms. */
  area: number;
  at: number;
}

/**
 * The API side of autoscaling: the infer proxy's in-flight requests per autoscaled
 * endpoint (held ones included), published every PUBLISH_MS to Redis under this
 * instance's own key with a short TTL, as the time-weighted mean over the interval
 * (Little's law: the concurrency a replica pool must hold), at least the number held.
 * A request held at zero replicas also publishes at once and wakes the controller over
 * pub/sub, so 0 → 1 does not wait for the controller's next pass.
 */
@Injectable()
export class EndpointDemand implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(EndpointDemand.name);
  private readonly redis: Redis;
  private readonly keys: ReturnType<typeof demandKeys>;
  private readonly id = `${hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`;
  private readonly tallies = new Map<string, Tally>();
  private readonly woken = new Map<string, number>();
  private since = Date.now();
  private timer?: NodeJS.Timeout;
  private warned = false;

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {
    this.redis = lazyRedis(config.REDIS_URL!);
    this.keys = demandKeys(config);
  }

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.publish(), PUBLISH_MS);
    this.timer.unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.timer);
    this.redis.disconnect();
  }

  /** A request to an autoscaled endpoint starts; call the answer when it ends. */
  enter(endpointId: string): () => void {
    this.change(endpointId, 1, 0);
    let done = false;
    return () => {
      if (!done) this.change(endpointId, -1, 0);
      done = true;
    };
  }

  /**
   * A request waits for a replica: a place in the bounded queue, or undefined when it is full.
   * Wakes the controller either way: a refused request is demand too (with a bound of 0 it is
   * the only signal an endpoint at zero gets).
   */
  hold(endpointId: string): (() => void) | undefined {
    this.wake(endpointId);
    const tally = this.tallies.get(endpointId);
    if ((tally?.held ?? 0) >= this.config.BEAMLINE_ENDPOINT_HOLD_QUEUE) return undefined;
    this.change(endpointId, 0, 1);
    let done = false;
    return () => {
      if (!done) this.change(endpointId, 0, -1);
      done = true;
    };
  }

  /** Requests this instance holds now for the endpoint (metrics, tests). */
  held(endpointId: string): number {
    return this.tallies.get(endpointId)?.held ?? 0;
  }

  private change(endpointId: string, inFlight: number, held: number): void {
    const now = Date.now();
    const t = this.tallies.get(endpointId) ?? { inFlight: 0, held: 0, area: 0, at: now };
    t.area += t.inFlight * (now - t.at);
    Object.assign(t, { at: now, inFlight: t.inFlight + inFlight, held: t.held + held });
    this.tallies.set(endpointId, t);
  }

  private wake(endpointId: string): void {
    const now = Date.now();
    if (now - (this.woken.get(endpointId) ?? 0) < WAKE_EVERY_MS) return;
    this.woken.set(endpointId, now);
    void this.publish().then(() => this.redis.publish(this.keys.wake, endpointId)).catch(() => undefined);
  }

  /** Mean concurrency per endpoint since the last publish, then the window starts again. */
  private snapshot(): Record<string, number> {
    const now = Date.now();
    const span = Math.max(1, now - this.since);
    this.since = now;
    const out: Record<string, number> = {};
    for (const [id, t] of this.tallies) {
      const area = t.area + t.inFlight * (now - t.at);
      const mean = area / span;
      if (mean > 0 || t.held > 0) out[id] = Math.max(mean, t.held);
      if (t.inFlight === 0 && t.held === 0) this.tallies.delete(id);
      else Object.assign(t, { area: 0, at: now });
    }
    return out;
  }

  private async publish(): Promise<void> {
    const demand = this.snapshot();
    try {
      if (this.redis.status === 'wait') await this.redis.connect();
      await this.redis.multi().set(this.keys.instance(this.id), JSON.stringify(demand), 'EX', TTL_SECONDS).sadd(this.keys.index, this.id).exec();
      this.warned = false;
    } catch (error) {
      // Logged once per outage: the controller then keeps every endpoint's count (autoscaling.ts).
      if (!this.warned) this.logger.warn(`could not publish endpoint demand: ${(error as Error).message}`);
      this.warned = true;
    }
  }
}

/**
 * The controller side: the sum over API instances of their last published demand, and a
 * wake-up when one holds a request. Instances whose key expired are dropped from the index.
 */
@Injectable()
export class EndpointDemandReader implements OnModuleDestroy {
  private readonly redis: Redis;
  private subscriber?: Redis;
  private readonly keys: ReturnType<typeof demandKeys>;

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {
    this.redis = lazyRedis(config.REDIS_URL!);
    this.keys = demandKeys(config);
  }

  onModuleDestroy(): void {
    this.redis.disconnect();
    this.subscriber?.disconnect();
  }

  /** Concurrency per endpoint id; undefined when Redis cannot be read (the autoscaler then holds every count). */
  async read(): Promise<Map<string, number> | undefined> {
    try {
      if (this.redis.status === 'wait') await this.redis.connect();
      const ids = await this.redis.smembers(this.keys.index);
      const total = new Map<string, number>();
      if (ids.length === 0) return total;
      const values = await this.redis.mget(ids.map((id) => this.keys.instance(id)));
      const gone = ids.filter((_id, i) => values[i] === null);
      if (gone.length > 0) await this.redis.srem(this.keys.index, ...gone);
      for (const value of values) {
        if (!value) continue;
        for (const [endpointId, n] of Object.entries(JSON.parse(value) as Record<string, number>)) total.set(endpointId, (total.get(endpointId) ?? 0) + n);
      }
      return total;
    } catch {
      return undefined;
    }
  }

  /** Calls `listener` whenever an API instance holds a request for a scaled-down endpoint. */
  onWake(listener: () => void): () => void {
    const sub = (this.subscriber ??= new Redis(redisOptions(this.config.REDIS_URL!, 'worker') as RedisOptions));
    const handler = (channel: string) => {
      if (channel === this.keys.wake) listener();
    };
    sub.on('message', handler);
    void sub.subscribe(this.keys.wake).catch(() => undefined);
    return () => void sub.off('message', handler);
  }
}
