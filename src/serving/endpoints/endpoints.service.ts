import { Inject, Injectable, Optional } from '@nestjs/common';
import { isDeepStrictEqual } from 'node:util';
import type { Principal, ProjectRef } from '../../common/auth/principal.js';
import { AppError, ErrorCode } from '../../common/errors/app-error.js';
import { CLUSTER_DRIVER, type ClusterDriver } from '../../cluster/cluster-driver.js';
import { ModelVersionsService } from '../../models/model-versions.service.js';
import { autoscalingProblem, autoscalingSchema, replicasFor, type Autoscaling } from './autoscaling.js';
import { normaliseEndpointResources, runtimeOf, type CreateEndpoint, type ListEndpoints, type RevisionTemplate, type UpdateEndpoint } from './endpoints.dto.js';
import { EndpointsRepository, type EndpointRow, type RevisionCause } from './endpoints.repository.js';
import { describeModelSet, patchModelSet, primaryOf, resolveModelSet } from './model-set.js';
import { ENDPOINT_TRIGGER, type EndpointTrigger } from './endpoint-trigger.js';
import { toEndpointView, toEventView, toRevisionView, type EndpointView } from './endpoints.view.js';

/** Intent only: every change is a new revision; the controller (endpoint.controller-loop.ts) does the rest. */
@Injectable()
export class EndpointsService {
  constructor(
    private readonly repo: EndpointsRepository,
    private readonly versions: ModelVersionsService,
    @Optional() @Inject(CLUSTER_DRIVER) private readonly cluster?: ClusterDriver,
    @Optional() @Inject(ENDPOINT_TRIGGER) private readonly trigger?: EndpointTrigger,
  ) {}

  async create(project: ProjectRef, principal: Principal, body: CreateEndpoint, idempotencyKey?: string): Promise<{ view: EndpointView; created: boolean }> {
    // Many models (model-set.ts): the template's `model` is the first, the list is `modelSet`.
    const set = body.models ? await resolveModelSet(body.models, body.memoryBudget, body.resources.memory, (m, v) => this.resolveVersion(project, m, v)) : undefined;
    const { model, version, alias } = set ? primaryOf(set) : await this.resolveVersion(project, body.model!, body.version!);
    this.checkGpu(body.resources.gpu);
    const autoscaling = body.autoscaling ?? null;
    const replicas = autoscaling ? replicasFor(autoscaling, body.replicas) : body.replicas;
    const template: RevisionTemplate = {
      model,
      resources: { cpu: body.resources.cpu, memory: body.resources.memory, gpu: body.resources.gpu ?? null },
      normalised: normaliseEndpointResources({ cpu: body.resources.cpu, memory: body.resources.memory, gpu: body.resources.gpu ?? null }),
      batching: body.batching,
      ...runtimeOf(body.runtime?.executionProvider),
      env: body.env,
      replicas,
      maxSurge: body.maxSurge,
      progressDeadlineSeconds: body.progressDeadlineSeconds,
      // Only when set: older revisions have no key, and rollback compares templates.
      ...(autoscaling ? { autoscaling } : {}),
      ...(set ? { modelSet: set } : {}),
    };
    checkProvider(template, 'runtime.executionProvider');
    const scale = autoscaling ? `autoscaling ${autoscaling.minReplicas}–${autoscaling.maxReplicas} replicas, starting at ${replicas}` : `${replicas} replica(s)`;
    const message = `serving ${set ? describeModelSet(set) : `${body.model} version ${version}${alias ? ` (@${alias})` : ''}`} with ${scale}`;
    const row = await this.repo.create(
      { projectId: project.id, name: body.name, modelId: model.modelId, alias, byToken: principal.tokenId ?? null },
      { template: { ...template, ...(idempotencyKey ? { idempotencyKey } : {}) }, cause: 'Created', message, phase: 'Progressing', reason: 'RevisionCreated', byToken: principal.tokenId ?? null },
    );
    if (!row) {
      // A retried create (same Idempotency-Key) answers the endpoint it made the first time.
      const existing = await this.repo.find(project.id, body.name);
      const first = existing && (await this.repo.revision(existing.id, 1));
      if (existing && idempotencyKey && (first?.template as { idempotencyKey?: string } | null)?.idempotencyKey === idempotencyKey) {
        return { view: await this.view(existing, project), created: false };
      }
      throw new AppError(ErrorCode.Conflict, `Endpoint '${body.name}' already exists in project '${project.name}'`, [{ field: 'name', message: 'already exists' }]);
    }
    this.kick();
    return { view: await this.view(row, project), created: true };
  }

