import type { V1Pod } from '@kubernetes/client-node';
import type { RolloutEvent } from '../../serving-driver.js';
import type { InformerVerb } from './serving-informer.js';
import { lastTermination, restartsOf, unschedulableOf } from './serving-status.js';

/**
 * Turns pod updates into the events a person wants in the endpoint's log: a replica
 * restarted, a replica cannot be scheduled. Only changes count; the first sight of a pod
 * (including the informer's first list after a controller restart) is a baseline.
 */
export class PodEventTracker {
  private readonly seen = new Map<string, { restarts: number; unschedulable: boolean }>();

  update(pod: V1Pod, verb: InformerVerb): RolloutEvent[] {
    const uid = pod.metadata?.uid ?? '';
    if (verb === 'delete') {
      this.seen.delete(uid);
      return [];
    }
    const why = unschedulableOf(pod);
    const now = { restarts: restartsOf(pod), unschedulable: why !== undefined };
    const before = this.seen.get(uid);
    this.seen.set(uid, now);
    if (!before) return [];
    const events: RolloutEvent[] = [];
    if (now.restarts > before.restarts) {
      const last = lastTermination(pod);
      const message = `replica ${pod.metadata?.name} restarted (${now.restarts} restarts)${last ? `; last termination: ${last}` : ''}`;
      events.push({ type: 'Warning', reason: 'ReplicaRestarted', message });
    }
    if (why && !before.unschedulable) events.push({ type: 'Warning', reason: 'Unschedulable', message: why });
    return events;
  }
}
