import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import { isDeepStrictEqual } from 'node:util';
import { AuthRepository } from '../../common/auth/auth.repository.js';
import { newToken } from '../../common/auth/token.js';
import { PublicUrl } from '../../common/public-url.js';
import { AuditService } from '../../audit/audit.service.js';
import { SERVING_DRIVER, type EndpointDeployment, type EndpointObservation, type EndpointRef, type RolloutEvent, type ServingDriver } from '../../cluster/serving-driver.js';
import { replicasFor } from './autoscaling.js';
import type { RevisionTemplate } from './endpoints.dto.js';
import { EndpointAutoscaler } from './endpoint.autoscaler.js';
import { EndpointCanary, type SubStep } from './endpoint.canary.js';
import { CanaryStatsReader, type CanaryRound } from './endpoint-traffic-stats.js';
import { subRef } from './sub-deployments.js';
import type { CanaryState } from './traffic-split.js';
import { EndpointDemandReader } from './endpoint-demand.js';
import { EndpointModelFiles } from './endpoint-model-files.js';
import { driverModelSet } from './model-set.js';
import { EndpointsRepository, type EndpointRow, type EndpointStatusUpdate } from './endpoints.repository.js';
import { ReplicaTokens } from './replica-tokens.js';
import type { ObservedState } from './endpoints.view.js';

type Row = EndpointRow & { project: { name: string } };
/** What a pass changes in the endpoint's own status fields. */
type StatusPatch = Omit<EndpointStatusUpdate, 'observed'>;
type Revision = NonNullable<Awaited<ReturnType<EndpointsRepository['revision']>>>;

/**
 * One pass over every endpoint: follow aliases, hand the desired revision to the driver,
 * and turn the driver's observation into phases, revision statuses and events. The only
 * place that decides a rollback: when the desired revision fails and an earlier revision
 * rolled out completely, that template is re-applied as a new revision (AutomaticRollback).
 * Every step is idempotent (status moves are compare-and-set), so a restart anywhere repeats
 * at most a driver call, never an event or a revision.
 */
@Injectable()
export class EndpointReconciler {
  private readonly logger = new Logger(EndpointReconciler.name);

  constructor(
    @Inject(SERVING_DRIVER) private readonly driver: ServingDriver,
    private readonly repo: EndpointsRepository,
    private readonly files: EndpointModelFiles,
    private readonly auth: AuthRepository,
    private readonly publicUrl: PublicUrl,
    private readonly replicaTokens: ReplicaTokens,
    private readonly audit: AuditService,
    private readonly autoscaler: EndpointAutoscaler,
    private readonly canary: EndpointCanary,
    @Optional() private readonly demand?: EndpointDemandReader,
    @Optional() private readonly canaryStats?: CanaryStatsReader,
  ) {}

  async runOnce(): Promise<void> {
    const rows = await this.repo.all();
    const observed = new Map(this.driver.observe().map((o) => [o.endpointId, o]));
    // Concurrency per endpoint, summed over the API instances; only asked for when something autoscales.
    const demand = rows.some((r) => r.autoscaling !== null) ? await this.demand?.read() : undefined;
    this.autoscaler.retain(new Set(rows.map((r) => r.id)));
    // Each running canary's counters since it started, summed over the API instances.
    const rounds = new Map(rows.filter((r) => r.canary !== null).map((r) => [r.id, (r.canary as unknown as CanaryState).revision]));
    const stats = rounds.size > 0 ? await this.canaryStats?.read(rounds) : undefined;
    for (const row of rows) {
      try {
        await this.reconcile(row, observed, demand, stats?.get(row.id));
      } catch (error) {
        this.logger.warn({ endpoint: `${row.project.name}/${row.name}`, err: (error as Error).message }, 'endpoint reconcile failed; retrying next cycle');
      }
    }
    // Replicas of endpoints the database no longer knows (deleted while the controller was down).
    const known = new Set(rows.flatMap((r) => [r.id, ...EndpointCanary.knownIds(r)]));
    for (const o of observed.values()) if (!known.has(o.endpointId)) await this.driver.delete(o).catch(() => undefined);
  }

