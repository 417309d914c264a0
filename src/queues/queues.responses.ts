import { z } from 'zod';
import { isoTime, itemsOf, type Agree, type Mismatch } from '../common/openapi/common.responses.js';
import type { ClusterQueueView, ProjectQueueView, toRevisionView, withStatus } from './queues.view.js';

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
/** GET (one or the list) adds the queue's status: what its admitted jobs hold, per quota line, and how many wait. */
export const clusterQueueWithStatusSchema = clusterQueueSchema.extend({
  status: z.strictObject({
    admittedJobs: z.number().int(),
    pendingJobs: z.number().int(),
    usage: z.array(
      z.strictObject({
        resource: z.string(),
        flavor: z.string().optional(),
        used: amount,
        /** null: the queue lists no line for this resource, so it is not limited. */
        nominal: amount.nullable(),
        borrowed: amount,
      }),
    ),
  }),
});
export const clusterQueueListSchema = itemsOf(clusterQueueWithStatusSchema);

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
type _ClusterWithStatus = Agree<Mismatch<ReturnType<typeof withStatus>, z.input<typeof clusterQueueWithStatusSchema>>>;
type _Project = Agree<Mismatch<ProjectQueueView, z.input<typeof projectQueueSchema>>>;
type _Revision = Agree<Mismatch<ReturnType<typeof toRevisionView>, z.input<typeof queueRevisionSchema>>>;
