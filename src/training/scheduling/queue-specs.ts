import type { ClusterQueueSpec, ResourceQuota } from '../../gpu-scheduler/engine/quota.js';
import type { NodeSpec } from '../../gpu-scheduler/engine/model.js';
import type { StoredPreemption, StoredQuota } from '../../queues/queues.dto.js';

/**
 * Where the engine's queues come from, read from PostgreSQL every cycle so a changed quota
 * counts on the next cycle without a restart.
 */
export interface QueueConfig {
  clusterQueues: { name: string; cohort: string | null; strategy: string; weight: number; quota: StoredQuota[]; preemption: StoredPreemption }[];
  /** Project queues: (project, name) → cluster queue name. */
  projectQueues: { projectId: string; name: string; clusterQueue: string }[];
}

/**
 * Jobs whose project has no queue of the name they give run in the open queue: the whole
 * cluster as quota, so placement alone limits them (the single-user `npm start` experience).
 * Cluster queue names are DNS labels, so these two can never clash with one.
 */
export const OPEN_QUEUE = '__open__';
export const FOREIGN_QUEUE = '__foreign__';

/** Maps a job's (project, queue) to the engine queue it is charged to. */
export function queueResolver(config: QueueConfig): (projectId: string, queue: string) => string {
  const byKey = new Map(config.projectQueues.map((pq) => [`${pq.projectId}/${pq.name}`, pq.clusterQueue]));
  return (projectId, queue) => byKey.get(`${projectId}/${queue}`) ?? OPEN_QUEUE;
}

function resourceQuota(line: StoredQuota): ResourceQuota {
  const q: ResourceQuota = { nominal: line.nominal };
  if (line.borrowingLimit !== undefined) q.borrowingLimit = line.borrowingLimit;
  if (line.lendingLimit !== undefined) q.lendingLimit = line.lendingLimit;
  return q;
}

/** The engine's view of one stored cluster queue. */
export function toQueueSpec(q: QueueConfig['clusterQueues'][number]): ClusterQueueSpec {
  const spec: ClusterQueueSpec = {
    name: q.name,
    gpu: q.quota.filter((l) => l.resource === 'gpu').map((l) => ({ product: l.flavor!, ...resourceQuota(l) })),
    strategy: q.strategy === 'StrictFIFO' ? 'StrictFIFO' : 'BestEffortFIFO',
    weight: q.weight,
    // The queue's own policy: the loop executes the engine's preemptions (scheduling.loop.ts).
    reclaimWithinCohort: q.preemption.reclaimWithinCohort,
    withinClusterQueue: q.preemption.withinClusterQueue,
    minRuntimeMs: q.preemption.minRuntimeSeconds * 1000,
  };
  const mig = q.quota.filter((l) => l.resource === 'mig').map((l) => ({ product: l.flavor!, profile: l.profile!, ...resourceQuota(l) }));
  if (mig.length > 0) spec.mig = mig;
  if (q.cohort !== null) spec.cohort = q.cohort;
  const cpu = q.quota.find((l) => l.resource === 'cpu');
  const memory = q.quota.find((l) => l.resource === 'memory');
  if (cpu) spec.cpu = resourceQuota(cpu);
  if (memory) spec.memory = resourceQuota(memory);
  return spec;
}

/**
 * The open queue: every GPU product present, the whole cluster's worth of it. It never
 * preempts: its jobs come from projects that set up no queue, where a job's `priority`
 * orders the queue but was never a promise to stop someone else's running work.
 */
function openQueue(name: string, nodes: NodeSpec[]): ClusterQueueSpec {
  const perProduct = new Map<string, number>();
  for (const node of nodes) for (const gpu of node.gpus) perProduct.set(gpu.product, (perProduct.get(gpu.product) ?? 0) + 1000);
  const gpu = [...perProduct.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([product, milli]) => ({ product, nominal: milli }));
  return { name, gpu, reclaimWithinCohort: 'Never', withinClusterQueue: 'Never' };
}

/** Every queue of one cycle: the stored cluster queues, the open queue and the foreign pods' queue. */
export function engineQueues(config: QueueConfig, nodes: NodeSpec[]): ClusterQueueSpec[] {
  return [...config.clusterQueues.map(toQueueSpec), openQueue(OPEN_QUEUE, nodes), openQueue(FOREIGN_QUEUE, nodes)];
}