  async list(project: ProjectRef, query: ListEndpoints) {
    const rows = await this.repo.list(project.id, query.limit, query.cursor);
    const page = rows.slice(0, query.limit);
    // An endpoint whose deletion finished between the two reads is left out, not a 500.
    const views = await Promise.all(page.map((row) => this.view(row, project).catch((err: unknown) => (isNotFound(err) ? null : Promise.reject(err)))));
    const items = views.filter((v): v is EndpointView => v !== null);
    return { items, nextCursor: rows.length > query.limit ? page[page.length - 1].name : null };
  }

  async get(project: ProjectRef, name: string): Promise<EndpointView> {
    return this.view(await this.load(project, name), project);
  }

  async update(project: ProjectRef, principal: Principal, name: string, body: UpdateEndpoint): Promise<EndpointView> {
    const row = await this.loadWritable(project, name);
    const current = await this.template(row);
    const next: RevisionTemplate = structuredClone(current);
    let alias: string | null | undefined;
    const set = await patchModelSet(current, body, (m, v) => this.resolveVersion(project, m, v));
    if (set) Object.assign(next, { modelSet: set, model: primaryOf(set).model });
    if (body.version !== undefined) {
      this.refuseDuringCanary(row, 'version');
      const resolved = await this.resolveVersion(project, row.model.name, body.version);
      next.model = resolved.model;
      alias = resolved.alias;
    }
    if (body.resources) {
      this.checkGpu(body.resources.gpu);
      next.resources = { cpu: body.resources.cpu, memory: body.resources.memory, gpu: body.resources.gpu ?? null };
      next.normalised = normaliseEndpointResources(next.resources);
    }
    if (body.batching) next.batching = { ...next.batching, ...body.batching };
    if (body.runtime) {
      delete next.runtime;
      Object.assign(next, runtimeOf(body.runtime.executionProvider));
    }
    checkProvider(next, body.runtime ? 'runtime.executionProvider' : 'resources.gpu');
    if (body.env) next.env = body.env;
    this.applyScale(row, current, next, body);
    if (body.maxSurge !== undefined) next.maxSurge = body.maxSurge;
    if (body.progressDeadlineSeconds !== undefined) next.progressDeadlineSeconds = body.progressDeadlineSeconds;
    delete (next as { idempotencyKey?: string }).idempotencyKey;
    delete (current as { idempotencyKey?: string }).idempotencyKey;
    const aliasChanged = alias !== undefined && alias !== row.alias;
    // An autoscaled endpoint's count moves without revisions: it is no change by itself.
    if (isDeepStrictEqual(comparable(next), comparable(current)) && !aliasChanged) return this.view(row, project);
    const onlyReplicas = isDeepStrictEqual(unscaled(next), unscaled(current)) && !aliasChanged;
    const cause: RevisionCause = onlyReplicas ? 'Scaled' : 'Updated';
    return this.revise(row, project, principal, next, cause, describe(current, next, alias), alias);
  }

