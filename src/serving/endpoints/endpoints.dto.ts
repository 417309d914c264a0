import { z } from 'zod';
import { parseCpuMilli, parseMemoryMiB } from '../../training/quantity.js';
import { canarySpecSchema, shadowSpecSchema } from './traffic-split.js';
import { memoryBudgetSchema, modelChoiceIssues, modelListSchema, type ModelSetTemplate } from './model-set.js';
import { autoscalingPatchSchema, autoscalingProblem, autoscalingSchema, type Autoscaling } from './autoscaling.js';

/** Endpoint names become Deployment/Service names (with a prefix): a short DNS label. */
export const endpointName = z
  .string()
  .min(1)
  .max(40)
  .regex(/^[a-z]([-a-z0-9]*[a-z0-9])?$/, 'must be lowercase letters, digits and dashes, starting with a letter (a DNS label, at most 40)');

/** `7`, `"7"` or `"@production"`. */
const versionRef = z.union([
  z.number().int().min(1),
  z
    .string()
    .regex(/^(\d+|@[a-z0-9]([-_.a-z0-9]*[a-z0-9])?)$/, "must be a version number such as 7 or an alias such as '@production'"),
]);

const quantity = (parse: (v: string | number) => number | undefined, example: string) =>
  z.union([z.string(), z.number()]).refine((v) => parse(v) !== undefined, `must be a Kubernetes quantity such as ${example}`);

const resourcesSchema = z.strictObject({
  cpu: quantity(parseCpuMilli, "'1' or '500m'").default('1'),
  memory: quantity(parseMemoryMiB, "'2Gi' or '512Mi'").default('1Gi'),
  gpu: z
    .strictObject({
      count: z.number().int().min(1).max(8),
      product: z.string().min(1).max(128).optional(),
    })
    .nullable()
    .optional(),
});

const batchingSchema = z.strictObject({
  enabled: z.boolean().default(true),
  maxBatchSize: z.number().int().min(1).max(65_536).default(64),
  maxQueueDelayMicros: z.number().int().min(0).max(10_000_000).default(0),
});

/**
 * Where onnxruntime computes. cuda and webgpu need `resources.gpu` (checked with the whole
 * template, endpoints.service.ts) and the provider's libraries in the runtime image
 * (docs/gpu-serving.md); a replica that cannot start the provider fails, it does not fall
 * back to CPU while holding a GPU.
 */
export const EXECUTION_PROVIDERS = ['cpu', 'cuda', 'webgpu'] as const;
export type EndpointExecutionProvider = (typeof EXECUTION_PROVIDERS)[number];
const runtimeSchema = z.strictObject({ executionProvider: z.enum(EXECUTION_PROVIDERS).default('cpu') });

const envSchema = z
  .record(
    z
      .string()
      .max(256)
      .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'env names must be valid shell identifiers')
      .refine((k) => !k.startsWith('BEAMLINE_RUNTIME_'), 'BEAMLINE_RUNTIME_* is set by the platform from the endpoint fields'),
    z.string().max(32_768),
  )
  .refine((env) => Object.keys(env).length <= 128, 'at most 128 variables');

const replicas = z.number().int().min(1, 'must be at least 1').max(64);
const maxSurge = z.number().int().min(1).max(64);
const deadline = z.number().int().min(10).max(3600);

export const createEndpointSchema = z
  .strictObject({
    name: endpointName,
    /** One model; or `models` for a multi-model endpoint (model-set.ts). */
    model: z.string().min(1).max(128).optional(),
    version: versionRef.optional(),
    models: modelListSchema.optional(),
    memoryBudget: memoryBudgetSchema.optional(),
    /** Fixed: the replica count. With `autoscaling`: the starting count, clamped to [max(1, minReplicas), maxReplicas]. */
    replicas: replicas.default(1),
    resources: resourcesSchema.default({ cpu: '1', memory: '1Gi' }),
    batching: batchingSchema.default({ enabled: true, maxBatchSize: 64, maxQueueDelayMicros: 0 }),
    runtime: runtimeSchema.optional(),
    env: envSchema.default({}),
    maxSurge: maxSurge.default(1),
    progressDeadlineSeconds: deadline.default(600),
    /** Absent or null: a fixed `replicas`. */
    autoscaling: autoscalingSchema.nullable().optional(),
  })
  .superRefine((body, ctx) => {
    for (const issue of modelChoiceIssues(body)) ctx.addIssue({ code: 'custom', ...issue });
    const problem = body.autoscaling ? autoscalingProblem(body.autoscaling) : undefined;
    if (problem) ctx.addIssue({ code: 'custom', path: problem.field.split('.'), message: problem.message });
  });
