import { Injectable } from '@nestjs/common';
import { ModelArtifactsService } from './model-artifacts.service.js';
import { ModelsMetrics } from './models.metrics.js';
import { isUniqueViolation, ModelsRepository } from './models.repository.js';

export interface LocalRegistration {
  projectId: string;
  modelName: string;
  /** A model file on this machine, e.g. `<job output dir>/model.onnx`. */
  path: string;
  trainingJobId: string;
  createdByToken?: string | null;
  description?: string;
  metrics?: Record<string, number>;
}

/**
 * Registration without HTTP, for the controller: when a job with `outputModel` succeeds
 * on the local driver, training calls `registerJobOutput` with the job's model.onnx.
 * It takes the same path as an upload (hash, ONNX inspection, content-addressed store),
 * creates the model when it does not exist yet, and is idempotent per (job, model) so a
 * reconciler that repeats itself after a restart registers the output once.
 */
@Injectable()
export class ModelRegistration {
  constructor(
    private readonly repo: ModelsRepository,
    private readonly artifacts: ModelArtifactsService,
    private readonly metrics: ModelsMetrics,
  ) {}

  async registerJobOutput(input: LocalRegistration): Promise<{ model: string; version: number; sha256: string; created: boolean }> {
    const model = await this.ensureModel(input.projectId, input.modelName, input.createdByToken ?? null);
    const existing = (await this.repo.versionsProducedBy(input.trainingJobId)).find((v) => v.modelId === model.id && v.status === 'Ready');
    if (existing) return { model: model.name, version: existing.version, sha256: existing.artifactSha256!, created: false };
    const artifact = await this.artifacts.ingestLocalFile(input.path);
    const row = await this.repo.createVersion({
      modelId: model.id,
      description: input.description ?? `output of training job ${input.trainingJobId}`,
      tags: [],
      metrics: input.metrics ?? {},
      variables: {},
      trainingJobId: input.trainingJobId,
      createdByToken: input.createdByToken ?? undefined,
      artifact,
    });
    this.metrics.versionRegistered();
    return { model: model.name, version: row.version, sha256: artifact.sha256, created: true };
  }

  private async ensureModel(projectId: string, name: string, createdByToken: string | null) {
    const found = await this.repo.findModel(projectId, name);
    if (found) return found;
    try {
      return await this.repo.createModel({ projectId, name, createdByToken, description: 'registered from a training job output' });
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
      return (await this.repo.findModel(projectId, name))!;
    }
  }
}
