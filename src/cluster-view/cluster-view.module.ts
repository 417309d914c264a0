import { Module, type DynamicModule } from '@nestjs/common';
import { ClusterViewController } from './cluster-view.controller.js';
import { ClusterViewRepository } from './cluster-view.repository.js';
import { ClusterViewService } from './cluster-view.service.js';

/** GET /v1/cluster/nodes, on the api role only (the controller publishes what it reads). */
@Module({})
export class ClusterViewModule {
  static forRoles(roles: { api: boolean }): DynamicModule {
    if (!roles.api) return { module: ClusterViewModule };
    return { module: ClusterViewModule, controllers: [ClusterViewController], providers: [ClusterViewService, ClusterViewRepository] };
  }
}
