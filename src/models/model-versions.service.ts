import { Inject, Injectable } from '@nestjs/common';
import type { Model, Prisma } from '../generated/prisma/client.js';
import type { Principal, ProjectRef } from '../common/auth/principal.js';
import { AppError, ErrorCode } from '../common/errors/app-error.js';
import { parseOrThrow } from '../common/validation/zod.js';
import { versionRefSchema, type CreateVersion, type ListVersions, type UpdateVersion } from './models.dto.js';
import { ModelsMetrics } from './models.metrics.js';
import { isForeignKeyViolation, ModelsRepository, type NewVersion, type VersionRow } from './models.repository.js';
import { ModelsService } from './models.service.js';
import { toVersionView, type VersionView } from './models.view.js';
import type { ModelSignature } from './signature.js';
import { checkVariables, type Variables } from './variables.js';
import { MODEL_VERSION_USAGE, type ModelVersionUsage } from './version-usage.port.js';

/** Versions: create (pending an upload), read by number / `latest` / `@alias`, update, delete. */
@Injectable()
export class ModelVersionsService {
  constructor(
    private readonly models: ModelsService,
    private readonly repo: ModelsRepository,
    private readonly metrics: ModelsMetrics,
    @Inject(MODEL_VERSION_USAGE) private readonly usage: ModelVersionUsage,
  ) {}

  /** Creates a PendingUpload version; its artifact comes with PUT .../versions/{v}/artifact. */
  create(project: ProjectRef, principal: Principal, name: string, body: CreateVersion): Promise<VersionView> {
    return this.metrics.track('create_version', async () => {
      const model = await this.models.load(project, name);
      await this.checkTrainingJob(project, body.trainingJobId);
      const row = await this.repo.createVersion(newVersionOf(model.id, body, principal));
      return toVersionView(row, model, project.name);
    });
  }

  async list(project: ProjectRef, name: string, query: ListVersions) {
    const model = await this.models.load(project, name);
    const rows = await this.repo.listVersions(model.id, { status: query.status, tags: query.tag, before: query.cursor, limit: query.limit + 1 });
    const page = rows.slice(0, query.limit);
    const nextCursor = rows.length > query.limit ? String(page[page.length - 1].version) : null;
    return { items: page.map((row) => this.view(row, model, project)), nextCursor };
  }

  async get(project: ProjectRef, name: string, ref: string): Promise<VersionView> {
    const { model, row } = await this.resolve(project, name, ref);
    return this.view(row, model, project);
  }

  /** Description, tags, metrics; variables are re-checked against the signature when there is one. */
  update(project: ProjectRef, name: string, ref: string, body: UpdateVersion): Promise<VersionView> {
    return this.metrics.track('update_version', async () => {
      const { model, row } = await this.resolve(project, name, ref);
      if (body.variables && row.signature) assertVariablesFit(body.variables, row.signature as unknown as ModelSignature);
      const data: Prisma.ModelVersionUpdateInput = {};
      if (body.description !== undefined) data.description = body.description;
      if (body.tags !== undefined) data.tags = body.tags;
      if (body.metrics !== undefined) data.metrics = body.metrics;
      if (body.variables !== undefined) data.variables = body.variables as Prisma.InputJsonValue;
      return this.view(await this.repo.updateVersion(row.id, data), model, project);
    });
  }

  /** Refused (409) while an alias or an inference endpoint uses the version. */
  delete(project: ProjectRef, name: string, ref: string): Promise<void> {
    return this.metrics.track('delete_version', async () => {
      const { row } = await this.resolve(project, name, ref);
      const endpoints = await this.usage.endpointsUsing(row.id);
      if (endpoints.length > 0) {
        throw new AppError(ErrorCode.Conflict, `Version ${row.version} is served by endpoints: ${endpoints.join(', ')}; move them first`);
      }
      let result: Awaited<ReturnType<ModelsRepository['deleteVersion']>>;
      try {
        result = await this.repo.deleteVersion(row.id);
      } catch (error) {
        // An alias was pointed at it between the check and the delete: the FK refused.
        if (isForeignKeyViolation(error)) result = { deleted: false, aliases: ['(set concurrently)'] };
        else throw error;
      }
      if (!result.deleted) {
        throw new AppError(ErrorCode.Conflict, `Version ${row.version} is in use by aliases: ${result.aliases.join(', ')}; move or delete them first`, [
          { field: 'version', message: `aliased as ${result.aliases.map((a) => `@${a}`).join(', ')}` },
        ]);
      }
    });
  }

  /** `3`, `latest` (newest Ready version) or `@alias`. */
  async resolve(project: ProjectRef, name: string, rawRef: string): Promise<{ model: Model; row: VersionRow }> {
    const model = await this.models.load(project, name);
    const ref = parseOrThrow(versionRefSchema, rawRef, 'version');
    let row: VersionRow | null;
    if (ref.kind === 'number') row = await this.repo.findVersion(model.id, ref.version);
    else if (ref.kind === 'latest') row = await this.repo.findLatestReady(model.id);
    else row = await this.repo.findByAlias(model.id, ref.alias);
    if (!row) {
      const what = ref.kind === 'number' ? `Version ${ref.version}` : ref.kind === 'latest' ? 'A Ready version' : `Alias '@${ref.alias}'`;
      throw AppError.notFound(`${what} of model '${name}'`);
    }
    return { model, row };
  }

  view(row: VersionRow, model: { name: string }, project: ProjectRef): VersionView {
    return toVersionView(row, model, project.name);
  }

  async checkTrainingJob(project: ProjectRef, trainingJobId: string | undefined, field = 'trainingJobId'): Promise<void> {
    if (trainingJobId && !(await this.repo.trainingJobInProject(project.id, trainingJobId))) {
      throw AppError.validation([{ field, message: `no training job ${trainingJobId} in project '${project.name}'` }]);
    }
  }
}

/** 422 naming every variable that does not fit the signature. */
export function assertVariablesFit(variables: Variables, signature: ModelSignature): void {
  const problems = checkVariables(variables, signature);
  if (problems.length > 0) {
    throw new AppError(ErrorCode.UnprocessableContent, 'The variable metadata does not fit the model signature', problems);
  }
}

/** The record of a new version from its request body (one-step uploads add the artifact). */
export function newVersionOf(modelId: string, body: CreateVersion, principal: Principal, artifact?: NewVersion['artifact']): NewVersion {
  return {
    modelId,
    description: body.description,
    tags: body.tags,
    metrics: body.metrics,
    variables: (body.variables ?? {}) as Prisma.InputJsonValue,
    trainingJobId: body.trainingJobId,
    claimedSha256: body.sha256,
    createdByToken: principal.tokenId,
    artifact,
  };
}
