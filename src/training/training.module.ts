import { Module, type DynamicModule, type Provider } from '@nestjs/common';
import { ModelsModule } from '../models/models.module.js';
import { DatasetsModule } from '../datasets/datasets.module.js';
import { LeaderLock } from '../common/leader/leader-lock.js';
import { JOB_SCHEDULER, NoClusterScheduler } from './scheduler.port.js';
import { ControllerCycle } from './scheduling/controller-cycle.js';
import { JobReconciler } from './scheduling/job.reconciler.js';
import { JobTokens } from './scheduling/job-tokens.js';
import { PublicUrl } from '../common/public-url.js';
import { SchedulingLoop } from './scheduling/scheduling.loop.js';
import { SchedulingMetrics } from './scheduling/scheduling.metrics.js';
import { SchedulingRepository } from './scheduling/scheduling.repository.js';
import { TrainingController } from './training.controller.js';
import { TrainingLogs } from './training.logs.js';
import { EtaRepository } from './eta.repository.js';
import { EtaService } from './eta.service.js';
import { TrainingMetrics } from './training.metrics.js';
import { TrainingProcessor } from './training.processor.js';
import { TrainingQueue } from './training.queue.js';
import { TrainingReconciler } from './training.reconciler.js';
import { TrainingRepository } from './training.repository.js';
import { TrainingService } from './training.service.js';
import { ClusterOffersPublisher, ClusterOffersReader } from './offers/cluster-offers.store.js';
import { CheckpointsController } from './checkpoints/checkpoints.controller.js';
import { CheckpointsRepository } from './checkpoints/checkpoints.repository.js';
import { CheckpointsService } from './checkpoints/checkpoints.service.js';
import { VolumeChecks } from './training-volume-checks.js';
import { ArchivedLogs } from './logs/archived-logs.js';
import { LogArchiveRepository } from './logs/log-archive.repository.js';
import { LogArchiver } from './logs/log-archiver.js';
import { LogArchiveMetrics } from './logs/log-archive.metrics.js';
import { LogChunkStore } from './logs/log-chunk-store.js';

/** `api` gets the REST controller; `controller` gets the queue consumer and the reconciler. */
@Module({})
export class TrainingModule {
  static forRoles(roles: { api: boolean; controller: boolean }, driver: 'local' | 'kubernetes' | 'none'): DynamicModule {
    const providers: Provider[] = [TrainingRepository, TrainingQueue, TrainingService, TrainingMetrics, TrainingLogs, ClusterOffersReader, EtaRepository, EtaService];
    providers.push(CheckpointsRepository, CheckpointsService, VolumeChecks);
    // Every role reads archived logs; only the leading controller writes them (logs/log-archiver.ts).
    providers.push(LogArchiveRepository, LogChunkStore, ArchivedLogs);
    // The driver comes from the global ClusterModule: the API reads logs through it; only the controller starts it and schedules.
    if (roles.controller) providers.push(TrainingProcessor, TrainingReconciler);
    if (roles.controller && driver !== 'none') {
      // The controller schedules: admitted jobs are offered to the cycle that binds them.
      providers.push(LeaderLock, PublicUrl, JobTokens, SchedulingRepository, SchedulingMetrics, SchedulingLoop, JobReconciler, ControllerCycle, ClusterOffersPublisher);
      providers.push(LogArchiver, LogArchiveMetrics);
      providers.push({ provide: JOB_SCHEDULER, useExisting: ControllerCycle });
    } else {
      providers.push({ provide: JOB_SCHEDULER, useClass: NoClusterScheduler });
    }
    return {
      module: TrainingModule,
      imports: [ModelsModule, DatasetsModule],
      controllers: roles.api ? [TrainingController, CheckpointsController] : [],
      providers,
      exports: [TrainingService],
    };
  }
}
