import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { APP_CONFIG } from '../../common/config/config.js';
import type { AppConfig } from '../../common/config/config.schema.js';
import { lazyRedis } from '../../common/queue/lazy-redis.js';
import { addSample, emptyStats, mergeStats, type TrackStats } from './traffic-split.js';

/** How often each API instance publishes its canary counters. */
const PUBLISH_MS = 500;
/** An instance that stopped publishing (gone) drops out after this; its requests are then not counted. */
const TTL_SECONDS = 600;

export const statsKeys = (config: Pick<AppConfig, 'BEAMLINE_QUEUE_PREFIX'>) => {
  const base = `${config.BEAMLINE_QUEUE_PREFIX}:endpoint-canary-stats`;
  return { index: `${base}:instances`, instance: (id: string) => `${base}:${id}` };
};

/** Per endpoint id, per canary revision: what stable and canary answered since that canary started. */
export type CanaryRound = { stable: TrackStats; canary: TrackStats };
type Published = Record<string, Record<string, CanaryRound>>;

/**
 * The API side of canary analysis: the infer proxy's answers of an endpoint that runs a
 * canary, counted per track and per canary revision (the "round"), so stable's numbers are
 * those of the same window as the canary's. Counts are cumulative in this process and
 * published every PUBLISH_MS to Redis under this instance's key; the controller sums the
 * instances (CanaryStatsReader). The same answers also feed the Prometheus counters with a
 * `track` label (endpoints.metrics.ts).
 */
@Injectable()
export class CanaryStats implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(CanaryStats.name);
  private readonly redis: Redis;
  private readonly keys: ReturnType<typeof statsKeys>;
  private readonly id = `${hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`;
  private readonly rounds = new Map<string, Map<number, CanaryRound & { touched: number }>>();
  private dirty = false;
  private timer?: NodeJS.Timeout;
  private warned = false;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    this.redis = lazyRedis(config.REDIS_URL!);
    this.keys = statsKeys(config);
  }

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.publish(), PUBLISH_MS);
    this.timer.unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.timer);
    this.redis.disconnect();
  }

  record(endpointId: string, round: number, track: 'stable' | 'canary', status: number, seconds: number): void {
    let byRound = this.rounds.get(endpointId);
    if (!byRound) this.rounds.set(endpointId, (byRound = new Map()));
    let r = byRound.get(round);
    if (!r) byRound.set(round, (r = { stable: emptyStats(), canary: emptyStats(), touched: 0 }));
    addSample(r[track], status, seconds);
    r.touched = Date.now();
    this.dirty = true;
  }

  /** This instance's counts (tests, and the controller when it runs in this process). */
  local(endpointId: string, round: number): CanaryRound | undefined {
    const r = this.rounds.get(endpointId)?.get(round);
    return r && { stable: r.stable, canary: r.canary };
  }

  private async publish(): Promise<void> {
    if (!this.dirty && this.rounds.size === 0) return;
    this.dirty = false;
    const out: Published = {};
    const stale = Date.now() - TTL_SECONDS * 1000;
    for (const [endpointId, byRound] of this.rounds) {
      for (const [round, r] of byRound) {
        if (r.touched < stale) byRound.delete(round);
        else (out[endpointId] ??= {})[round] = { stable: r.stable, canary: r.canary };
      }
      if (byRound.size === 0) this.rounds.delete(endpointId);
    }
    try {
      if (this.redis.status === 'wait') await this.redis.connect();
      await this.redis.multi().set(this.keys.instance(this.id), JSON.stringify(out), 'EX', TTL_SECONDS).sadd(this.keys.index, this.id).exec();
      this.warned = false;
    } catch (error) {
      this.dirty = true;
      if (!this.warned) this.logger.warn(`could not publish canary counters: ${(error as Error).message}`);
      this.warned = true;
    }
  }
}

/** The controller side: the sum over API instances of one canary round. */
@Injectable()
export class CanaryStatsReader implements OnModuleDestroy {
  private readonly redis: Redis;
  private readonly keys: ReturnType<typeof statsKeys>;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    this.redis = lazyRedis(config.REDIS_URL!);
    this.keys = statsKeys(config);
  }

  onModuleDestroy(): void {
    this.redis.disconnect();
  }

  /** Summed counts per endpoint id for the given rounds; undefined when Redis cannot be read (no decision this pass). */
  async read(rounds: Map<string, number>): Promise<Map<string, CanaryRound> | undefined> {
    if (rounds.size === 0) return new Map();
    try {
      if (this.redis.status === 'wait') await this.redis.connect();
      const ids = await this.redis.smembers(this.keys.index);
      const total = new Map<string, CanaryRound>([...rounds.keys()].map((id) => [id, { stable: emptyStats(), canary: emptyStats() }]));
      if (ids.length === 0) return total;
      const values = await this.redis.mget(ids.map((id) => this.keys.instance(id)));
      const gone = ids.filter((_id, i) => values[i] === null);
      if (gone.length > 0) await this.redis.srem(this.keys.index, ...gone);
      for (const value of values) {
        if (!value) continue;
        const published = JSON.parse(value) as Published;
        for (const [endpointId, round] of rounds) {
          const r = published[endpointId]?.[round];
          const sum = total.get(endpointId)!;
          if (r) total.set(endpointId, { stable: mergeStats(sum.stable, r.stable), canary: mergeStats(sum.canary, r.canary) });
        }
      }
      return total;
    } catch {
      return undefined;
    }
  }
}