  /**
   * `replicas` and `autoscaling` from a PATCH. Autoscaled, the autoscaler owns the count, so
   * a `replicas` is refused (400) rather than silently overridden; `autoscaling: null` makes
   * the current count the fixed one. A new revision of an autoscaled endpoint starts at its
   * current count within [max(1, min), max].
   */
  private applyScale(row: EndpointRow, current: RevisionTemplate, next: RevisionTemplate, body: UpdateEndpoint): void {
    if (body.autoscaling === null) delete next.autoscaling;
    else if (body.autoscaling) {
      const merged: Autoscaling = autoscalingSchema.parse({ ...(current.autoscaling ?? {}), ...body.autoscaling });
      const problem = autoscalingProblem(merged);
      if (problem) throw AppError.validation([problem]);
      next.autoscaling = merged;
    }
    if (next.autoscaling) {
      if (body.replicas !== undefined) {
        const { minReplicas, maxReplicas } = next.autoscaling;
        throw AppError.validation([{ field: 'replicas', message: `the endpoint autoscales between ${minReplicas} and ${maxReplicas} replicas: change autoscaling, or set autoscaling to null for a fixed count` }]);
      }
      next.replicas = replicasFor(next.autoscaling, row.replicas);
    } else if (body.replicas !== undefined) next.replicas = body.replicas;
    else if (current.autoscaling) next.replicas = replicasFor(null, row.replicas);
  }

  async scale(project: ProjectRef, principal: Principal, name: string, replicas: number): Promise<EndpointView> {
    return this.update(project, principal, name, { replicas });
  }

  /** Re-applies an older revision's template under a new number; a manual rollback unpins the endpoint from its alias. */
  async rollback(project: ProjectRef, principal: Principal, name: string, target?: number): Promise<EndpointView> {
    const row = await this.loadWritable(project, name);
    this.refuseDuringCanary(row, 'revision');
    const revisions = await this.repo.revisions(row.id);
    const source = target !== undefined
      ? revisions.find((r) => r.revision === target)
      : revisions.find((r) => r.status === 'Complete' && r.revision !== row.desiredRevision && !sameTemplate(r.template, revisions.find((x) => x.revision === row.desiredRevision)?.template));
    if (!source) {
      throw target !== undefined
        ? AppError.validation([{ field: 'revision', message: `endpoint '${name}' has no revision ${target}` }])
        : new AppError(ErrorCode.Conflict, `Endpoint '${name}' has no earlier revision that rolled out completely`, [{ field: 'revision', message: 'no previous good revision; name one' }]);
    }
    const sourceTemplate = source.template as unknown as RevisionTemplate;
    const template = { ...sourceTemplate, replicas: replicasFor(sourceTemplate.autoscaling, row.replicas) };
    delete (template as { idempotencyKey?: string }).idempotencyKey;
    const message = `rollback to revision ${source.revision} (version ${source.modelVersion})${row.alias ? `; no longer follows @${row.alias}` : ''}`;
    const { endpoint } = await this.repo.addRevision(row.id, { template, cause: 'Rollback', message, sourceRevision: source.revision, alias: null, phase: 'Progressing', reason: 'Rollback', byToken: principal.tokenId ?? null });
    this.kick();
    return this.view(endpoint, project);
  }

  async remove(project: ProjectRef, name: string): Promise<EndpointView> {
    const row = await this.load(project, name);
    const marked = row.phase === 'Deleting' ? row : await this.repo.markDeleting(row.id);
    if (row.phase !== 'Deleting') await this.repo.addEvent(row.id, { type: 'Normal', reason: 'Deleting', message: 'endpoint deletion requested' });
    this.kick();
    return this.view(marked, project);
  }

  async revisions(project: ProjectRef, name: string) {
    const row = await this.load(project, name);
    return { items: (await this.repo.revisions(row.id)).map(toRevisionView) };
  }

  async events(project: ProjectRef, name: string) {
    const row = await this.load(project, name);
    return { items: (await this.repo.events(row.id)).map(toEventView) };
  }

