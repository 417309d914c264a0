import { Injectable } from '@nestjs/common';
import { isDeepStrictEqual } from 'node:util';
import type { Principal, ProjectRef } from '../../common/auth/principal.js';
import { AppError, ErrorCode } from '../../common/errors/app-error.js';
import type { ModelSignature, TensorSpec } from '../../models/signature.js';
import { CanaryTransitions } from './canary-transitions.js';
import type { RevisionTemplate, UpdateEndpoint } from './endpoints.dto.js';
import { EndpointsRepository, type EndpointRow } from './endpoints.repository.js';
import { EndpointsService } from './endpoints.service.js';
import type { EndpointView } from './endpoints.view.js';
import { DEFAULT_ANALYSIS, type CanarySpec, type CanaryState, type ShadowSpec, type ShadowState } from './traffic-split.js';

/**
 * Intent for canary and shadow traffic: a PATCH's `canary` and `shadow`, and the manual
 * promote and rollback. Like every change, a canary or shadow is a revision (cause Canary or
 * Shadow) that the controller runs next to stable (endpoint.canary.ts); the endpoint's
 * `canary`/`shadow` column names it.
 */
@Injectable()
export class EndpointsTrafficService {
  constructor(
    private readonly endpoints: EndpointsService,
    private readonly repo: EndpointsRepository,
    private readonly transitions: CanaryTransitions,
  ) {}

  /** PATCH: `canary` and `shadow` go alone (a canary is compared with an unchanged stable); anything else is EndpointsService's. */
  async update(project: ProjectRef, principal: Principal, name: string, body: UpdateEndpoint): Promise<EndpointView> {
    const { canary, shadow, ...rest } = body;
    if (canary === undefined && shadow === undefined) return this.endpoints.update(project, principal, name, body);
    const other = Object.keys(rest)[0];
    if (other) throw AppError.validation([{ field: other, message: 'change canary and shadow in a PATCH of their own' }]);
    let row = await this.endpoints.loadWritable(project, name);
    if (shadow !== undefined) row = await this.setShadow(project, principal, row, shadow);
    if (canary !== undefined) row = await this.setCanary(project, principal, row, canary);
    this.endpoints.kick();
    return this.endpoints.view(row, project);
  }

  async promote(project: ProjectRef, principal: Principal, name: string): Promise<EndpointView> {
    const row = this.running(await this.endpoints.loadWritable(project, name));
    const { endpoint } = await this.transitions.promote(row, 'promoted by hand', principal.tokenId ?? null);
    this.endpoints.kick();
    return this.endpoints.view(endpoint, project);
  }

  async rollback(project: ProjectRef, name: string): Promise<EndpointView> {
    const row = this.running(await this.endpoints.loadWritable(project, name));
    if (!(await this.transitions.rollBack(row, 'rolled back by hand'))) throw new AppError(ErrorCode.Conflict, `Endpoint '${name}': the canary already ended`, [{ field: 'canary', message: 'no canary is running' }]);
    this.endpoints.kick();
    return this.endpoints.view(await this.endpoints.load(project, name), project);
  }

  private running(row: EndpointRow): EndpointRow {
    if (!row.canary) throw new AppError(ErrorCode.Conflict, `Endpoint '${row.name}' runs no canary`, [{ field: 'canary', message: 'no canary is running' }]);
    return row;
  }

