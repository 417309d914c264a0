import { Module } from '@nestjs/common';
import { ModelsModule } from '../models/models.module.js';
import { DatasetCopies } from './dataset-copies.js';
import { DatasetIntake } from './dataset-intake.js';
import { DatasetMounts } from './dataset-mounts.js';
import { DatasetVersionsController } from './dataset-versions.controller.js';
import { DatasetVersionsService } from './dataset-versions.service.js';
import { DatasetsController } from './datasets.controller.js';
import { DatasetsRepository } from './datasets.repository.js';
import { DatasetsMetrics } from './datasets.metrics.js';
import { DatasetsService } from './datasets.service.js';
import { S3DatasetSource } from './s3-dataset-source.js';

/**
 * Datasets (issue 15, item 2): versioned, read-only data for training jobs. Exports
 * DatasetMounts, through which training resolves `dataset` volumes and records lineage.
 * Archives go to the model registry's artifact store (ARTIFACT_STORE, from ModelsModule).
 */
@Module({
  imports: [ModelsModule],
  controllers: [DatasetsController, DatasetVersionsController],
  providers: [DatasetsRepository, DatasetsService, DatasetVersionsService, DatasetIntake, DatasetCopies, S3DatasetSource, DatasetMounts, DatasetsMetrics],
  exports: [DatasetMounts],
})
export class DatasetsModule {}
