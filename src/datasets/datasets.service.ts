import { Injectable } from '@nestjs/common';
import type { Dataset } from '../generated/prisma/client.js';
import type { Principal, ProjectRef } from '../common/auth/principal.js';
import { AppError, ErrorCode } from '../common/errors/app-error.js';
import { parseOrThrow } from '../common/validation/zod.js';
import { datasetNameSchema, type CreateDataset, type ListDatasets } from './datasets.dto.js';
import { DatasetsRepository, isUniqueViolation } from './datasets.repository.js';
import { decodeNameCursor, encodeNameCursor, toDatasetView, type DatasetView } from './datasets.view.js';

/** Datasets themselves; their versions: dataset-versions.service.ts. */
@Injectable()
export class DatasetsService {
  constructor(private readonly repo: DatasetsRepository) {}

  async create(project: ProjectRef, principal: Principal, body: CreateDataset): Promise<DatasetView> {
    try {
      return toDatasetView(await this.repo.createDataset({ ...body, projectId: project.id, createdByToken: principal.tokenId }), project.name);
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
      throw new AppError(ErrorCode.Conflict, `Dataset '${body.name}' already exists in project '${project.name}'`, [{ field: 'name', message: 'already taken in this project' }]);
    }
  }

  async list(project: ProjectRef, query: ListDatasets) {
    const afterName = query.cursor === undefined ? undefined : decodeNameCursor(query.cursor);
    if (query.cursor !== undefined && !afterName) throw AppError.validation([{ field: 'cursor', message: 'not a cursor returned by this API' }]);
    const rows = await this.repo.listDatasets(project.id, { namePrefix: query.namePrefix, afterName, limit: query.limit + 1 });
    const page = rows.slice(0, query.limit);
    const nextCursor = rows.length > query.limit ? encodeNameCursor(page[page.length - 1].name) : null;
    return { items: page.map((d) => toDatasetView(d, project.name)), nextCursor };
  }

  async get(project: ProjectRef, name: string): Promise<DatasetView> {
    return toDatasetView(await this.load(project, name), project.name);
  }

  async load(project: ProjectRef, name: string): Promise<Dataset> {
    const valid = parseOrThrow(datasetNameSchema, name, 'name');
    const dataset = await this.repo.findDataset(project.id, valid);
    if (!dataset) throw AppError.notFound(`Dataset '${name}' in project '${project.name}'`);
    return dataset;
  }
}
