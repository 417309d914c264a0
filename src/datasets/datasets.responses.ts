import { z } from 'zod';
import { isoTime, pageOf, type Agree, type Mismatch } from '../common/openapi/common.responses.js';
import { TRAINING_STATUSES } from '../training/training-state.js';
import type { DatasetVersionsService } from './dataset-versions.service.js';
import type { DatasetsService } from './datasets.service.js';
import type { DatasetVersionView, DatasetView } from './datasets.view.js';

/** The answers of the dataset routes, as datasets.view.ts writes them. */
export const datasetSchema = z.strictObject({
  id: z.uuid(),
  project: z.string(),
  name: z.string(),
  description: z.string(),
  latestVersion: z.number().int(),
  createdAt: isoTime,
  updatedAt: isoTime,
});
export const datasetPageSchema = pageOf(datasetSchema);

export const datasetVersionSchema = z.strictObject({
  id: z.uuid(),
  project: z.string(),
  dataset: z.string(),
  version: z.number().int(),
  kind: z.enum(['archive', 'pvc', 's3']),
  uri: z.string(),
  description: z.string(),
  /** null where Beamline cannot read the data (a claim on Kubernetes, an s3:// version recorded before snapshots): digestNote says why. */
  sizeBytes: z.number().int().nullable(),
  fileCount: z.number().int().nullable(),
  /** sha256 over the sorted manifest of every file's path, size and sha256. */
  digest: z.string().nullable(),
  digestNote: z.string().nullable(),
  /** The uploaded archive, or the tar snapshot of an s3:// prefix taken at registration. */
  archive: z.strictObject({ sha256: z.string(), downloadUrl: z.string() }).nullable(),
  usedBy: z.array(
    z.strictObject({
      trainingJob: z.strictObject({ id: z.uuid(), name: z.string(), status: z.enum(TRAINING_STATUSES) }),
      attempts: z.array(z.number().int()),
    }),
  ),
  createdByToken: z.string().nullable(),
  createdAt: isoTime,
});
export const datasetVersionPageSchema = pageOf(datasetVersionSchema);

// Compile-time: each view (and what the services wrap it in) has exactly the schema's fields.
type Answer<S, M extends keyof S> = S[M] extends (...args: never[]) => Promise<infer R> ? R : never;
type _Dataset = Agree<Mismatch<DatasetView, z.input<typeof datasetSchema>>>;
type _DatasetPage = Agree<Mismatch<Answer<DatasetsService, 'list'>, z.input<typeof datasetPageSchema>>>;
type _Version = Agree<Mismatch<DatasetVersionView, z.input<typeof datasetVersionSchema>>>;
type _VersionPage = Agree<Mismatch<Answer<DatasetVersionsService, 'list'>, z.input<typeof datasetVersionPageSchema>>>;