  /**
   * Start a canary, or change the running one's percent, replicas or analysis; null rolls it
   * back. Refused (400 naming the field): a stable revision still rolling out, a version with
   * other inputs or outputs than stable's, the very template stable serves.
   */
  private async setCanary(project: ProjectRef, principal: Principal, row: EndpointRow, spec: CanarySpec | null): Promise<EndpointRow> {
    const running = row.canary as CanaryState | null;
    if (spec === null) {
      if (running) await this.transitions.rollBack(row, 'rolled back by hand (canary: null)');
      return this.endpoints.load(project, row.name);
    }
    if (running && spec.version === undefined && spec.revision === undefined) {
      const next: CanaryState = { ...running, percent: spec.percent, replicas: spec.replicas ?? running.replicas, analysis: { ...running.analysis, ...spec.analysis } };
      if (!(await this.repo.updateCanary(row.id, running.revision, next))) throw new AppError(ErrorCode.Conflict, 'The canary ended meanwhile', [{ field: 'canary', message: 'no canary is running' }]);
      return this.endpoints.load(project, row.name);
    }
    if (running) throw new AppError(ErrorCode.Conflict, `A canary (revision ${running.revision}) is running: promote or roll it back first`, [{ field: 'canary', message: 'a canary is running' }]);
    if ((spec.version === undefined) === (spec.revision === undefined)) throw AppError.validation([{ field: 'canary.version', message: 'give exactly one of version and revision' }]);
    const stableRev = (await this.repo.revision(row.id, row.desiredRevision))!;
    if (stableRev.status !== 'Complete' || row.phase !== 'Complete') {
      throw AppError.validation([{ field: 'canary', message: `revision ${row.desiredRevision} is still rolling out (phase ${row.phase}): start a canary once it is Complete` }]);
    }
    const stable = stableRev.template as unknown as RevisionTemplate;
    const { template, source } = await this.target(project, row, stable, 'canary', spec);
    const replicas = spec.replicas ?? 1;
    template.replicas = replicas;
    delete template.autoscaling; // canary replicas are a fixed count
    if (isDeepStrictEqual(comparable(template), comparable(stable))) {
      throw AppError.validation([{ field: spec.version !== undefined ? 'canary.version' : 'canary.revision', message: `is what stable (revision ${row.desiredRevision}) serves already` }]);
    }
    const message = `canary: version ${template.model.version}${source ? ` (revision ${source}'s template)` : ''} answers ${spec.percent} % of requests on ${replicas} replica(s)`;
    const { endpoint } = await this.repo.addSubRevision(row.id, { template, cause: 'Canary', message, sourceRevision: source, byToken: principal.tokenId ?? null }, (revision): CanaryState => ({
      revision,
      modelVersion: template.model.version,
      percent: spec.percent,
      replicas,
      analysis: { ...DEFAULT_ANALYSIS, ...spec.analysis },
      startedAt: new Date().toISOString(),
    }));
    return endpoint;
  }

  private async setShadow(project: ProjectRef, principal: Principal, row: EndpointRow, spec: ShadowSpec | null): Promise<EndpointRow> {
    const running = row.shadow as ShadowState | null;
    if (spec === null) {
      if (running) await this.repo.endSub(row.id, 'shadow', running.revision, 'Superseded', { type: 'Normal', reason: 'ShadowStopped', message: `shadow revision ${running.revision} stopped by hand`, revision: running.revision });
      return this.endpoints.load(project, row.name);
    }
    const stable = (await this.endpoints.template(row));
    const { template, source } = await this.target(project, row, stable, 'shadow', spec);
    template.replicas = spec.replicas;
    delete template.autoscaling;
    const message = `shadow: ${template.model.name} version ${template.model.version}${source ? ` (revision ${source}'s template)` : ''} gets a copy of ${spec.percent} % of requests on ${spec.replicas} replica(s); its answers are dropped`;
    const { endpoint } = await this.repo.addSubRevision(row.id, { template, cause: 'Shadow', message, sourceRevision: source, byToken: principal.tokenId ?? null }, (revision): ShadowState => ({
      revision,
      model: template.model.name,
      modelVersion: template.model.version,
      percent: spec.percent,
      replicas: spec.replicas,
      startedAt: new Date().toISOString(),
    }));
    return endpoint;
  }

  /** The template a canary or shadow runs: stable's with another version, or an earlier revision's; same inputs and outputs as stable. */
  private async target(project: ProjectRef, row: EndpointRow, stable: RevisionTemplate, track: 'canary' | 'shadow', spec: { version?: number | string; revision?: number; model?: string }): Promise<{ template: RevisionTemplate; source?: number }> {
    // A canary judges one model's errors and latency; a model list has no one model to judge (not built).
    if (stable.modelSet) throw AppError.validation([{ field: track, message: `endpoint '${row.name}' serves a list of models: ${track} traffic is for single-model endpoints` }]);
    let template: RevisionTemplate;
    let source: number | undefined;
    if (spec.revision !== undefined) {
      const rev = await this.repo.revision(row.id, spec.revision);
      if (!rev) throw AppError.validation([{ field: `${track}.revision`, message: `endpoint '${row.name}' has no revision ${spec.revision}` }]);
      template = structuredClone(rev.template as unknown as RevisionTemplate);
      source = spec.revision;
    } else {
      const modelName = spec.model ?? row.model.name;
      let resolved;
      try {
        resolved = await this.endpoints.resolveVersion(project, modelName, spec.version!);
      } catch (error) {
        // The fields it names are the body's top level: here they live under canary/shadow.
        if (error instanceof AppError) throw new AppError(error.code, error.message, error.errors.map((e) => ({ ...e, field: `${track}.${e.field}` })));
        throw error;
      }
      template = { ...structuredClone(stable), model: resolved.model };
    }
    delete (template as { idempotencyKey?: string }).idempotencyKey;
    const signatures = await this.repo.signatures([stable.model.versionId, template.model.versionId]);
    const mine = signatures.get(template.model.versionId) as ModelSignature | null | undefined;
    const theirs = signatures.get(stable.model.versionId) as ModelSignature | null | undefined;
    if (mine && theirs && !sameSignature(mine, theirs)) {
      const field = spec.revision !== undefined ? `${track}.revision` : `${track}.version`;
      throw AppError.validation([{ field, message: `${template.model.name} version ${template.model.version} has other inputs or outputs than stable's ${stable.model.name} version ${stable.model.version}: ${describeSignature(mine)} vs ${describeSignature(theirs)}` }]);
    }
    return { template, source };
  }
}

function comparable(t: RevisionTemplate): unknown {
  const { replicas: _r, autoscaling: _a, idempotencyKey: _k, maxSurge: _s, progressDeadlineSeconds: _p, model, ...rest } = t as RevisionTemplate & { idempotencyKey?: string };
  return { ...rest, versionId: model.versionId };
}

/** Names, element types and shapes; a symbolic dimension matches any other (`batch` and `n` alike). */
function sameSignature(a: ModelSignature, b: ModelSignature): boolean {
  const norm = (xs: TensorSpec[]) => xs.map((x) => ({ name: x.name, elementType: x.elementType, shape: x.shape?.map((d) => (typeof d === 'number' && d >= 0 ? d : '?')) ?? null }));
  return isDeepStrictEqual(norm(a.inputs), norm(b.inputs)) && isDeepStrictEqual(norm(a.outputs), norm(b.outputs));
}

function describeSignature(s: ModelSignature): string {
  const side = (xs: TensorSpec[]) => xs.map((x) => `${x.name} ${x.elementType ?? '?'}[${(x.shape ?? []).join(',')}]`).join(', ');
  return `inputs (${side(s.inputs)}), outputs (${side(s.outputs)})`;
}
