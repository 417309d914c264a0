import { Injectable } from '@nestjs/common';
import type { Model, Prisma } from '../generated/prisma/client.js';
import { roleIn, type Principal, type ProjectRef } from '../common/auth/principal.js';
import { AppError, ErrorCode } from '../common/errors/app-error.js';
import { parseOrThrow } from '../common/validation/zod.js';
import { ModelAliasesRepository, type AliasGuard } from './model-aliases.repository.js';
import { aliasNameSchema, modelNameSchema, type AliasHistoryQuery, type CreateModel, type ListModels, type SetAlias, type UpdateModel } from './models.dto.js';
import { ModelsMetrics } from './models.metrics.js';
import { isUniqueViolation, ModelsRepository } from './models.repository.js';
import { decodeNameCursor, encodeNameCursor, toAliasEventView, toAliasView, toModelView, type ModelView } from './models.view.js';

/** Models and their aliases. Versions and artifacts: model-versions.service.ts. */
@Injectable()
export class ModelsService {
  constructor(
    private readonly models: ModelsRepository,
    private readonly aliases: ModelAliasesRepository,
    private readonly metrics: ModelsMetrics,
  ) {}

  create(project: ProjectRef, principal: Principal, body: CreateModel): Promise<ModelView> {
    return this.metrics.track('create_model', async () => {
      try {
        const model = await this.models.createModel({ ...body, projectId: project.id, createdByToken: principal.tokenId });
        return toModelView(model, project.name);
      } catch (error) {
        if (!isUniqueViolation(error)) throw error;
        throw new AppError(ErrorCode.Conflict, `Model '${body.name}' already exists in project '${project.name}'`, [
          { field: 'name', message: 'already taken in this project' },
        ]);
      }
    });
  }

  async list(project: ProjectRef, query: ListModels) {
    let afterName: string | undefined;
    if (query.cursor) {
      afterName = decodeNameCursor(query.cursor);
      if (!afterName) throw AppError.validation([{ field: 'cursor', message: 'not a cursor returned by this API' }]);
    }
    const rows = await this.models.listModels({
      projectId: project.id,
      namePrefix: query.namePrefix,
      tags: query.tag,
      limit: query.limit + 1,
      afterName,
    });
    const page = rows.slice(0, query.limit);
    const nextCursor = rows.length > query.limit ? encodeNameCursor(page[page.length - 1].name) : null;
    return { items: page.map((m) => toModelView(m, project.name)), nextCursor };
  }

  /** One model with its aliases as `{ alias: version }`. */
  async get(project: ProjectRef, name: string): Promise<ModelView & { aliases: Record<string, number> }> {
    const model = await this.load(project, name);
    const aliases = await this.aliases.list(model.id);
    return { ...toModelView(model, project.name), aliases: Object.fromEntries(aliases.map((a) => [a.alias, a.version])) };
  }

  update(project: ProjectRef, name: string, body: UpdateModel): Promise<ModelView> {
    return this.metrics.track('update_model', async () => {
      const model = await this.load(project, name);
      const data: Prisma.ModelUpdateInput = {};
      if (body.description !== undefined) data.description = body.description;
      if (body.tags !== undefined) data.tags = body.tags;
      if (body.metadata !== undefined) data.metadata = body.metadata;
      return toModelView(await this.models.updateModel(model.id, data), project.name);
    });
  }

  async listAliases(project: ProjectRef, name: string) {
    const model = await this.load(project, name);
    return { items: (await this.aliases.list(model.id)).map((a) => toAliasView(a, model.name)) };
  }

  async getAlias(project: ProjectRef, name: string, rawAlias: string) {
    const model = await this.load(project, name);
    const alias = await this.aliases.find(model.id, parseAlias(rawAlias));
    if (!alias) throw AppError.notFound(`Alias '${rawAlias}' of model '${name}'`);
    return toAliasView(alias, model.name);
  }

  /**
   * Points an alias at a Ready version (creating or moving it) and records the change.
   * A protected alias is moved only by an ADMIN; only an ADMIN sets or clears protection.
   */
  setAlias(project: ProjectRef, principal: Principal, name: string, rawAlias: string, body: SetAlias) {
    return this.metrics.track('set_alias', async () => {
      const alias = parseAlias(rawAlias);
      const model = await this.load(project, name);
      const version = await this.models.findVersion(model.id, body.version);
      if (!version) throw AppError.notFound(`Version ${body.version} of model '${name}'`);
      if (version.status !== 'Ready') {
        throw new AppError(ErrorCode.Conflict, `Version ${body.version} has no artifact yet; upload it before pointing an alias at it`, [
          { field: 'version', message: 'not Ready' },
        ]);
      }
      const guard: AliasGuard = (current) => {
        if (current?.protected) requireAdmin(principal, project.id, `Alias '${alias}' is protected; only an ADMIN token may move it`);
        const changesProtection = body.protected !== undefined && body.protected !== (current?.protected ?? false);
        if (changesProtection) requireAdmin(principal, project.id, 'Only an ADMIN token may protect or unprotect an alias', 'protected');
      };
      const state = await this.aliases.set(
        { modelId: model.id, alias, versionId: version.id, version: version.version, protected: body.protected, byToken: principal.tokenId ?? null },
        guard,
      );
      return toAliasView(state, model.name);
    });
  }

  deleteAlias(project: ProjectRef, principal: Principal, name: string, rawAlias: string): Promise<void> {
    return this.metrics.track('delete_alias', async () => {
      const alias = parseAlias(rawAlias);
      const model = await this.load(project, name);
      const deleted = await this.aliases.delete({ modelId: model.id, alias, byToken: principal.tokenId ?? null }, (current) => {
        if (current?.protected) requireAdmin(principal, project.id, `Alias '${alias}' is protected; only an ADMIN token may delete it`);
      });
      if (!deleted) throw AppError.notFound(`Alias '${alias}' of model '${name}'`);
    });
  }

  /** Every change of the alias, oldest first; with `at`, also what the alias pointed to at that instant. */
  async aliasHistory(project: ProjectRef, name: string, rawAlias: string, query: AliasHistoryQuery) {
    const alias = parseAlias(rawAlias);
    const model = await this.load(project, name);
    const at = query.at ? new Date(query.at) : undefined;
    const events = await this.aliases.history(model.id, alias, at);
    const items = events.map(toAliasEventView);
    if (!at) return { items };
    return { items, at: at.toISOString(), version: events.length > 0 ? events[events.length - 1].toVersion : null };
  }

  async load(project: ProjectRef, name: string): Promise<Model> {
    const valid = modelNameSchema.safeParse(name).success;
    const model = valid ? await this.models.findModel(project.id, name) : null;
    if (!model) throw AppError.notFound(`Model '${name}'`);
    return model;
  }
}

function parseAlias(raw: string): string {
  return parseOrThrow(aliasNameSchema, raw, 'alias');
}

function requireAdmin(principal: Principal, projectId: string, message: string, field?: string): void {
  if (roleIn(principal, projectId) === 'ADMIN') return;
  throw new AppError(ErrorCode.Forbidden, message, field ? [{ field, message: 'needs an ADMIN token' }] : []);
}