  /** Driver-noticed events (restarts, crash loops) go to the endpoint's event log. */
  async driverEvent(ref: EndpointRef, event: RolloutEvent): Promise<void> {
    await this.repo.addEvent(ref.endpointId, event).catch(() => undefined);
  }

  private async reconcile(row: Row, observed: Map<string, EndpointObservation>, demand: Map<string, number> | undefined, stats: CanaryRound | undefined): Promise<void> {
    const obs = observed.get(row.id);
    const ref: EndpointRef = { endpointId: row.id, project: row.project.name, name: row.name };
    if (row.phase === 'Deleting') {
      await this.driver.delete(subRef(ref, 'canary'));
      await this.driver.delete(subRef(ref, 'shadow'));
      await this.driver.delete(ref);
      await this.driver.recordEvent(ref, { type: 'Normal', reason: 'Deleted', message: 'endpoint deleted' }).catch(() => undefined);
      await this.repo.remove(row.id);
      return;
    }
    // While a canary runs the alias waits: the canary decides what stable becomes.
    if (row.alias && !row.canary && (await this.followAlias(row))) return; // a new revision: the next cycle applies it
    const rev = (await this.repo.revision(row.id, row.desiredRevision))!;
    const template = rev.template as unknown as RevisionTemplate;
    // Autoscaled: the count for this pass, stored before it is applied (endpoint.autoscaler.ts).
    const concurrency = demand ? (demand.get(row.id) ?? 0) : undefined;
    row.replicas = await this.autoscaler.step(row, { revision: rev.revision, status: rev.status, template }, concurrency, (e) => this.event(ref, e));
    // Canary and shadow replicas (fixed counts), and the canary's gate: a promotion or rollback ends this pass.
    const sub = await this.canary.step(row, ref, observed, stats, (r, revision, t, replicas) => this.deployment(row, r, revision, t, replicas));
    if (sub.ended) return;

    if (!obs || obs.revision !== rev.revision || obs.replicas !== row.replicas) {
      await this.driver.apply(await this.deployment(row, ref, rev.revision, template, row.replicas));
      if (await this.repo.setRevisionStatus(row.id, rev.revision, 'Progressing', ['Pending'])) {
        const message = `rolling out revision ${rev.revision} (version ${template.model.version}, ${row.replicas} replica(s))`;
        await this.event(ref, { type: 'Normal', reason: 'RolloutStarted', message, revision: rev.revision });
        if (row.phase !== 'RolledBack') await this.repo.update(row.id, { phase: 'Progressing', reason: 'RolloutStarted', message });
      }
      return;
    }
    // The revision's status moves first; the endpoint's own status (phase, reason, message,
    // goodRevision) and the observed state are then written together in one update. Written
    // apart, a reader saw `phase: RolledBack`, `observed.rollout: Complete` and the old
    // goodRevision (issue 19: the crash-loop rollback test failed 1 run in 4).
    let status: StatusPatch = {};
    try {
      status = await this.settle(row, ref, rev, template, obs);
    } finally {
      await this.saveStatus(row, status, obs, sub);
    }
  }

