import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import { Redis, type RedisOptions } from 'ioredis';
import { roleIn, type Principal } from '../common/auth/principal.js';
import { APP_CONFIG } from '../common/config/config.js';
import type { AppConfig } from '../common/config/config.schema.js';
import { AppError, ErrorCode } from '../common/errors/app-error.js';
import { redisOptions } from '../common/queue/redis-options.js';
import type { ClusterNodesSnapshot } from '../training/offers/cluster-nodes.js';
import { nodesKeyOf } from '../training/offers/cluster-offers.store.js';
import { nodesView } from './cluster-nodes.view.js';
import { ClusterViewRepository } from './cluster-view.repository.js';

/**
 * The cluster's nodes and GPUs for the api role, which has no driver: the controller
 * publishes its inventory to Redis (ClusterOffersPublisher), the placements come from
 * PostgreSQL. The two are read at different moments, so a job placed in the last instant may
 * show on a device the list does not have yet, or the other way round, until the next read.
 */
@Injectable()
export class ClusterViewService implements OnModuleDestroy {
  private readonly redis: Redis;

  constructor(
    private readonly repository: ClusterViewRepository,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    this.redis = new Redis({ ...(redisOptions(config.REDIS_URL!, 'producer') as RedisOptions), lazyConnect: true });
  }

  onModuleDestroy(): void {
    this.redis.disconnect();
  }

  async nodes(principal: Principal) {
    const raw = await this.redis.get(nodesKeyOf(this.config)).catch(() => null);
    if (!raw) throw new AppError(ErrorCode.Unavailable, 'The node list is not known yet: no controller has published it (it does once its cluster driver has listed the cluster)');
    const snapshot = JSON.parse(raw) as ClusterNodesSnapshot;
    return nodesView(snapshot, await this.repository.activeJobs(), (projectId) => roleIn(principal, projectId) !== undefined);
  }
}
