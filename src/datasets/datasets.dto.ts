import { z } from 'zod';

export const datasetNameSchema = z
  .string()
  .min(1)
  .max(128)
  .regex(/^[a-z0-9]([-_.a-z0-9]*[a-z0-9])?$/, 'must be a dataset name: lowercase letters, digits, - _ .');

export const createDatasetSchema = z.strictObject({
  name: datasetNameSchema,
  description: z.string().max(4000).default(''),
});
export type CreateDataset = z.output<typeof createDatasetSchema>;

export const listDatasetsSchema = z.strictObject({
  namePrefix: z.string().min(1).max(128).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().min(1).max(128).optional(),
});
export type ListDatasets = z.output<typeof listDatasetsSchema>;

/** Where a version's data is, when it is not uploaded: a path in a claim, or an S3 prefix (fetched once, at registration). */
export type DatasetUri = { kind: 'pvc'; claim: string; path: string } | { kind: 's3'; bucket: string; prefix: string };

const CLAIM = /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/;
const BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

/** `pvc://<claim>[/<path>]` (relative, no `.`/`..`) or `s3://<bucket>[/<prefix>]`. */
export const datasetUriSchema = z
  .string()
  .max(2048)
  .transform((raw, ctx): DatasetUri => {
    const bad = (message: string) => (ctx.addIssue({ code: 'custom', message }), z.NEVER);
    const m = /^(pvc|s3):\/\/([^/]*)(?:\/(.*))?$/.exec(raw);
    if (!m) return bad("must be pvc://<claim>/<path> or s3://<bucket>/<prefix> (to upload an archive, POST multipart/form-data with a 'file' part)");
    const [, scheme, host, rest = ''] = m;
    if (rest.includes('\0')) return bad('must not contain NUL');
    if (scheme === 's3') return BUCKET.test(host) ? { kind: 's3', bucket: host, prefix: rest } : bad('the bucket is not a valid S3 bucket name');
    if (!CLAIM.test(host) || host.length > 253) return bad("the claim must be a PersistentVolumeClaim name in the jobs' namespace");
    const parts = rest.split('/').filter((p) => p !== '');
    if (parts.some((p) => p === '.' || p === '..')) return bad("the path must not contain '.' or '..'");
    return { kind: 'pvc', claim: host, path: parts.join('/') };
  });

/** JSON body of POST .../versions: a URI. The multipart form takes `spec` (description) and `file` instead. */
export const createDatasetVersionSchema = z.strictObject({
  uri: datasetUriSchema,
  description: z.string().max(4000).default(''),
});
export type CreateDatasetVersion = z.output<typeof createDatasetVersionSchema>;

export const uploadSpecSchema = z.strictObject({ description: z.string().max(4000).default('') });

export const listDatasetVersionsSchema = z.strictObject({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.coerce.number().int().min(1).optional(),
});
export type ListDatasetVersions = z.output<typeof listDatasetVersionsSchema>;

export const datasetVersionRefSchema = z
  .string()
  .regex(/^[1-9]\d{0,8}$/, 'must be a version number')
  .transform(Number);
