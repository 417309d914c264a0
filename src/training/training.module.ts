import { Module, type DynamicModule, type Provider } from '@nestjs/common';
import { JOB_SCHEDULER, NoClusterScheduler } from './scheduler.port.js';
import { TrainingController } from './training.controller.js';
import { TrainingMetrics } from './training.metrics.js';
import { TrainingProcessor } from './training.processor.js';
import { TrainingQueue } from './training.queue.js';
import { TrainingReconciler } from './training.reconciler.js';
import { TrainingRepository } from './training.repository.js';
import { TrainingService } from './training.service.js';

/** `api` gets the REST controller; `controller` gets the queue consumer and the reconciler. */
@Module({})
export class TrainingModule {
  static forRoles(roles: { api: boolean; controller: boolean }): DynamicModule {
    const providers: Provider[] = [
      TrainingRepository,
      TrainingQueue,
      TrainingService,
      TrainingMetrics,
      { provide: JOB_SCHEDULER, useClass: NoClusterScheduler },
    ];
    if (roles.controller) providers.push(TrainingProcessor, TrainingReconciler);
    return {
      module: TrainingModule,
      controllers: roles.api ? [TrainingController] : [],
      providers,
      exports: [TrainingService],
    };
  }
}
