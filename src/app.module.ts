import { Module, type DynamicModule } from '@nestjs/common';
import { ClusterModule } from './cluster/cluster.module.js';
import { ClusterViewModule } from './cluster-view/cluster-view.module.js';
import { CommonModule } from './common/common.module.js';
import { ConsoleModule } from './console/console.module.js';
import type { AppConfig, Role } from './common/config/config.schema.js';
import { MetricsService } from './common/metrics/metrics.service.js';
import { ModelsModule } from './models/models.module.js';
import { DatasetsModule } from './datasets/datasets.module.js';
import { ProjectsModule } from './projects/projects.module.js';
import { QueuesModule } from './queues/queues.module.js';
import { AccessModule } from './access/access.module.js';
import { AuditModule } from './audit/audit.module.js';
import { AuthModule } from './auth/auth.module.js';
import { ServingModule } from './serving/serving.module.js';
import { TrainingModule } from './training/training.module.js';
import { UsageModule } from './usage/usage.module.js';

export function rolesOf(role: Role): { api: boolean; controller: boolean } {
  return { api: role === 'api' || role === 'all', controller: role === 'controller' || role === 'all' };
}

/** One image, roles chosen at boot: `api`, `controller`, or `all` (both, the embedded default). */
@Module({})
export class AppModule {
  static forConfig(config: AppConfig, metrics: MetricsService): DynamicModule {
    const roles = rolesOf(config.BEAMLINE_ROLE);
    return {
      module: AppModule,
      imports: [
        CommonModule.forConfig(config, metrics),
        AuthModule,
        AuditModule.forRoles(roles),
        ClusterModule.forDriver(config.BEAMLINE_CLUSTER_DRIVER),
        ProjectsModule,
        AccessModule,
        QueuesModule,
        TrainingModule.forRoles(roles, config.BEAMLINE_CLUSTER_DRIVER),
        UsageModule,
        ModelsModule,
        DatasetsModule,
        ServingModule.forRoles(roles, config.BEAMLINE_CLUSTER_DRIVER),
        ConsoleModule.forRoles(roles),
        ClusterViewModule.forRoles(roles),
      ],
    };
  }
}