  /** Moves the revision's status and returns what the endpoint's status becomes (written by the caller). */
  private async settle(row: Row, ref: EndpointRef, rev: Revision, template: RevisionTemplate, obs: EndpointObservation): Promise<StatusPatch> {
    if (obs.rollout === 'Complete') {
      const moved = await this.repo.setRevisionStatus(row.id, rev.revision, 'Complete', ['Pending', 'Progressing']);
      const rolledBack = rev.cause === 'AutomaticRollback';
      if (moved) {
        const message = `revision ${rev.revision} (version ${template.model.version}) serves on ${obs.readyReplicas} replica(s)`;
        await this.event(ref, { type: 'Normal', reason: 'RolloutComplete', message, revision: rev.revision });
        return rolledBack ? { goodRevision: rev.revision } : { goodRevision: rev.revision, phase: 'Complete', reason: 'RolloutComplete', message };
      }
      if (rev.status !== 'Complete') return {};
      // A pass that stopped between the revision's move and this write left the endpoint behind: catch up.
      const patch: StatusPatch = row.goodRevision !== rev.revision ? { goodRevision: rev.revision } : {};
      if (row.phase === 'Progressing' || row.phase === 'Failed') Object.assign(patch, { phase: 'Complete', reason: 'RolloutComplete' });
      return patch;
    }
    if (obs.rollout === 'Failed') {
      if (!(await this.repo.setRevisionStatus(row.id, rev.revision, 'Failed', ['Pending', 'Progressing']))) {
        // A revision that had rolled out and now crash-loops is not "Ready": say so (KServe's users' complaint).
        if (rev.status === 'Complete' && row.phase === 'Complete') {
          await this.event(ref, { type: 'Warning', reason: obs.reason ?? 'ReplicasFailing', message: obs.message ?? '', revision: rev.revision });
          return { phase: 'Failed', reason: obs.reason ?? 'ReplicasFailing', message: obs.message ?? '' };
        }
        return {};
      }
      const why = `${obs.reason ?? 'RolloutFailed'}: ${obs.message ?? 'the rollout failed'}`;
      await this.event(ref, { type: 'Warning', reason: 'RolloutFailed', message: `revision ${rev.revision} (version ${template.model.version}) failed: ${why}`, revision: rev.revision });
      return this.rollBackOrFail(row, ref, rev.revision, template, obs);
    }
    // Still progressing: surface why it waits (Unschedulable, ReplicaStarting…) without inventing a phase.
    if (row.phase === 'Progressing' && obs.reason && (obs.reason !== row.reason || (obs.message ?? '') !== row.message)) {
      return { reason: obs.reason, message: obs.message ?? '' };
    }
    return {};
  }

  /** Re-applies the last good revision (its own transaction sets phase RolledBack), or returns the Failed status. */
  private async rollBackOrFail(row: Row, ref: EndpointRef, failed: number, template: RevisionTemplate, obs: EndpointObservation): Promise<StatusPatch> {
    const reason = obs.reason ?? 'RolloutFailed';
    const good = row.goodRevision && row.goodRevision !== failed ? await this.repo.revision(row.id, row.goodRevision) : null;
    if (!good) {
      return { phase: 'Failed', reason, message: `revision ${failed} (version ${template.model.version}) failed and there is no earlier good revision: ${obs.message ?? ''}` };
    }
    const goodTemplate = { ...(good.template as unknown as RevisionTemplate) };
    goodTemplate.replicas = replicasFor(goodTemplate.autoscaling, row.replicas);
    delete (goodTemplate as { idempotencyKey?: string }).idempotencyKey;
    const message = `revision ${failed} (version ${template.model.version}) failed (${reason}: ${obs.message ?? ''}); rolled back to revision ${good.revision} (version ${good.modelVersion})`;
    const { revision } = await this.repo.addRevision(row.id, { template: goodTemplate, cause: 'AutomaticRollback', message, sourceRevision: good.revision, phase: 'RolledBack', reason, byToken: null });
    await this.event(ref, { type: 'Warning', reason: 'RolledBack', message, revision });
    // No HTTP request behind this change: the audit log's only record that the system rolled back.
    await this.audit.record({ actorType: 'system', actorName: 'endpoint-reconciler', projectId: row.projectId, project: row.project.name, action: 'endpoint.rollback', resourceType: 'endpoint', resourceId: row.name, outcome: 'success', details: { automatic: true, failedRevision: failed, toRevision: good.revision, revision, modelVersion: good.modelVersion, reason } });
    return {};
  }

  /** Returns true when the alias moved and a new revision was made. */
  private async followAlias(row: Row): Promise<boolean> {
    const target = await this.repo.aliasVersion(row.modelId, row.alias!);
    const rev = (await this.repo.revision(row.id, row.desiredRevision))!;
    const current = rev.template as unknown as RevisionTemplate;
    if (!target) {
      if (row.reason !== 'AliasMissing') {
        await this.repo.update(row.id, { reason: 'AliasMissing', message: `alias @${row.alias} no longer exists; still serving version ${current.model.version}` });
      }
      return false;
    }
    if (target.version === current.model.version || target.status !== 'Ready' || !target.artifactSha256) return false;
    if (await this.repo.aliasMoveFailed(row.id, target.version)) return false;
    const template: RevisionTemplate = { ...current, model: { ...current.model, version: target.version, versionId: target.id, sha256: target.artifactSha256 } };
    // Autoscaled: the new version starts at the current count (at least 1), not the old revision's starting one.
    if (current.autoscaling) template.replicas = replicasFor(current.autoscaling, row.replicas);
    delete (template as { idempotencyKey?: string }).idempotencyKey;
    const message = `@${row.alias} moved: version ${current.model.version} → ${target.version}`;
    await this.repo.addRevision(row.id, { template, cause: 'AliasMoved', message, phase: 'Progressing', reason: 'AliasMoved', byToken: null });
    return true;
  }

