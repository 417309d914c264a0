import { Inject, Injectable } from '@nestjs/common';
import { AuditService } from '../../audit/audit.service.js';
import { SERVING_DRIVER, type EndpointDeployment, type EndpointObservation, type EndpointRef, type ServingDriver } from '../../cluster/serving-driver.js';
import { CanaryTransitions } from './canary-transitions.js';
import type { RevisionTemplate } from './endpoints.dto.js';
import { EndpointsRepository, type EndpointRow } from './endpoints.repository.js';
import type { SubObserved } from './endpoints.view.js';
import type { CanaryRound } from './endpoint-traffic-stats.js';
import { subEndpointId, subRef, type SubTrack } from './sub-deployments.js';
import { decideCanary, describeFigures, type CanaryState, type ShadowState } from './traffic-split.js';

type Row = EndpointRow & { project: { name: string } };
export type Deploy = (ref: EndpointRef, revision: number, template: RevisionTemplate, replicas: number) => Promise<EndpointDeployment>;

export interface SubStep {
  observed: { canary?: SubObserved; shadow?: SubObserved };
  /** The canary was promoted or rolled back: the endpoint changed, the pass stops here. */
  ended: boolean;
}

/**
 * The controller's side of canary and shadow traffic, one call per endpoint per pass (from
 * endpoint.reconciler.ts, before the stable revision is handled):
 *   1. keep each sub-deployment (canary, shadow) applied at its revision and fixed count;
 *   2. a canary whose replicas fail (crash loop, progress deadline) is rolled back at once;
 *   3. once its replicas are ready and `analysis.auto`, the gate (decideCanary) promotes it,
 *      rolls it back, or waits, from the proxy's counters summed over API instances.
 * Sub-deployments of a cleared canary or shadow are removed by the reconciler's sweep of
 * driver objects the database no longer names (knownIds).
 */
@Injectable()
export class EndpointCanary {
  constructor(
    @Inject(SERVING_DRIVER) private readonly driver: ServingDriver,
    private readonly repo: EndpointsRepository,
    private readonly transitions: CanaryTransitions,
    private readonly audit: AuditService,
  ) {}

  /** The driver ids this row's canary and shadow use, for the reconciler's sweep. */
  static knownIds(row: EndpointRow): string[] {
    return [...(row.canary ? [subEndpointId(row.id, 'canary')] : []), ...(row.shadow ? [subEndpointId(row.id, 'shadow')] : [])];
  }

  async step(row: Row, ref: EndpointRef, observed: Map<string, EndpointObservation>, stats: CanaryRound | undefined, deploy: Deploy, now = Date.now()): Promise<SubStep> {
    const out: SubStep = { observed: {}, ended: false };
    const canary = row.canary as CanaryState | null;
    const shadow = row.shadow as ShadowState | null;
    if (shadow) out.observed.shadow = await this.keep(row, ref, 'shadow', shadow, observed, deploy);
    if (!canary) return out;
    const obs = await this.keep(row, ref, 'canary', canary, observed, deploy);
    out.observed.canary = obs;
    if (!obs) return out;
    if (obs.rollout === 'Failed') {
      out.ended = await this.rollBack(row, ref, `its replicas failed (${obs.reason ?? 'RolloutFailed'}: ${obs.message ?? ''})`, undefined);
      return out;
    }
    if (obs.rollout !== 'Complete' || !canary.analysis.auto || !stats) return out;
    const verdict = decideCanary({ analysis: canary.analysis, canary: stats.canary, stable: stats.stable, startedAt: Date.parse(canary.startedAt), now });
    if (verdict.action === 'wait') return out;
    const why = `${verdict.why} (${describeFigures(verdict.figures)})`;
    if (verdict.action === 'rollback') {
      out.ended = await this.rollBack(row, ref, why, verdict.figures);
      return out;
    }
    const { revision } = await this.transitions.promote(row, why, null);
    await this.driver.recordEvent(ref, { type: 'Normal', reason: 'CanaryPromoted', message: why, revision }).catch(() => undefined);
    await this.record(row, 'endpoint.canary-promote', { canaryRevision: canary.revision, revision, modelVersion: canary.modelVersion, ...verdict.figures });
    out.ended = true;
    return out;
  }

  /** Applies the sub-deployment when the driver's last apply differs; returns what it observes now. */
  private async keep(row: Row, ref: EndpointRef, track: SubTrack, state: CanaryState | ShadowState, observed: Map<string, EndpointObservation>, deploy: Deploy): Promise<SubObserved | undefined> {
    const obs = observed.get(subEndpointId(row.id, track));
    if (!obs || obs.revision !== state.revision || obs.replicas !== state.replicas) {
      const rev = await this.repo.revision(row.id, state.revision);
      if (!rev) return undefined;
      await this.driver.apply(await deploy(subRef(ref, track), state.revision, rev.template as unknown as RevisionTemplate, state.replicas));
      await this.repo.setRevisionStatus(row.id, state.revision, 'Progressing', ['Pending']);
      return undefined;
    }
    return {
      revision: obs.revision,
      replicas: obs.replicas,
      readyReplicas: obs.readyReplicas,
      restarts: obs.restarts,
      rollout: obs.rollout,
      ...(obs.reason ? { reason: obs.reason } : {}),
      ...(obs.message ? { message: obs.message } : {}),
      upstreams: obs.upstreams,
    };
  }

  private async rollBack(row: Row, ref: EndpointRef, why: string, figures: object | undefined): Promise<boolean> {
    const canary = row.canary as unknown as CanaryState;
    if (!(await this.transitions.rollBack(row, why))) return false;
    await this.driver.recordEvent(ref, { type: 'Warning', reason: 'CanaryRolledBack', message: why, revision: canary.revision }).catch(() => undefined);
    await this.record(row, 'endpoint.canary-rollback', { canaryRevision: canary.revision, modelVersion: canary.modelVersion, reason: why, ...(figures ?? {}) });
    return true;
  }

  /** No HTTP request behind an automatic decision: the audit log's only record of it. */
  private async record(row: Row, action: string, details: Record<string, unknown>): Promise<void> {
    await this.audit.record({ actorType: 'system', actorName: 'endpoint-canary', projectId: row.projectId, project: row.project.name, action, resourceType: 'endpoint', resourceId: row.name, outcome: 'success', details: { automatic: true, ...details } });
  }
}
