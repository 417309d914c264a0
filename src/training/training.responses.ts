import { z } from 'zod';
import { isoTime, itemsOf, pageOf, type Agree, type Mismatch } from '../common/openapi/common.responses.js';
import type { ModelLineage } from '../models/models.lineage.js';
import type { TrainingService } from './training.service.js';
import { TRAINING_STATUSES } from './training-state.js';
import type { toEventView, TrainingJobView } from './training.view.js';
import { ACCESS_MODES } from './training-volumes.js';

/** The answers of /v1/projects/{project}/training-jobs, as training.view.ts writes them. */
const status = z.enum(TRAINING_STATUSES);

/** Per-worker resources as stored: normalised units (training.dto.ts, normaliseResources). */
const workerResources = z.strictObject({
  cpuMilli: z.number(),
  memoryMiB: z.number(),
  gpu: z
    .strictObject({
      count: z.number().int().optional(),
      milli: z.number().int().optional(),
      migProfile: z.string().optional(),
      products: z.array(z.string()).optional(),
      minMemoryMiB: z.number().int().optional(),
    })
    .optional(),
  topology: z.strictObject({ scope: z.enum(['node', 'nvlink', 'rack']), mode: z.enum(['required', 'preferred']) }).optional(),
});

const workerPlacement = z.strictObject({
  node: z.string(),
  gpuIndexes: z.array(z.number().int()),
  gpuMilli: z.number().int().optional(),
  migProfile: z.string().optional(),
  /** A share on a node that shares GPUs (time-slicing, MPS): the device-plugin resource the pod asks one replica of. */
  sharedResource: z.string().optional(),
  /** The GPU product of the device it was placed on (usage is charged per product); absent for CPU-only workers. */
  product: z.string().optional(),
});

export const trainingJobSchema = z.strictObject({
  id: z.uuid(),
  project: z.string(),
  name: z.string(),
  image: z.string(),
  command: z.array(z.string()),
  args: z.array(z.string()),
  env: z.record(z.string(), z.string()),
  workingDir: z.string().nullable(),
  resources: workerResources,
  workers: z.number().int(),
  priority: z.number().int(),
  queue: z.string(),
  maxRetries: z.number().int(),
  attempt: z.number().int(),
  timeoutSeconds: z.number().int().nullable(),
  startTimeoutSeconds: z.number().int(),
  restarts: z.number().int(),
  containerRestarts: z.number().int(),
  excludedNodes: z.array(z.string()),
  outputModel: z.string().nullable(),
  volumes: z.array(
    z.strictObject({
      name: z.string(),
      mountPath: z.string(),
      readOnly: z.boolean(),
      claim: z.string().optional(),
      scratch: z.strictObject({ sizeLimitMiB: z.number().int().optional(), medium: z.enum(['Disk', 'Memory']) }).optional(),
      /** The job's own claim (issue 15): a PVC (Kubernetes) or a directory under <BEAMLINE_HOME>/volumes (local), deleted when the job ends unless `retain`. */
      newClaim: z
        .strictObject({
          sizeMiB: z.number().int(),
          storageClass: z.string().optional(),
          accessMode: z.enum(ACCESS_MODES),
          retain: z.boolean(),
          /** Its name; a retained one is mounted by a later job as `claim: <claimName>`. */
          claimName: z.string(),
        })
        .optional(),
      /** The dataset version as resolved at submit (src/datasets): a claim path or an uploaded archive. */
      dataset: z
        .strictObject({
          name: z.string(),
          version: z.number().int(),
          versionId: z.uuid(),
          claim: z.string().optional(),
          path: z.string().optional(),
          archiveSha256: z.string().optional(),
          fetchImage: z.string().optional(),
        })
        .optional(),
    }),
  ),
  submittedBy: z.string().nullable(),
  status,
  statusReason: z.string(),
  pendingReason: z.string().nullable(),
  /** Queued, and no node of the cluster can ever run it as asked: it fails as Unschedulable after BEAMLINE_UNSCHEDULABLE_TIMEOUT_SECONDS. */
  unschedulable: z.boolean(),
  unschedulableSince: isoTime.nullable(),
  /** The job whose admission preempted this one's current or last attempt. */
  preemptedBy: z.uuid().nullable(),
  placement: z.array(workerPlacement).nullable(),
  policy: z.string().nullable(),
  scheduledAt: isoTime.nullable(),
  notBefore: isoTime.nullable(),
  createdAt: isoTime,
  updatedAt: isoTime,
  startedAt: isoTime.nullable(),
  finishedAt: isoTime.nullable(),
});

/** The model versions a job produced (GET one job only). */
const producedVersion = z.strictObject({
  model: z.string(),
  version: z.number().int(),
  status: z.enum(['PendingUpload', 'Ready']),
  sha256: z.string().nullable(),
});
const readDataset = z.strictObject({
  dataset: z.string(),
  version: z.number().int(),
  digest: z.string().nullable(),
  uri: z.string(),
  volume: z.string(),
  attempts: z.array(z.number().int()),
});
/**
 * GET one job adds `queuePosition` (Queued only): 1 + the Queued jobs ahead of it in its cluster
 * queue by priority then age, and `estimatedStartAt`; `pendingReason` says what blocks it in words.
 */
export const trainingJobDetailSchema = trainingJobSchema.extend({
  queuePosition: z.number().int().nullable(),
  /** Queued GPU jobs only: when enough devices are expected free (eta.ts; capacity only, a rough estimate); null when unknown. */
  estimatedStartAt: isoTime.nullable(),
  modelVersions: z.array(producedVersion),
  /** Lineage: the dataset versions the job's attempts mounted (src/datasets). */
  datasets: z.array(readDataset),
});
export const trainingJobPageSchema = pageOf(trainingJobSchema);

export const trainingJobEventSchema = z.strictObject({
  id: z.string(),
  from: status.nullable(),
  to: status,
  reason: z.string(),
  message: z.string(),
  at: isoTime,
});
export const trainingJobEventsSchema = itemsOf(trainingJobEventSchema);

// Compile-time: each view (and what the service wraps it in) has exactly the schema's fields.
type Answer<M extends keyof TrainingService> = TrainingService[M] extends (...args: never[]) => Promise<infer R> ? R : never;
type _Job = Agree<Mismatch<TrainingJobView, z.input<typeof trainingJobSchema>>>;
type _Detail = Agree<Mismatch<Answer<'get'>, z.input<typeof trainingJobDetailSchema>>>;
type _Produced = Agree<Mismatch<Awaited<ReturnType<ModelLineage['versionsProducedBy']>>[number], z.input<typeof producedVersion>>>;
type _Page = Agree<Mismatch<Answer<'list'>, z.input<typeof trainingJobPageSchema>>>;
type _Event = Agree<Mismatch<ReturnType<typeof toEventView>, z.input<typeof trainingJobEventSchema>>>;
type _Events = Agree<Mismatch<Answer<'events'>, z.input<typeof trainingJobEventsSchema>>>;
type _Cancel = Agree<Mismatch<Answer<'cancel'>, z.input<typeof trainingJobSchema>>>;
type _Resume = Agree<Mismatch<Answer<'resume'>, z.input<typeof trainingJobSchema>>>;
