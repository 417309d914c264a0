import { z } from 'zod';
import { isoTime, itemsOf, pageOf, type Agree, type Mismatch } from '../../common/openapi/common.responses.js';
import type { RevisionCause, RevisionStatus } from './endpoints.repository.js';
import type { EndpointsService } from './endpoints.service.js';
import type { EndpointView, toEventView, toRevisionView } from './endpoints.view.js';

/** The answers of /v1/projects/{project}/endpoints, as endpoints.view.ts writes them. */

/** Resources as the user gave them (RevisionTemplate['resources']). */
const resources = z.strictObject({
  cpu: z.union([z.string(), z.number()]),
  memory: z.union([z.string(), z.number()]),
  gpu: z.strictObject({ count: z.number().int(), product: z.string().optional() }).nullable(),
});
const batching = z.strictObject({ enabled: z.boolean(), maxBatchSize: z.number().int(), maxQueueDelayMicros: z.number().int() });
const env = z.record(z.string(), z.string());
/** Multi-model endpoints only (docs/endpoints.md, "Many models per replica"): the pinned versions, and the budget they load within. */
const modelSetFields = {
  models: z.array(z.strictObject({ model: z.string(), version: z.number().int() })).optional(),
  memoryBudget: z.string().optional(),
};
/** Where onnxruntime computes (docs/gpu-serving.md). */
const runtime = z.strictObject({ executionProvider: z.enum(['cpu', 'cuda', 'webgpu']) });
/** null: a fixed `replicas`; set: the controller moves `replicas` within [min, max] (docs/endpoints.md, "Autoscaling"). */
const autoscaling = z
  .strictObject({ minReplicas: z.number().int(), maxReplicas: z.number().int(), targetInFlight: z.number().int(), scaleDownDelaySeconds: z.number().int() })
  .nullable();

/** A canary's or shadow's own replicas (sub-deployments.ts), as last observed. */
const subObserved = z.strictObject({
  revision: z.number().int(),
  replicas: z.number().int(),
  readyReplicas: z.number().int(),
  restarts: z.number().int(),
  rollout: z.string(),
  reason: z.string().optional(),
  message: z.string().optional(),
});

/** The driver's last observation, without the upstream URLs; empty until the first one. */
const observed = z.strictObject({
  revision: z.number().int().optional(),
  replicas: z.number().int().optional(),
  readyReplicas: z.number().int().optional(),
  updatedReplicas: z.number().int().optional(),
  availableReplicas: z.number().int().optional(),
  restarts: z.number().int().optional(),
  rollout: z.string().optional(),
  reason: z.string().optional(),
  message: z.string().optional(),
  canary: subObserved.optional(),
  shadow: subObserved.optional(),
  at: z.string().optional(),
});

/** The running canary (docs/endpoints.md, "Canary and shadow"); null when none. */
const canary = z
  .strictObject({
    revision: z.number().int(),
    modelVersion: z.number().int(),
    percent: z.number(),
    replicas: z.number().int(),
    analysis: z.strictObject({ auto: z.boolean(), minRequests: z.number().int(), minSeconds: z.number().int(), maxErrorRateIncrease: z.number(), maxLatencyRatio: z.number() }),
    startedAt: isoTime,
  })
  .nullable();
/** The running shadow; null when none. */
const shadow = z
  .strictObject({ revision: z.number().int(), model: z.string(), modelVersion: z.number().int(), percent: z.number(), replicas: z.number().int(), startedAt: isoTime })
  .nullable();

export const endpointSchema = z.strictObject({
  id: z.uuid(),
  project: z.string(),
  name: z.string(),
  model: z.string(),
  /** `@alias` when the endpoint follows an alias, null when pinned to a version. */
  follows: z.string().nullable(),
  modelVersion: z.number().int(),
  replicas: z.number().int(),
  resources,
  batching,
  runtime,
  env,
  ...modelSetFields,
  maxSurge: z.number().int(),
  progressDeadlineSeconds: z.number().int(),
  autoscaling,
  canary,
  shadow,
  desiredRevision: z.number().int(),
  goodRevision: z.number().int().nullable(),
  phase: z.enum(['Progressing', 'Complete', 'Failed', 'RolledBack', 'Deleting']),
  reason: z.string(),
  message: z.string(),
  observed,
  ready: z.boolean(),
  inferUrl: z.string(),
  createdAt: isoTime,
  updatedAt: isoTime,
});
export const endpointPageSchema = pageOf(endpointSchema);

const revisionCause = z.enum(['Created', 'Updated', 'Scaled', 'AliasMoved', 'Rollback', 'AutomaticRollback', 'Canary', 'CanaryPromoted', 'Shadow']);
const revisionStatus = z.enum(['Pending', 'Progressing', 'Complete', 'Failed', 'Superseded']);
export const endpointRevisionSchema = z.strictObject({
  revision: z.number().int(),
  modelVersion: z.number().int(),
  cause: revisionCause,
  message: z.string(),
  sourceRevision: z.number().int().nullable(),
  status: revisionStatus,
  replicas: z.number().int(),
  autoscaling,
  resources,
  batching,
  runtime,
  env,
  ...modelSetFields,
  createdAt: isoTime,
  finishedAt: isoTime.nullable(),
});
export const endpointRevisionsSchema = itemsOf(endpointRevisionSchema);

export const endpointEventSchema = z.strictObject({
  id: z.string(),
  revision: z.number().int().nullable(),
  type: z.enum(['Normal', 'Warning']),
  reason: z.string(),
  message: z.string(),
  createdAt: isoTime,
});
export const endpointEventsSchema = itemsOf(endpointEventSchema);

// Compile-time: each view (and what the service wraps it in) has exactly the schema's fields.
type Answer<M extends keyof EndpointsService> = EndpointsService[M] extends (...args: never[]) => Promise<infer R> ? R : never;
type _Endpoint = Agree<Mismatch<EndpointView, z.input<typeof endpointSchema>>>;
type _Page = Agree<Mismatch<Answer<'list'>, z.input<typeof endpointPageSchema>>>;
type _Revision = Agree<Mismatch<ReturnType<typeof toRevisionView>, z.input<typeof endpointRevisionSchema>>>;
type _Revisions = Agree<Mismatch<Answer<'revisions'>, z.input<typeof endpointRevisionsSchema>>>;
type _Event = Agree<Mismatch<ReturnType<typeof toEventView>, z.input<typeof endpointEventSchema>>>;
type _Events = Agree<Mismatch<Answer<'events'>, z.input<typeof endpointEventsSchema>>>;
// The stored cause and status are text columns; the enums above must list exactly the repository's values.
type _Cause = Agree<Exclude<RevisionCause, z.output<typeof revisionCause>> | Exclude<z.output<typeof revisionCause>, RevisionCause>>;
type _Status = Agree<Exclude<RevisionStatus, z.output<typeof revisionStatus>> | Exclude<z.output<typeof revisionStatus>, RevisionStatus>>;
