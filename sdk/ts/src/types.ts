/**
 * Request bodies and responses both come from the generated OpenAPI types
 * (openapi.d.ts), which the server builds from its zod validators and from the response
 * schemas in the *.responses.ts files beside its views (checked against the views at
 * compile time). Nothing here restates a shape by hand; the names are the SDK's own.
 */
import type { operations } from './openapi.js';

type JsonBody<Op extends keyof operations> = operations[Op] extends { requestBody: { content: { 'application/json': infer B } } }
  ? B
  : operations[Op] extends { requestBody?: { content: { 'application/json': infer B } } }
    ? B
    : never;

/** The JSON an operation answers with a given status. */
type Answer<Op extends keyof operations, Status extends number = 200> = operations[Op] extends {
  responses: { [S in Status]: { content: { 'application/json': infer A } } };
}
  ? A
  : never;

export type TrainingJobSpec = JsonBody<'TrainingController_submit'>;
export type ModelSpec = JsonBody<'ModelsController_create'>;
export type ModelVersionSpec = JsonBody<'ModelVersionsController_create'>;

/** One page of a listing; `nextCursor` is null on the last one. Every list operation answers this shape. */
export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export type TrainingStatus = TrainingJob['status'];
export const TRAINING_STATUSES = ['Pending', 'Queued', 'Scheduled', 'Running', 'Succeeded', 'Failed', 'Cancelled'] as const satisfies readonly TrainingStatus[];
// Compile-time: the list above names every status the API documents.
type NoneLeft<T extends never> = T;
type _AllStatuses = NoneLeft<Exclude<TrainingStatus, (typeof TRAINING_STATUSES)[number]>>;
export const TERMINAL_STATUSES: readonly TrainingStatus[] = ['Succeeded', 'Failed', 'Cancelled'];

/**
 * A job as listed, submitted or cancelled; `get` adds `modelVersions`, the versions the job
 * produced, `queuePosition` (Queued only: 1 + the jobs ahead of it in its cluster queue) and
 * `estimatedStartAt` (Queued GPU jobs: a rough, capacity-only estimate; null when unknown).
 */
export type TrainingJob = Answer<'TrainingController_list'>['items'][number] & {
  modelVersions?: Answer<'TrainingController_get'>['modelVersions'];
  queuePosition?: Answer<'TrainingController_get'>['queuePosition'];
  estimatedStartAt?: Answer<'TrainingController_get'>['estimatedStartAt'];
};
export type TrainingJobEvent = Answer<'TrainingController_events'>['items'][number];

/** A model as listed or created; `get` adds `aliases` as `{ alias: version }`. */
export type Model = Answer<'ModelsController_list'>['items'][number] & { aliases?: Answer<'ModelsController_get'>['aliases'] };
export type ModelVersion = Answer<'ModelVersionsController_get'>;
export type TensorSignature = NonNullable<ModelVersion['signature']>['inputs'][number];
export type ModelAlias = Answer<'ModelsController_getAlias'>;

/** A dataset (docs/checkpoints.md, "Datasets") and its immutable versions; a version's `usedBy` is its lineage. */
export type DatasetSpec = JsonBody<'DatasetsController_create'>;
export type Dataset = Answer<'DatasetsController_get'>;
export type DatasetVersion = Answer<'DatasetVersionsController_get'>;

export type Endpoint = Answer<'EndpointsController_get'>;

/**
 * One model of a multi-model endpoint (docs/endpoints.md, "Many models per replica"): a
 * registered model and a pinned version number; a list does not follow aliases.
 */
export type EndpointModel = NonNullable<Endpoint['models']>[number];

type CreateBody = JsonBody<'EndpointsController_create'>;
type UpdateBody = JsonBody<'EndpointsController_update'>;
type ModelChoice = 'model' | 'version' | 'models' | 'memoryBudget';

/**
 * The generated bodies make `model`, `version`, `models` and `memoryBudget` all optional,
 * because the validator checks the choice between them in a refinement OpenAPI cannot say.
 * These narrow the generated types to the two shapes the API takes, so mixing them is a
 * compile error rather than a 400.
 */
