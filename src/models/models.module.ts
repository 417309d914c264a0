import { Module } from '@nestjs/common';
import { artifactStoreProvider } from './artifacts/artifact-store.provider.js';
import { ModelAliasesRepository } from './model-aliases.repository.js';
import { ModelArtifactsService } from './model-artifacts.service.js';
import { ModelVersionsController } from './model-versions.controller.js';
import { ModelVersionsService } from './model-versions.service.js';
import { ModelsController } from './models.controller.js';
import { ModelLineage } from './models.lineage.js';
import { ModelsMetrics } from './models.metrics.js';
import { ModelRegistration } from './models.registration.js';
import { ModelsRepository } from './models.repository.js';
import { ModelsService } from './models.service.js';
import { OnnxInspector } from './onnx-inspector.js';
import { EndpointVersionUsage } from '../serving/endpoints/endpoint-version-usage.js';
import { ARTIFACT_STORE } from './artifacts/artifact-store.js';
import { MODEL_VERSION_USAGE } from './version-usage.port.js';

/**
 * The model registry. Exports ModelLineage (versions a training job produced) and
 * ModelRegistration (register a job's model.onnx without HTTP) for training, and
 * ModelVersionsService + ARTIFACT_STORE for serving; MODEL_VERSION_USAGE asks serving's tables
 * whether an endpoint still serves a version (see version-usage.port.ts).
 */
@Module({
  controllers: [ModelsController, ModelVersionsController],
  providers: [
    ModelsRepository,
    ModelAliasesRepository,
    ModelsService,
    ModelVersionsService,
    ModelArtifactsService,
    ModelsMetrics,
    ModelLineage,
    ModelRegistration,
    OnnxInspector,
    artifactStoreProvider,
    { provide: MODEL_VERSION_USAGE, useClass: EndpointVersionUsage },
  ],
  exports: [ModelLineage, ModelRegistration, ModelVersionsService, ARTIFACT_STORE],
})
export class ModelsModule {}
