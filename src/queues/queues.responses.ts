import { z } from 'zod';
import { isoTime, itemsOf, type Agree, type Mismatch } from '../common/openapi/common.responses.js';
import type { ClusterQueueView, ProjectQueueView, toRevisionView } from './queues.view.js';

/** The answers of /v1/cluster-queues and /v1/projects/{project}/queues, as queues.view.ts writes them. */
const amount = z.union([z.number(), z.string()]);
const quotaLine = z.strictObject({
  resource: z.union([z.enum(['nvidia.com/gpu', 'cpu', 'memory']), z.string().regex(/^nvidia\.com\/mig-\d+g\.\d+gb(\+me)?$/)]),
  flavor: z.string().optional(),
  nominal: amount,
  borrowingLimit: amount.optional(),
  lendingLimit: amount.optional(),
});

export const clusterQueueSchema = z.strictObject({
  name: z.string(),
  cohort: z.string().nullable(),
  strategy: z.enum(['BestEffortFIFO', 'StrictFIFO']),
  weight: z.number(),
  quota: z.array(quotaLine),
  preemption: z.strictObject({
    withinClusterQueue: z.enum(['LowerPriority', 'Never']),
    reclaimWithinCohort: z.enum(['Any', 'LowerPriority', 'Never']),
    minRuntimeSeconds: z.number().int(),
  }),
  version: z.number().int(),
  createdAt: isoTime,
  updatedAt: isoTime,
});
export const clusterQueueListSchema = itemsOf(clusterQueueSchema);

export const projectQueueSchema = z.strictObject({
  name: z.string(),
  project: z.string(),
  clusterQueue: z.string(),
  version: z.number().int(),
  createdAt: isoTime,
  updatedAt: isoTime,
});
export const projectQueueListSchema = itemsOf(projectQueueSchema);

export const queueRevisionSchema = z.strictObject({
  version: z.number().int(),
  action: z.enum(['create', 'update', 'delete']),
  /** The queue as it was after this change: a cluster or project queue as GET shows it. */
  spec: z.record(z.string(), z.unknown()),
  actor: z.string().nullable(),
  at: isoTime,
});
export const queueHistorySchema = itemsOf(queueRevisionSchema);

export const drainResultSchema = z.strictObject({ deleted: z.string(), cancelledJobs: z.number().int() });

// Compile-time: each view has exactly the schema's fields.
type _Cluster = Agree<Mismatch<ClusterQueueView, z.input<typeof clusterQueueSchema>>>;
type _Project = Agree<Mismatch<ProjectQueueView, z.input<typeof projectQueueSchema>>>;
type _Revision = Agree<Mismatch<ReturnType<typeof toRevisionView>, z.input<typeof queueRevisionSchema>>>;