  async load(project: ProjectRef, name: string): Promise<EndpointRow> {
    const row = await this.repo.find(project.id, name);
    if (!row) throw AppError.notFound(`Endpoint '${name}' in project '${project.name}'`);
    return row;
  }

  async loadWritable(project: ProjectRef, name: string): Promise<EndpointRow> {
    const row = await this.load(project, name);
    if (row.phase === 'Deleting') throw new AppError(ErrorCode.Conflict, `Endpoint '${name}' is being deleted`);
    return row;
  }

  private async revise(row: EndpointRow, project: ProjectRef, principal: Principal, template: RevisionTemplate, cause: RevisionCause, message: string, alias?: string | null) {
    const { endpoint } = await this.repo.addRevision(row.id, { template, cause, message, alias, phase: 'Progressing', reason: cause === 'Scaled' ? 'Scaling' : 'RevisionCreated', byToken: principal.tokenId ?? null });
    this.kick();
    return this.view(endpoint, project);
  }

  /** What stable serves is the canary's to decide while one runs: 409 naming the field. */
  private refuseDuringCanary(row: EndpointRow, field: string): void {
    const canary = row.canary as { revision: number } | null;
    if (canary) throw new AppError(ErrorCode.Conflict, `Endpoint '${row.name}' runs a canary (revision ${canary.revision}): promote or roll it back first`, [{ field, message: 'a canary is running' }]);
  }

  /** A version reference from the body → the template's model part; 400 naming the field when it does not resolve. */
  async resolveVersion(project: ProjectRef, modelName: string, ref: number | string) {
    const raw = String(ref);
    if (!(await this.repo.modelExists(project.id, modelName))) {
      throw AppError.validation([{ field: 'model', message: `no model '${modelName}' in project '${project.name}'` }]);
    }
    let resolved;
    try {
      resolved = await this.versions.resolve(project, modelName, raw);
    } catch (error) {
      // The model exists, so what is missing is the version or the alias.
      if (error instanceof AppError && error.code === ErrorCode.NotFound) throw AppError.validation([{ field: 'version', message: error.message }]);
      throw error;
    }
    const { model, row } = resolved;
    // Multi-model endpoints check each model's size against their memory budget.
    const artifactBytes = Number(row.artifact?.size ?? 0);
    if (row.status !== 'Ready' || !row.artifactSha256) {
      throw AppError.validation([{ field: 'version', message: `version ${row.version} of '${modelName}' has no uploaded artifact yet` }]);
    }
    return {
      model: { name: model.name, version: row.version, versionId: row.id, sha256: row.artifactSha256, modelId: model.id },
      version: row.version,
      alias: raw.startsWith('@') ? raw.slice(1) : null,
      artifactBytes,
    };
  }

  /** A GPU product the cluster lacks is refused up front rather than left Pending forever. */
  private checkGpu(gpu: { count: number; product?: string } | null | undefined): void {
    if (!gpu) return;
    let nodes;
    try {
      nodes = this.cluster?.inventory().nodes;
    } catch {
      return; // the driver is not started in this process (api role): the rollout's Pending reason will say
    }
    if (!nodes || nodes.length === 0) return;
    const products = new Set(nodes.flatMap((n) => n.gpus.map((g) => g.product)));
    if (gpu.product && !products.has(gpu.product)) {
      const have = [...products].join(', ') || 'no GPUs';
      throw AppError.validation([{ field: 'resources.gpu.product', message: `the cluster has no GPU '${gpu.product}' (it has: ${have})` }]);
    }
    const most = Math.max(0, ...nodes.map((n) => n.gpus.filter((g) => !gpu.product || g.product === gpu.product).length));
    if (gpu.count > most) {
      throw AppError.validation([{ field: 'resources.gpu.count', message: `no node has ${gpu.count} GPU(s)${gpu.product ? ` of ${gpu.product}` : ''}; the most on one node is ${most}` }]);
    }
  }

