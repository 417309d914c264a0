import { Global, Module, type DynamicModule } from '@nestjs/common';
import { CLUSTER_DRIVER } from './cluster-driver.js';
import { clusterDriverProvider, servingDriverProvider } from './cluster.providers.js';
import { SERVING_DRIVER } from './serving-driver.js';

/**
 * One instance of each driver per process, shared by training (jobs) and serving
 * (endpoints). With BEAMLINE_CLUSTER_DRIVER=none neither exists: the API still accepts
 * intent, nothing runs.
 */
@Global()
@Module({})
export class ClusterModule {
  static forDriver(driver: 'local' | 'kubernetes' | 'none'): DynamicModule {
    if (driver === 'none') return { module: ClusterModule, global: true };
    return { module: ClusterModule, global: true, providers: [clusterDriverProvider, servingDriverProvider], exports: [CLUSTER_DRIVER, SERVING_DRIVER] };
  }
}
