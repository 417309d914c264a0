export type { Groups, Tokens } from './access.js';
export type { Audit, AuditFilters } from './audit.js';
export { Beamline, type BeamlineOptions } from './client.js';
export {
  BeamlineError,
  Conflict,
  Forbidden,
  JobCancelledError,
  JobFailedError,
  NotFound,
  PreconditionFailed,
  RolloutFailed,
  TooManyRequests,
  Unauthorized,
  Unavailable,
  ValidationError,
  WaitTimeout,
  type FieldError,
  type ProblemDetails,
} from './errors.js';
export type { Datasets } from './datasets.js';
export type { Endpoints, InferOptions, ModelOption, RolloutWaitOptions } from './endpoints.js';
export type { Datatype, InferRequest, InferResponse, ModelMetadata, Tensor, TensorInput, TensorMetadata, TypedArray } from './infer.js';
export type { Artifact, Models, VersionRef } from './models.js';
export { PageIterator } from './pages.js';
export type { ClusterQueues, Queues } from './queues.js';
export type { JobRef, ListJobsOptions, LogsOptions, Training, WaitOptions } from './training.js';
export * from './types.js';
export type { paths, operations } from './openapi.js';
