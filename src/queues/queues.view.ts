import type { ClusterQueue, QueueRevision } from '../generated/prisma/client.js';
import { showQuota, type StoredPreemption, type StoredQuota } from './queues.dto.js';
import type { ProjectQueueRow } from './queues.repository.js';
import { queueUsage, type AdmittedJob } from './queue-usage.js';

/** The public JSON shape of a cluster queue. `version` is also its ETag. */
export function toClusterQueueView(q: ClusterQueue) {
  return {
    name: q.name,
    cohort: q.cohort,
    strategy: q.strategy,
    weight: q.weight,
    quota: (q.quota as unknown as StoredQuota[]).map(showQuota),
    preemption: q.preemption as unknown as StoredPreemption,
    version: q.version,
    createdAt: q.createdAt.toISOString(),
    updatedAt: q.updatedAt.toISOString(),
  };
}
export type ClusterQueueView = ReturnType<typeof toClusterQueueView>;

/** GET adds what the queue's jobs hold now and how many wait (Kueue's ClusterQueue status). */
export function withStatus(view: ClusterQueueView, q: ClusterQueue, admitted: readonly AdmittedJob[], pending: number) {
  return { ...view, status: { admittedJobs: admitted.length, pendingJobs: pending, usage: queueUsage(q.quota as unknown as StoredQuota[], admitted) } };
}

export function toProjectQueueView(q: ProjectQueueRow) {
  return {
    name: q.name,
    project: q.project.name,
    clusterQueue: q.clusterQueue.name,
    version: q.version,
    createdAt: q.createdAt.toISOString(),
    updatedAt: q.updatedAt.toISOString(),
  };
}
export type ProjectQueueView = ReturnType<typeof toProjectQueueView>;

export function toRevisionView(r: QueueRevision) {
  return { version: r.version, action: r.action, spec: r.spec, actor: r.actor, at: r.createdAt.toISOString() };
}

/** The strong ETag of a queue at `version`. */
export const etagOf = (version: number): string => `"${version}"`;
