import { z } from 'zod';
import { variablesSchema } from './variables.js';

export const modelNameSchema = z
  .string()
  .min(1)
  .max(128)
  .regex(/^[a-z0-9]([-_.a-z0-9]*[a-z0-9])?$/, 'must be a model name: lowercase letters, digits, - _ .');

/** `latest` is reserved: `versions/latest` always means the newest ready version. */
export const aliasNameSchema = z
  .string()
  .min(1)
  .max(63)
  .regex(/^[a-z]([-a-z0-9]*[a-z0-9])?$/, 'must be lowercase letters, digits and dashes, starting with a letter')
  .refine((a) => a !== 'latest', "'latest' is reserved");

const tag = z
  .string()
  .min(1)
  .max(128)
  .regex(/^[^\s,]+$/, 'tags have no whitespace or commas');
const tags = z.array(tag).max(64).transform((list) => [...new Set(list)]);

const metadataKey = z.string().min(1).max(128);
const metadata = z
  .record(metadataKey, z.union([z.string().max(4096), z.number(), z.boolean()]))
  .refine((m) => Object.keys(m).length <= 128, 'at most 128 keys');

const sha256 = z
  .string()
  .transform((s) => s.toLowerCase())
  .pipe(z.string().regex(/^[0-9a-f]{64}$/, 'must be 64 hex digits (a sha256)'));

export const createModelSchema = z.strictObject({
  name: modelNameSchema,
  description: z.string().max(4000).default(''),
  tags: tags.default([]),
  metadata: metadata.default({}),
});
export type CreateModel = z.output<typeof createModelSchema>;

export const updateModelSchema = z
  .strictObject({ description: z.string().max(4000).optional(), tags: tags.optional(), metadata: metadata.optional() })
  .refine((b) => Object.keys(b).length > 0, 'give at least one of description, tags, metadata');
export type UpdateModel = z.output<typeof updateModelSchema>;

const tagList = z
  .string()
  .transform((v) => v.split(',').map((s) => s.trim()).filter(Boolean))
  .pipe(z.array(tag).min(1).max(16));

export const listModelsSchema = z.strictObject({
  namePrefix: z.string().min(1).max(128).optional(),
  tag: tagList.optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().min(1).max(512).optional(),
});
export type ListModels = z.output<typeof listModelsSchema>;

export const createVersionSchema = z.strictObject({
  description: z.string().max(4000).default(''),
  tags: tags.default([]),
  metrics: z.record(metadataKey, z.number()).default({}),
  variables: variablesSchema.optional(),
  trainingJobId: z.uuid().optional(),
  /** The sha256 the artifact upload must match. */
  sha256: sha256.optional(),
});
export type CreateVersion = z.output<typeof createVersionSchema>;

export const updateVersionSchema = z
  .strictObject({
    description: z.string().max(4000).optional(),
    tags: tags.optional(),
    metrics: z.record(metadataKey, z.number()).optional(),
    variables: variablesSchema.optional(),
  })
  .refine((b) => Object.keys(b).length > 0, 'give at least one of description, tags, metrics, variables');
export type UpdateVersion = z.output<typeof updateVersionSchema>;

export const listVersionsSchema = z.strictObject({
  status: z.enum(['PendingUpload', 'Ready']).optional(),
  tag: tagList.optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.coerce.number().int().min(1).optional(),
});
export type ListVersions = z.output<typeof listVersionsSchema>;

export const setAliasSchema = z.strictObject({
  version: z.number().int().min(1),
  protected: z.boolean().optional(),
});
export type SetAlias = z.output<typeof setAliasSchema>;

export const aliasHistorySchema = z.strictObject({
  at: z.iso.datetime({ offset: true }).optional(),
});
export type AliasHistoryQuery = z.output<typeof aliasHistorySchema>;

export const sha256HeaderSchema = sha256;

/** `3`, `latest` or `@production`. */
export type VersionRef = { kind: 'number'; version: number } | { kind: 'latest' } | { kind: 'alias'; alias: string };

export const versionRefSchema = z.string().transform((raw, ctx): VersionRef => {
  if (/^[1-9]\d{0,8}$/.test(raw)) return { kind: 'number', version: Number(raw) };
  if (raw === 'latest') return { kind: 'latest' };
  if (raw.startsWith('@') && aliasNameSchema.safeParse(raw.slice(1)).success) return { kind: 'alias', alias: raw.slice(1) };
  ctx.addIssue({ code: 'custom', message: "must be a version number, 'latest' or '@<alias>'" });
  return z.NEVER;
});
