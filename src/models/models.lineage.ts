import { Injectable } from '@nestjs/common';
import { ModelsRepository } from './models.repository.js';

/**
 * Lineage for the training side: which model versions a training job produced. Meant for
 * `GET .../training-jobs/{id}` (src/training) to show, and kept here so Prisma access to
 * the registry tables stays in this folder.
 */
@Injectable()
export class ModelLineage {
  constructor(private readonly repo: ModelsRepository) {}

  async versionsProducedBy(trainingJobId: string): Promise<Array<{ model: string; version: number; status: string; sha256: string | null }>> {
    const rows = await this.repo.versionsProducedBy(trainingJobId);
    return rows.map((r) => ({ model: r.model.name, version: r.version, status: r.status, sha256: r.artifactSha256 }));
  }
}