export type CreateEndpoint = z.output<typeof createEndpointSchema>;

export const updateEndpointSchema = z
  .strictObject({
    version: versionRef.optional(),
    /** Multi-model endpoints only: the new list (a new revision), and the budget. */
    models: modelListSchema.optional(),
    memoryBudget: memoryBudgetSchema.optional(),
    replicas: replicas.optional(),
    resources: resourcesSchema.optional(),
    batching: batchingSchema.partial().optional(),
    runtime: runtimeSchema.optional(),
    env: envSchema.optional(),
    maxSurge: maxSurge.optional(),
    progressDeadlineSeconds: deadline.optional(),
    /** Fields merge into the current spec (defaults where there is none); null turns autoscaling off. */
    autoscaling: autoscalingPatchSchema.optional(),
    /** Start a canary, change the running one's percent, or null to roll it back (docs/endpoints.md, "Canary and shadow"). Only with `shadow`. */
    canary: canarySpecSchema.nullable().optional(),
    /** Mirror a share of requests to another revision or version; null stops it. Only with `canary`. */
    shadow: shadowSpecSchema.nullable().optional(),
  })
  .refine((body) => Object.keys(body).length > 0, 'give at least one field to change');
export type UpdateEndpoint = z.output<typeof updateEndpointSchema>;

export const scaleEndpointSchema = z.strictObject({ replicas });
/** An empty body means "the previous good revision". */
export const rollbackEndpointSchema = z.preprocess((v) => v ?? {}, z.strictObject({ revision: z.number().int().min(1).optional() }));

export const listEndpointsSchema = z.strictObject({
  limit: z.coerce.number().int().min(1).max(500).default(100),
  cursor: z.string().max(64).optional(),
});
export type ListEndpoints = z.output<typeof listEndpointsSchema>;

/** What a revision stores: the driver's EndpointTemplate plus what the API shows back. */
export interface RevisionTemplate {
  model: { name: string; version: number; versionId: string; sha256: string };
  /** A multi-model endpoint (model-set.ts); `model` is then the first of its models. */
  modelSet?: ModelSetTemplate;
  /** As the user gave them (shown back), and normalised for the driver. */
  resources: { cpu: string | number; memory: string | number; gpu: { count: number; product?: string } | null };
  normalised: { cpuMilli: number; memoryMiB: number; gpuCount: number; gpuProduct?: string };
  batching: { enabled: boolean; maxBatchSize: number; maxQueueDelayMicros: number };
  /** Only when not cpu: revisions made before it existed, and cpu ones, compare equal (rollback, sameTemplate). */
  runtime?: { executionProvider: Exclude<EndpointExecutionProvider, 'cpu'> };
  env: Record<string, string>;
  /** Fixed: the count. Autoscaled: the count this revision started with (the endpoint's `replicas` moves on). */
  replicas: number;
  maxSurge: number;
  progressDeadlineSeconds: number;
  /** Absent in revisions made before autoscaling existed: the same as null. */
  autoscaling?: Autoscaling | null;
}

export function normaliseEndpointResources(resources: RevisionTemplate['resources']): RevisionTemplate['normalised'] {
  return {
    cpuMilli: parseCpuMilli(resources.cpu)!,
    memoryMiB: parseMemoryMiB(resources.memory)!,
    gpuCount: resources.gpu?.count ?? 0,
    ...(resources.gpu?.product ? { gpuProduct: resources.gpu.product } : {}),
  };
}

/** The template's `runtime` key for a provider: absent for cpu (see RevisionTemplate.runtime). */
export function runtimeOf(provider: EndpointExecutionProvider | undefined): Pick<RevisionTemplate, 'runtime'> {
  return provider && provider !== 'cpu' ? { runtime: { executionProvider: provider } } : {};
}