  /** `ref` is the endpoint's, or a canary's or shadow's (sub-deployments.ts): they share the endpoint's replica token. */
  private async deployment(row: Row, ref: EndpointRef, revision: number, t: RevisionTemplate, replicas: number): Promise<EndpointDeployment> {
    const url = `${this.publicUrl.get()}/v1/projects/${ref.project}/models/${t.model.name}/versions/${t.model.version}`;
    const local = this.driver.kind === 'local';
    return {
      ...ref,
      revision,
      replicas,
      maxSurge: row.maxSurge,
      progressDeadlineSeconds: row.progressDeadlineSeconds,
      drainSeconds: 2,
      template: {
        model: {
          name: t.model.name,
          version: t.model.version,
          sha256: t.model.sha256,
          url,
          ...(local ? { path: await this.files.modelPath(t.model.sha256) } : {}),
          ...(local ? { variablesPath: await this.files.variablesPath(t.model.versionId) } : {}),
        },
        ...(t.modelSet ? { modelSet: await driverModelSet(t.modelSet, (m, v) => `${this.publicUrl.get()}/v1/projects/${ref.project}/models/${m}/versions/${v}`, local ? this.files : undefined) } : {}),
        resources: t.normalised,
        runtime: { batching: t.batching.enabled, maxBatchSize: t.batching.maxBatchSize, maxQueueDelayMicros: t.batching.maxQueueDelayMicros, env: t.env, ...(t.runtime ? { executionProvider: t.runtime.executionProvider } : {}) },
      },
      replicaToken: await this.replicaTokens.forEndpoint(row.id),
      runtimeToken: () => this.mintToken(row),
    };
  }

  /** A VIEWER token of the endpoint's project, for pods that download the model from the registry. */
  private async mintToken(row: Row): Promise<string> {
    const { token, hash, prefix } = newToken();
    await this.auth.createToken({ name: `endpoint:${row.project.name}/${row.name}`, hash, prefix, role: 'VIEWER', projectIds: [row.projectId] });
    return token;
  }

  /** The endpoint's status and the driver's observation, in one update (none when nothing changed). */
  private async saveStatus(row: Row, status: StatusPatch, obs: EndpointObservation, sub: SubStep): Promise<void> {
    const next: ObservedState = {
      revision: obs.revision,
      replicas: obs.replicas,
      // Users read readyReplicas as "how many serve", as on a Deployment: every ready replica
      // of any revision. The driver's count of the new revision alone fell to 0 at each rollout
      // while the old replicas kept answering; that progress is in updatedReplicas and message.
      readyReplicas: obs.availableReplicas,
      updatedReplicas: obs.updatedReplicas,
      availableReplicas: obs.availableReplicas,
      restarts: obs.restarts,
      rollout: obs.rollout,
      ...(obs.reason ? { reason: obs.reason } : {}),
      ...(obs.message ? { message: obs.message } : {}),
      upstreams: obs.upstreams,
      ...sub.observed,
    };
    const { at: _at, ...before } = (row.observed ?? {}) as ObservedState;
    const observed = isDeepStrictEqual(before, next) ? {} : { observed: { ...next, at: new Date().toISOString() } };
    if (Object.keys(status).length > 0 || 'observed' in observed) await this.repo.update(row.id, { ...status, ...observed });
  }

  private async event(ref: EndpointRef, event: RolloutEvent): Promise<void> {
    await this.repo.addEvent(ref.endpointId, event);
    await this.driver.recordEvent(ref, event).catch(() => undefined);
  }
}
