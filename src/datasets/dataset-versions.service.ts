import type { IncomingMessage } from 'node:http';
import type { Readable } from 'node:stream';
import { Inject, Injectable } from '@nestjs/common';
import type { Dataset } from '../generated/prisma/client.js';
import type { Principal, ProjectRef } from '../common/auth/principal.js';
import { AppError, ErrorCode } from '../common/errors/app-error.js';
import { parseOrThrow } from '../common/validation/zod.js';
import { ARTIFACT_STORE, type ArtifactStore } from '../models/artifacts/artifact-store.js';
import { DatasetCopies } from './dataset-copies.js';
import { DatasetIntake, type Intake } from './dataset-intake.js';
import { createDatasetVersionSchema, datasetVersionRefSchema, type ListDatasetVersions } from './datasets.dto.js';
import { DatasetsRepository, isForeignKeyViolation, type DatasetVersionRow } from './datasets.repository.js';
import { DatasetsMetrics } from './datasets.metrics.js';
import { DatasetsService } from './datasets.service.js';
import { toDatasetVersionView, type DatasetVersionView } from './datasets.view.js';

/** Versions of a dataset: register (upload or URI), read, delete, and the archive's download. */
@Injectable()
export class DatasetVersionsService {
  constructor(
    private readonly datasets: DatasetsService,
    private readonly repo: DatasetsRepository,
    private readonly intake: DatasetIntake,
    @Inject(ARTIFACT_STORE) private readonly store: ArtifactStore,
    private readonly metrics: DatasetsMetrics,
    private readonly copies: DatasetCopies,
  ) {}

  /** multipart/form-data (`file`: a .tar or .tar.gz, `spec`: {description}) uploads; JSON `{uri}` points at data elsewhere. */
  async create(project: ProjectRef, principal: Principal, name: string, req: IncomingMessage & { body?: unknown }): Promise<DatasetVersionView> {
    const type = req.headers['content-type'] ?? '';
    let dataset: Dataset;
    let intake: Intake;
    try {
      // A JSON body is checked first, as a validation pipe would (a 400 names the field even
      // for a dataset that does not exist); an archive only after the dataset is found.
      const json = /^application\/([\w.-]+\+)?json\s*(;|$)/i.test(type) ? parseOrThrow(createDatasetVersionSchema, req.body ?? {}) : undefined;
      dataset = await this.datasets.load(project, name);
      if (/^multipart\/form-data/i.test(type)) {
        intake = await this.intake.archive(req);
      } else if (json) {
        intake = { ...(await this.intake.uri(json.uri)), description: json.description };
      } else {
        throw new AppError(ErrorCode.UnsupportedMediaType, 'Send multipart/form-data (an archive as `file`) or application/json ({"uri": ...})', [
          { field: 'header:Content-Type', message: `got '${type || 'none'}'` },
        ]);
      }
    } catch (error) {
      // A request refused before its body was read still has to be drained for the answer to arrive.
      if (!req.readableEnded) req.resume();
      throw error;
    }
    const staged = intake.staged;
    const row = await this.repo.createVersion(
      {
        datasetId: dataset.id,
        kind: intake.kind,
        uri: intake.uri,
        description: intake.description ?? '',
        sizeBytes: intake.sizeBytes,
        fileCount: intake.fileCount,
        digest: intake.digest,
        digestNote: intake.digestNote,
        archiveSha256: intake.archiveSha256,
        createdByToken: principal.tokenId,
      },
      staged && intake.archiveSha256 ? () => this.copies.place(staged, intake.archiveSha256!) : undefined,
    ).finally(() => staged && this.copies.discard(staged)); // nothing left once placed
    this.metrics.registered(intake.kind);
    return toDatasetVersionView(row, dataset, project.name);
  }

  async list(project: ProjectRef, name: string, query: ListDatasetVersions) {
    const dataset = await this.datasets.load(project, name);
    const rows = await this.repo.listVersions(dataset.id, { before: query.cursor, limit: query.limit + 1 });
    const page = rows.slice(0, query.limit);
    const nextCursor = rows.length > query.limit ? String(page[page.length - 1].version) : null;
    return { items: page.map((row) => toDatasetVersionView(row, dataset, project.name)), nextCursor };
  }

  async get(project: ProjectRef, name: string, ref: string): Promise<DatasetVersionView> {
    const { dataset, row } = await this.resolve(project, name, ref);
    return toDatasetVersionView(row, dataset, project.name);
  }

  /**
   * Refused (409) while any training job names the version or has read it: lineage must keep
   * what trained a model. Its unpacked copy goes too when no other version references it.
   */
  async delete(project: ProjectRef, name: string, ref: string): Promise<void> {
    const { row } = await this.resolve(project, name, ref);
    let result: Awaited<ReturnType<DatasetsRepository['deleteVersion']>>;
    try {
      result = await this.repo.deleteVersion(row.id);
    } catch (error) {
      if (!isForeignKeyViolation(error)) throw error;
      result = { deleted: false, jobs: ['(read concurrently)'] };
    }
    if (!result.deleted) {
      throw new AppError(ErrorCode.Conflict, `Version ${row.version} is used by training jobs: ${result.jobs.join(', ')}`, [
        { field: 'version', message: 'named or read by training jobs (lineage keeps it)' },
      ]);
    }
    await this.copies.release(row.archiveSha256);
  }

  /** GET .../archive: the uploaded archive as stored (what a Kubernetes init container fetches). */
  async archive(project: ProjectRef, name: string, ref: string): Promise<{ headers: Record<string, string>; body: Readable }> {
    const { row } = await this.resolve(project, name, ref);
    const sha = row.archiveSha256;
    const stat = sha ? await this.store.stat(sha) : undefined;
    if (!sha || !stat) throw AppError.notFound(`An uploaded archive of version ${row.version} of dataset '${name}'`);
    return {
      headers: {
        'Content-Type': 'application/octet-stream',
        'Content-Length': String(stat.size),
        ETag: `"${sha}"`,
        'X-Content-SHA256': sha,
      },
      body: await this.store.open(sha),
    };
  }

  async resolve(project: ProjectRef, name: string, ref: string): Promise<{ dataset: Dataset; row: DatasetVersionRow }> {
    const dataset = await this.datasets.load(project, name);
    const version = parseOrThrow(datasetVersionRefSchema, ref, 'version');
    const row = await this.repo.findVersion(dataset.id, version);
    if (!row) throw AppError.notFound(`Version ${version} of dataset '${name}'`);
    return { dataset, row };
  }
}