export type SingleModelEndpointSpec = Omit<CreateBody, ModelChoice> & {
  model: string;
  /** A number, a numeric string or an alias such as `@production`, which the endpoint then follows. */
  version: NonNullable<CreateBody['version']>;
  models?: never;
  memoryBudget?: never;
};
export type MultiModelEndpointSpec = Omit<CreateBody, ModelChoice> & {
  /** 1 to 200 models, one version of each. */
  models: EndpointModel[];
  /** What one replica's loaded models may take together (`'512Mi'`); default `resources.memory` less 256 MiB. */
  memoryBudget?: string;
  model?: never;
  version?: never;
};
/** The body of `endpoints.deploy` (docs/endpoints.md, "Create"): one model, or a list of them. */
export type EndpointSpec = SingleModelEndpointSpec | MultiModelEndpointSpec;

/** `version` for a single-model endpoint; `models` (the whole new list) and/or `memoryBudget` for a multi-model one. */
export type EndpointUpdate = Omit<UpdateBody, ModelChoice> &
  (
    | { version?: UpdateBody['version']; models?: never; memoryBudget?: never }
    | { models?: EndpointModel[]; memoryBudget?: string; version?: never }
  );

export type EndpointPhase = Endpoint['phase'];
export type EndpointResources = Endpoint['resources'];
export type EndpointBatching = Endpoint['batching'];
export type EndpointRevision = Answer<'EndpointsController_revisions'>['items'][number];
export type EndpointEvent = Answer<'EndpointsController_events'>['items'][number];

/** `tokens.create`: `role` defaults to MEMBER, `scopes` to all three, no `expiresInSeconds` means it never expires. */
export type TokenSpec = JsonBody<'ProjectTokensController_create'>;
/** `platformTokens.create`: a platform admin token has no role, only scopes. */
export type PlatformTokenSpec = JsonBody<'PlatformTokensController_create'>;
/** A token as listed or revoked: `prefix` recognises it; the secret itself is never shown again. */
export type ApiToken = Answer<'ProjectTokensController_list'>['items'][number];
/** A new token: `token` is the secret, in this answer only. */
export type CreatedToken = Answer<'ProjectTokensController_create', 201>;
/** A rotated token: the new secret, and until when the old one (`replaces`) keeps working. */
export type RotatedToken = Answer<'ProjectTokensController_rotate', 201>;
export type TokenRole = ApiToken['role'];
export type TokenScope = CreatedToken['scopes'][number];

/** Who the caller is, as the platform resolved its token or single sign-on session. */
export type WhoAmI = Answer<'WhoamiController_whoami'>;
export type GroupBinding = Answer<'GroupsController_list'>['items'][number];
export type AuditEvent = Answer<'AuditController_list'>['items'][number];

/** `clusterQueues.create`: quota lines per resource flavor, cohort, strategy, weight (docs/queues.md). */
export type ClusterQueueSpec = JsonBody<'ClusterQueuesController_create'>;
/** `clusterQueues.update`: any of cohort (null leaves the cohort), strategy, weight, quota (replaces the whole list). */
export type ClusterQueueUpdate = JsonBody<'ClusterQueuesController_update'>;
export type QuotaLine = NonNullable<ClusterQueueSpec['quota']>[number];
/** A cluster queue; `version` is also its ETag, for `update`'s `ifMatch`. */
/** A cluster queue; `get` and `list` add `status` (what its admitted jobs hold per quota line, how many wait). */
export type ClusterQueue = Omit<Answer<'ClusterQueuesController_get'>, 'status'> & { status?: Answer<'ClusterQueuesController_get'>['status'] };
export type ProjectQueueSpec = JsonBody<'ProjectQueuesController_create'>;
export type ProjectQueueUpdate = JsonBody<'ProjectQueuesController_update'>;
/** A project's queue: the name its jobs give in `queue`, pointing at a cluster queue. */
export type ProjectQueue = Answer<'ProjectQueuesController_get'>;
/** One change of a queue: `spec` is the queue as it became. */
export type QueueRevision = Answer<'ClusterQueuesController_history'>['items'][number];
/** What deleting a cluster queue did: with `drain`, how many waiting jobs it cancelled. */
export type QueueDrainResult = Answer<'ClusterQueuesController_delete'>;
