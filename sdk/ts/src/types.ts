/**
 * Request bodies come from the generated OpenAPI types (openapi.d.ts), so they follow
 * the server's validators. The API documents no response schemas, so the response
 * shapes are written here by hand from the views (src/training/training.view.ts,
 * src/models/models.view.ts, docs/endpoints.md).
 */
import type { operations } from './openapi.js';

type JsonBody<Op extends keyof operations> = operations[Op] extends { requestBody: { content: { 'application/json': infer B } } }
  ? B
  : operations[Op] extends { requestBody?: { content: { 'application/json': infer B } } }
    ? B
    : never;

export type TrainingJobSpec = JsonBody<'TrainingController_submit'>;
export type ModelSpec = JsonBody<'ModelsController_create'>;
export type ModelVersionSpec = JsonBody<'ModelVersionsController_create'>;

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export const TRAINING_STATUSES = ['Pending', 'Queued', 'Scheduled', 'Running', 'Succeeded', 'Failed', 'Cancelled'] as const;
export type TrainingStatus = (typeof TRAINING_STATUSES)[number];
export const TERMINAL_STATUSES: readonly TrainingStatus[] = ['Succeeded', 'Failed', 'Cancelled'];

export interface TrainingJob {
  id: string;
  project: string;
  name: string;
  image: string;
  command: string[];
  args: string[];
  env: Record<string, string>;
  workingDir: string | null;
  resources: { cpuMilli: number; memoryMiB: number; gpu?: Record<string, unknown> };
  workers: number;
  priority: number;
  queue: string;
  maxRetries: number;
  attempt: number;
  timeoutSeconds: number | null;
  outputModel: string | null;
  status: TrainingStatus;
  statusReason: string | null;
  pendingReason: string | null;
  placement: { node: string; gpuIndexes: number[]; gpuMilli?: number }[] | null;
  policy: string | null;
  scheduledAt: string | null;
  notBefore: string | null;
  createdAt: string;
  updatedAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  /** Only from `get`: the model versions this job produced. */
  modelVersions?: { model: string; version: number; status: string; sha256: string | null }[];
}

export interface TrainingJobEvent {
  id: string;
  from: TrainingStatus | null;
  to: TrainingStatus;
  reason: string;
  message: string;
  at: string;
}

export interface Model {
  id: string;
  project: string;
  name: string;
  description: string;
  tags: string[];
  metadata: Record<string, string | number | boolean>;
  latestVersion: number;
  createdAt: string;
  updatedAt: string;
}

export interface TensorSignature {
  name: string;
  elementType: string;
  shape: (number | string)[];
}

export interface ModelVersion {
  id: string;
  project: string;
  model: string;
  version: number;
  status: 'PendingUpload' | 'Ready';
  format: string;
  description: string;
  tags: string[];
  metrics: Record<string, number>;
  artifact: { sha256: string; size: number; downloadUrl: string } | null;
  uploadUrl: string | null;
  claimedSha256: string | null;
  signature: { inputs: TensorSignature[]; outputs: TensorSignature[] } | null;
  variables: unknown;
  aliases: string[];
  trainingJob: { id: string; name: string; status: string } | null;
  createdByToken: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface ModelAlias {
  model: string;
  alias: string;
  version: number;
  protected: boolean;
  updatedAt: string;
}

export type EndpointPhase = 'Progressing' | 'Complete' | 'Failed' | 'RolledBack' | 'Deleting';

export interface EndpointResources {
  cpu?: string;
  memory?: string;
  gpu?: { count: number; product?: string } | null;
}

export interface EndpointBatching {
  enabled?: boolean;
  maxBatchSize?: number;
  maxQueueDelayMicros?: number;
}

/** The body of `endpoints.deploy` (docs/endpoints.md, "Create"); `version` may be an alias such as `@production`, which the endpoint then follows. */
export type EndpointSpec = JsonBody<'EndpointsController_create'>;
export type EndpointUpdate = JsonBody<'EndpointsController_update'>;

export interface Endpoint {
  id: string;
  project: string;
  name: string;
  model: string;
  follows: string | null;
  modelVersion: number;
  replicas: number;
  resources: EndpointResources;
  batching: EndpointBatching;
  env: Record<string, string>;
  maxSurge: number;
  progressDeadlineSeconds: number;
  desiredRevision: number;
  goodRevision: number | null;
  phase: EndpointPhase;
  reason: string | null;
  message: string | null;
  /** What the cluster reported last; empty until the first observation. */
  observed: {
    revision?: number;
    replicas?: number;
    readyReplicas?: number;
    updatedReplicas?: number;
    availableReplicas?: number;
    restarts?: number;
    rollout?: string;
    reason?: string;
    message?: string;
    at?: string;
  };
  ready: boolean;
  inferUrl: string;
  createdAt: string;
  updatedAt: string;
}

export interface EndpointRevision {
  revision: number;
  modelVersion: number;
  cause: 'Created' | 'Updated' | 'Scaled' | 'AliasMoved' | 'Rollback' | 'AutomaticRollback';
  message: string | null;
  sourceRevision: number | null;
  status: 'Pending' | 'Progressing' | 'Complete' | 'Failed' | 'Superseded';
  replicas: number;
  resources: EndpointResources;
  batching: EndpointBatching;
  env: Record<string, string>;
  createdAt: string;
  finishedAt: string | null;
}

export interface EndpointEvent {
  id: string;
  revision: number | null;
  type: 'Normal' | 'Warning';
  reason: string;
  message: string;
  createdAt: string;
}