  async template(row: EndpointRow): Promise<RevisionTemplate> {
    const rev = await this.repo.revision(row.id, row.desiredRevision);
    // Revisions go with their endpoint: none here means its deletion finished after the row was read.
    if (!rev) throw AppError.notFound(`Endpoint '${row.name}'`);
    return rev.template as unknown as RevisionTemplate;
  }

  async view(row: EndpointRow, project: ProjectRef): Promise<EndpointView> {
    return toEndpointView(row, await this.template(row), project.name);
  }

  kick(): void {
    void this.trigger?.trigger();
  }
}

/** A GPU provider without a GPU would either fail on every replica or run on CPU: refused up front. */
function checkProvider(template: RevisionTemplate, field: string): void {
  const provider = template.runtime?.executionProvider;
  if (provider && !template.resources.gpu) {
    throw AppError.validation([{ field, message: `executionProvider '${provider}' needs a GPU: set resources.gpu (or use 'cpu')` }]);
  }
}

function isNotFound(err: unknown): boolean {
  return err instanceof AppError && err.code === ErrorCode.NotFound;
}

function sameTemplate(a: unknown, b: unknown): boolean {
  const strip = (t: unknown) => {
    const { replicas: _r, idempotencyKey: _k, ...rest } = (t ?? {}) as RevisionTemplate & { idempotencyKey?: string };
    return rest;
  };
  return isDeepStrictEqual(strip(a), strip(b));
}

function describe(from: RevisionTemplate, to: RevisionTemplate, alias: string | null | undefined): string {
  const parts: string[] = [];
  if (from.model.version !== to.model.version) parts.push(`version ${from.model.version} → ${to.model.version}`);
  if (alias) parts.push(`follows @${alias}`);
  if (alias === null) parts.push('pinned to a version');
  if (from.replicas !== to.replicas && !to.autoscaling) parts.push(`replicas ${from.replicas} → ${to.replicas}`);
  if (!isDeepStrictEqual(from.autoscaling ?? null, to.autoscaling ?? null)) {
    const a = to.autoscaling;
    parts.push(a ? `autoscaling ${a.minReplicas}–${a.maxReplicas} replicas, ${a.targetInFlight} in flight per replica, scale-down delay ${a.scaleDownDelaySeconds} s` : `autoscaling off: ${to.replicas} fixed replica(s)`);
  }
  if (!isDeepStrictEqual(from.resources, to.resources)) parts.push('resources changed');
  if (!isDeepStrictEqual(from.batching, to.batching)) parts.push('batching changed');
  if (from.runtime?.executionProvider !== to.runtime?.executionProvider) parts.push(`execution provider ${from.runtime?.executionProvider ?? 'cpu'} → ${to.runtime?.executionProvider ?? 'cpu'}`);
  if (!isDeepStrictEqual(from.modelSet, to.modelSet)) parts.push(to.modelSet ? `now ${describeModelSet(to.modelSet)}` : 'models changed');
  if (!isDeepStrictEqual(from.env, to.env)) parts.push('env changed');
  if (from.maxSurge !== to.maxSurge || from.progressDeadlineSeconds !== to.progressDeadlineSeconds) parts.push('rollout settings changed');
  return parts.join('; ') || 'no change';
}

/** Without the idempotency key, and without the count when autoscaled (it moves on its own). */
function comparable(t: RevisionTemplate): unknown {
  const { idempotencyKey: _k, ...rest } = t as RevisionTemplate & { idempotencyKey?: string };
  return t.autoscaling ? { ...rest, replicas: 0 } : rest;
}

/** Everything but the scale: what `Scaled` revisions leave unchanged. */
function unscaled(t: RevisionTemplate): unknown {
  const { replicas: _r, autoscaling: _a, idempotencyKey: _k, ...rest } = t as RevisionTemplate & { idempotencyKey?: string };
  return rest;
}

export { sameTemplate };
