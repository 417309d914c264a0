import { z } from 'zod';
import { TRAINING_STATUSES } from '../training/training-state.js';
import { isoTime, itemsOf, pageOf, type Agree, type Mismatch } from '../common/openapi/common.responses.js';
import type { ModelVersionsService } from './model-versions.service.js';
import type { ModelsService } from './models.service.js';
import type { ModelView, toAliasEventView, toAliasView, VersionView } from './models.view.js';
import { variablesSchema } from './variables.js';

/** The answers of the model registry, as models.view.ts writes them. */
export const modelSchema = z.strictObject({
  id: z.uuid(),
  project: z.string(),
  name: z.string(),
  description: z.string(),
  tags: z.array(z.string()),
  metadata: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])),
  latestVersion: z.number().int(),
  createdAt: isoTime,
  updatedAt: isoTime,
});
/** GET one model adds its aliases as `{ alias: version }`. */
export const modelDetailSchema = modelSchema.extend({ aliases: z.record(z.string(), z.number().int()) });
export const modelPageSchema = pageOf(modelSchema);

/** signature.ts: dimensions are numbers when fixed, strings when symbolic; non-tensors have neither. */
const tensorSpec = z.strictObject({
  name: z.string(),
  elementType: z.string().nullable(),
  shape: z.array(z.union([z.number().int(), z.string()])).nullable(),
});

export const modelVersionSchema = z.strictObject({
  id: z.uuid(),
  project: z.string(),
  model: z.string(),
  version: z.number().int(),
  status: z.enum(['PendingUpload', 'Ready']),
  format: z.string(),
  description: z.string(),
  tags: z.array(z.string()),
  metrics: z.record(z.string(), z.number()),
  artifact: z.strictObject({ sha256: z.string(), size: z.number().int(), downloadUrl: z.string() }).nullable(),
  uploadUrl: z.string().nullable(),
  claimedSha256: z.string().nullable(),
  signature: z.strictObject({ inputs: z.array(tensorSpec), outputs: z.array(tensorSpec) }).nullable(),
  // As stored: a version registered without variables has `{}`.
  variables: variablesSchema,
  aliases: z.array(z.string()),
  trainingJob: z
    .strictObject({
      id: z.uuid(),
      name: z.string(),
      status: z.enum(TRAINING_STATUSES),
      /** The job's attempt when the version was registered (null for versions from before issue 15). */
      attempt: z.number().int().nullable(),
      /** The last checkpoint the job had recorded then: what the output came from. */
      checkpoint: z.strictObject({ step: z.number().int(), name: z.string() }).nullable(),
    })
    .nullable(),
  /** Lineage: the dataset versions the training job mounted (empty without a job, or when it read none). */
  datasets: z.array(
    z.strictObject({ dataset: z.string(), version: z.number().int(), digest: z.string().nullable(), uri: z.string(), attempts: z.array(z.number().int()) }),
  ),
  createdByToken: z.string().nullable(),
  createdAt: isoTime,
  updatedAt: isoTime,
});
export const modelVersionPageSchema = pageOf(modelVersionSchema);

export const modelAliasSchema = z.strictObject({
  model: z.string(),
  alias: z.string(),
  version: z.number().int(),
  protected: z.boolean(),
  updatedAt: isoTime,
});
export const modelAliasesSchema = itemsOf(modelAliasSchema);

const aliasEvent = z.strictObject({
  id: z.string(),
  alias: z.string(),
  fromVersion: z.number().int().nullable(),
  /** null when the alias was deleted. */
  toVersion: z.number().int().nullable(),
  protected: z.boolean(),
  byToken: z.string().nullable(),
  at: isoTime,
});
/** With ?at=, also the instant asked about and the version the alias pointed to then. */
export const aliasHistoryResponseSchema = itemsOf(aliasEvent).extend({ at: isoTime.optional(), version: z.number().int().nullable().optional() });

// Compile-time: each view (and what the services wrap it in) has exactly the schema's fields.
type Answer<S, M extends keyof S> = S[M] extends (...args: never[]) => Promise<infer R> ? R : never;
type _Model = Agree<Mismatch<ModelView, z.input<typeof modelSchema>>>;
type _ModelDetail = Agree<Mismatch<Answer<ModelsService, 'get'>, z.input<typeof modelDetailSchema>>>;
type _ModelPage = Agree<Mismatch<Answer<ModelsService, 'list'>, z.input<typeof modelPageSchema>>>;
type _Version = Agree<Mismatch<VersionView, z.input<typeof modelVersionSchema>>>;
type _VersionPage = Agree<Mismatch<Answer<ModelVersionsService, 'list'>, z.input<typeof modelVersionPageSchema>>>;
type _Alias = Agree<Mismatch<ReturnType<typeof toAliasView>, z.input<typeof modelAliasSchema>>>;
type _Aliases = Agree<Mismatch<Answer<ModelsService, 'listAliases'>, z.input<typeof modelAliasesSchema>>>;
type _AliasEvent = Agree<Mismatch<ReturnType<typeof toAliasEventView>, z.input<typeof aliasEvent>>>;
type _History = Agree<Mismatch<Answer<ModelsService, 'aliasHistory'>, z.input<typeof aliasHistoryResponseSchema>>>;
