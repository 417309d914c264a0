import { Module, type DynamicModule, type Provider } from '@nestjs/common';
import { EndpointLeaderLock } from '../common/leader/leader-lock.js';
import { PublicUrl } from '../common/public-url.js';
import { ModelsModule } from '../models/models.module.js';
import { EndpointAutoscaler } from './endpoints/endpoint.autoscaler.js';
import { CanaryTransitions } from './endpoints/canary-transitions.js';
import { EndpointCanary } from './endpoints/endpoint.canary.js';
import { CanaryStats, CanaryStatsReader } from './endpoints/endpoint-traffic-stats.js';
import { EndpointsTrafficService } from './endpoints/endpoints-traffic.service.js';
import { EndpointControllerLoop } from './endpoints/endpoint.controller-loop.js';
import { EndpointDemand, EndpointDemandReader } from './endpoints/endpoint-demand.js';
import { EndpointReconciler } from './endpoints/endpoint.reconciler.js';
import { EndpointModelFiles } from './endpoints/endpoint-model-files.js';
import { EndpointProxy } from './endpoints/endpoint-proxy.js';
import { EndpointRouter } from './endpoints/endpoint-router.js';
import { ENDPOINT_TRIGGER } from './endpoints/endpoint-trigger.js';
import { EndpointsController } from './endpoints/endpoints.controller.js';
import { EndpointsMetrics } from './endpoints/endpoints.metrics.js';
import { EndpointsRepository } from './endpoints/endpoints.repository.js';
import { EndpointsService } from './endpoints/endpoints.service.js';
import { InferFastPath } from './endpoints/infer-fast-path.js';
import { PrometheusTargetsController } from './endpoints/prometheus-targets.controller.js';
import { ReplicaTokens } from './endpoints/replica-tokens.js';

/** `api` gets the REST API and the infer proxy; `controller` gets the endpoint reconciler loop. */
@Module({})
export class ServingModule {

  static forRoles(roles: { api: boolean; controller: boolean }, driver: 'local' | 'kubernetes' | 'none'): DynamicModule {
    const providers: Provider[] = [EndpointsRepository, EndpointsService, EndpointsTrafficService, CanaryTransitions, EndpointsMetrics, EndpointRouter, EndpointProxy, ReplicaTokens];
    // Autoscaling's demand and the canary's counters: the infer proxy publishes them, the controller reads them.
    // The infer proxy's hot path ahead of express (infer-fast-path.ts; app.factory.ts installs it).
    if (roles.api) providers.push(EndpointDemand, CanaryStats, InferFastPath);
    if (roles.controller && driver !== 'none') {
      providers.push(PublicUrl, EndpointLeaderLock, EndpointModelFiles, EndpointReconciler, EndpointControllerLoop, { provide: ENDPOINT_TRIGGER, useExisting: EndpointControllerLoop });
      providers.push(EndpointAutoscaler, EndpointDemandReader, EndpointCanary, CanaryStatsReader);
    }
    return { module: ServingModule, imports: [ModelsModule], controllers: roles.api ? [EndpointsController, PrometheusTargetsController] : [], providers };
  }
}
