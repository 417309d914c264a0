import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { Redis, type RedisOptions } from 'ioredis';
import { CLUSTER_DRIVER, type ClusterDriver } from '../../cluster/cluster-driver.js';
import { APP_CONFIG } from '../../common/config/config.js';
import type { AppConfig } from '../../common/config/config.schema.js';
import { redisOptions } from '../../common/queue/redis-options.js';
import { lazyRedis } from '../../common/queue/lazy-redis.js';
import { AppError } from '../../common/errors/app-error.js';
import type { WorkerResources } from '../training.dto.js';
import { type ClusterOffers, offerProblem, offersOf } from './cluster-offers.js';
import { nodesSnapshotOf } from './cluster-nodes.js';

/** Long enough to outlive a controller failover, short enough that a dead controller's view expires. */
const TTL_SECONDS = 300;
const REFRESH_MS = 60_000;
const READ_CACHE_MS = 5_000;
const MISS_CACHE_MS = 250;

const keyOf = (config: AppConfig) => `${config.BEAMLINE_QUEUE_PREFIX}:cluster-offers`;
/** The node list beside the offers, for GET /v1/cluster/nodes (src/cluster-view reads it). */
export const nodesKeyOf = (config: Pick<AppConfig, 'BEAMLINE_QUEUE_PREFIX'>) => `${config.BEAMLINE_QUEUE_PREFIX}:cluster-nodes`;

/**
 * The controller publishes what the cluster's GPUs offer (ClusterOffers) to Redis whenever
 * its driver's inventory changes, and at least every minute; the API reads it (below). Redis,
 * not PostgreSQL: it is a cache of the driver's own cache, rebuilt from the cluster at start.
 */
@Injectable()
export class ClusterOffersPublisher implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(ClusterOffersPublisher.name);
  private readonly redis: Redis;
  private timer?: NodeJS.Timeout;
  private pending?: NodeJS.Timeout;
  private unsubscribe?: () => void;
  private last = '';
  private lastNodes = '';

  constructor(
    @Inject(CLUSTER_DRIVER) private readonly driver: ClusterDriver,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    this.redis = new Redis(redisOptions(config.REDIS_URL!, 'producer') as RedisOptions);
  }

  onApplicationBootstrap(): void {
    this.unsubscribe = this.driver.onChange(() => this.soon());
    this.timer = setInterval(() => void this.publish(true), REFRESH_MS);
    this.timer.unref();
    this.soon();
  }

  async onModuleDestroy(): Promise<void> {
    this.unsubscribe?.();
    clearInterval(this.timer);
    clearTimeout(this.pending);
    this.redis.disconnect();
  }

  /** Inventory changes come in bursts (a watch relist): publish once after them. */
  private soon(): void {
    this.pending ??= setTimeout(() => {
      this.pending = undefined;
      void this.publish(false);
    }, 500);
  }

  private async publish(refresh: boolean): Promise<void> {
    let offers: ClusterOffers;
    let nodes: ReturnType<typeof nodesSnapshotOf>;
    try {
      const inventory = this.driver.inventory();
      offers = offersOf(inventory.nodes, Date.now());
      nodes = nodesSnapshotOf(inventory, offers.at);
    } catch {
      return; // the driver has not listed the cluster yet: publish nothing rather than an empty cluster
    }
    const products = JSON.stringify(offers.products);
    const nodeList = JSON.stringify({ nodes: nodes.nodes, foreign: nodes.foreign });
    if (!refresh && products === this.last && nodeList === this.lastNodes) return;
    try {
      await this.redis.set(keyOf(this.config), JSON.stringify(offers), 'EX', TTL_SECONDS);
      await this.redis.set(nodesKeyOf(this.config), JSON.stringify(nodes), 'EX', TTL_SECONDS);
      this.last = products;
      this.lastNodes = nodeList;
    } catch (error) {
      this.logger.warn(`could not publish the cluster's GPU offers: ${(error as Error).message}`);
    }
  }
}

/** The API side: refuses at submit what no node can ever run, when the controller has said what there is. */
@Injectable()
export class ClusterOffersReader implements OnModuleDestroy {
  private readonly redis: Redis;
  private cached?: { at: number; offers?: ClusterOffers };

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {
    this.redis = lazyRedis(config.REDIS_URL!);
  }

  onModuleDestroy(): void {
    this.redis.disconnect();
  }

  /** Throws a 400 naming the field; passes when the offers are unknown (no controller yet, Redis down). */
  async check(gpu: WorkerResources['gpu']): Promise<void> {
    if (!gpu || (gpu.milli === undefined && gpu.migProfile === undefined)) return;
    const offers = await this.offers();
    const problem = offers && offerProblem(offers, gpu);
    if (problem) throw AppError.validation([problem], problem.message);
  }

  /** Devices per GPU product as the controller last published them; undefined when unknown. */
  async capacity(): Promise<Record<string, number> | undefined> {
    const offers = await this.offers();
    return offers && Object.fromEntries(Object.entries(offers.products).map(([p, o]) => [p, o.devices]));
  }

  private async offers(): Promise<ClusterOffers | undefined> {
    // A miss (no controller has published yet) is asked again soon, not cached for READ_CACHE_MS:
    // the first view after a start would otherwise hide the cluster for five seconds.
    const maxAge = this.cached?.offers ? READ_CACHE_MS : MISS_CACHE_MS;
    if (this.cached && Date.now() - this.cached.at < maxAge) return this.cached.offers;
    const raw = await this.redis.get(keyOf(this.config)).catch(() => null);
    const offers = raw ? (JSON.parse(raw) as ClusterOffers) : undefined;
    this.cached = { at: Date.now(), offers };
    return offers;
  }
}
