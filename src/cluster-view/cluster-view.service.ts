import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { roleIn, type Principal } from '../common/auth/principal.js';
import { APP_CONFIG } from '../common/config/config.js';
import type { AppConfig } from '../common/config/config.schema.js';
import { AppError, ErrorCode } from '../common/errors/app-error.js';
import { lazyRedis } from '../common/queue/lazy-redis.js';
import type { ClusterNodesSnapshot } from '../training/offers/cluster-nodes.js';
import { nodesKeyOf } from '../training/offers/cluster-offers.store.js';
import { foldAllocation, stepsOf } from './allocation.js';
import type { AllocationQuery } from './allocation.dto.js';
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
    this.redis = lazyRedis(config.REDIS_URL!);
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

  /**
   * GPUs held over [from, to) per step, flavor and project, from the stored usage ledger and
   * the attempts running now (so it is the same for every api replica and survives restarts).
   * Like the node list, every caller sees how much is held; only the projects they can read
   * are named, the others are summed under project null. Steps after now are not answered.
   */
  async allocation(principal: Principal, query: AllocationQuery, now = new Date()) {
    const end = new Date(Math.max(query.from.getTime(), Math.min(query.to.getTime(), now.getTime())));
    const steps = stepsOf(query.from, end, query.stepSeconds);
    const rows = await this.repository.allocation(query.from, end, query.stepSeconds, now);
    const names = await this.repository.projectNames([...new Set(rows.map((r) => r.projectId))]);
    const folded = foldAllocation(rows, steps, (projectId) => (roleIn(principal, projectId) !== undefined ? (names.get(projectId) ?? projectId) : undefined));
    return {
      from: query.from.toISOString(),
      to: query.to.toISOString(),
      stepSeconds: query.stepSeconds,
      times: steps.starts.map((d) => d.toISOString()),
      ...folded,
    };
  }
}
