import { Injectable } from '@nestjs/common';
import type { RolloutEvent } from '../../cluster/serving-driver.js';
import { decideScale, type Autoscaling, type Sample } from './autoscaling.js';
import type { RevisionTemplate } from './endpoints.dto.js';
import { EndpointsRepository, type EndpointRow } from './endpoints.repository.js';

interface Window {
  since: number;
  history: Sample[];
}

/**
 * The shell around decideScale (autoscaling.ts), one call per autoscaled endpoint per
 * controller pass. The window of samples lives in this process only: a restarted or new
 * leader starts a fresh one, which delays a scale-down (never an upscale). The count it
 * picks is written to the endpoint (compare-and-set) before the reconciler applies it, so a
 * restart between the two re-applies the stored count; nothing is only in memory that a
 * scale-up needs.
 */
@Injectable()
export class EndpointAutoscaler {
  private readonly windows = new Map<string, Window>();

  constructor(private readonly repo: EndpointsRepository) {}

  /**
   * The replica count the reconciler applies this pass, after writing it and the event.
   * `concurrency` undefined: the demand could not be read (decideScale holds the count).
   */
  async step(row: EndpointRow, revision: { revision: number; status: string; template: RevisionTemplate }, concurrency: number | undefined, event: (e: RolloutEvent) => Promise<void>, now = Date.now()): Promise<number> {
    const spec = revision.template.autoscaling;
    if (!spec) {
      this.windows.delete(row.id);
      return row.replicas;
    }
    const window = this.windows.get(row.id) ?? { since: now, history: [] };
    const decision = decideScale({ spec, current: row.replicas, concurrency, now, history: window.history, since: window.since, revisionComplete: revision.status === 'Complete' });
    this.windows.set(row.id, { since: window.since, history: decision.history });
    if (decision.replicas === row.replicas) return row.replicas;
    const status = statusOf(spec, row.replicas, decision.replicas, decision.why ?? '');
    const written = await this.repo.setScale(row.id, { replicas: row.replicas, revision: revision.revision }, decision.replicas, status);
    if (!written) return row.replicas; // a PATCH or deletion got there first: the next pass decides again
    await event({ type: 'Normal', reason: status.reason, message: status.message, revision: revision.revision });
    return decision.replicas;
  }

  /** Forget endpoints that are gone (the pass lists the live ones). */
  retain(ids: Set<string>): void {
    for (const id of this.windows.keys()) if (!ids.has(id)) this.windows.delete(id);
  }
}

function statusOf(spec: Autoscaling, from: number, to: number, why: string): { reason: string; message: string } {
  if (to === 0) return { reason: 'ScaledToZero', message: `scaled ${from} → 0: ${why}; the next request starts a replica (minReplicas ${spec.minReplicas})` };
  if (from === 0) return { reason: 'ScaledFromZero', message: `scaled 0 → ${to}: ${why}` };
  return { reason: to > from ? 'ScaledUp' : 'ScaledDown', message: `scaled ${from} → ${to}: ${why}` };
}
