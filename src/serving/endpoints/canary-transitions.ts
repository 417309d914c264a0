import { Injectable } from '@nestjs/common';
import { replicasFor } from './autoscaling.js';
import type { RevisionTemplate } from './endpoints.dto.js';
import { EndpointsRepository, type EndpointRow } from './endpoints.repository.js';
import type { CanaryState } from './traffic-split.js';

/**
 * The two ways a canary ends, shared by the manual routes (endpoints-traffic.service.ts) and
 * the controller's gate (endpoint.canary.ts). Each is one transaction, compare-and-set on the
 * canary's revision, so a manual promote racing the automatic rollback ends it once.
 */
@Injectable()
export class CanaryTransitions {
  constructor(private readonly repo: EndpointsRepository) {}

  /**
   * The canary's template becomes the desired revision (cause CanaryPromoted, a rolling update
   * of the stable replicas at their current count), the canary is cleared, and an event says why.
   * The canary's own replicas are removed by the next controller pass.
   */
  async promote(row: EndpointRow, why: string, byToken: string | null): Promise<{ endpoint: EndpointRow; revision: number }> {
    const state = row.canary as unknown as CanaryState;
    const source = (await this.repo.revision(row.id, state.revision))!;
    const template = { ...(source.template as unknown as RevisionTemplate) };
    template.replicas = replicasFor(template.autoscaling, row.replicas);
    delete (template as { idempotencyKey?: string }).idempotencyKey;
    const message = `canary revision ${state.revision} (version ${state.modelVersion}) promoted: ${why}`;
    const result = await this.repo.addRevision(row.id, { template, cause: 'CanaryPromoted', message, sourceRevision: state.revision, phase: 'Progressing', reason: 'CanaryPromoted', byToken, promotesCanary: state.revision });
    await this.repo.addEvent(row.id, { type: 'Normal', reason: 'CanaryPromoted', message, revision: result.revision });
    return result;
  }

  /** Stable keeps all traffic; the canary revision is marked Failed. Returns false when the canary had already ended. */
  async rollBack(row: EndpointRow, why: string): Promise<boolean> {
    const state = row.canary as unknown as CanaryState;
    const message = `canary revision ${state.revision} (version ${state.modelVersion}) rolled back: ${why}`;
    return this.repo.endSub(row.id, 'canary', state.revision, 'Failed', { type: 'Warning', reason: 'CanaryRolledBack', message, revision: state.revision });
  }
}
