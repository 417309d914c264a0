import { z } from 'zod';
import { TRAINING_STATUSES } from './training-state.js';
import { parseCpuMilli, parseMemoryMiB } from './quantity.js';
import { volumesSchema } from './training-volumes.js';

const dnsLabel = z
  .string()
  .min(1)
  .max(63)
  .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, 'must be lowercase letters, digits and dashes (a DNS label)');

/** MIG profiles as NVIDIA names them: 1g.10gb, 3g.40gb, 7g.80gb, 1g.10gb+me ... */
const migProfile = z.string().regex(/^[1-7]g\.\d+gb(\+me)?$/, "must be a MIG profile such as '1g.10gb'");

const gpuSchema = z
  .strictObject({
    count: z.number().int().min(1).max(64).optional(),
    fraction: z.number().gt(0).lt(1).optional(),
    product: z.union([z.string().min(1).max(128), z.array(z.string().min(1).max(128)).min(1).max(32)]).optional(),
    minMemoryMiB: z.number().int().min(1).max(1_048_576).optional(),
    migProfile: migProfile.optional(),
  })
  .superRefine((gpu, ctx) => {
    const kinds = ['count', 'fraction', 'migProfile'].filter((k) => gpu[k as keyof typeof gpu] !== undefined);
    if (kinds.length !== 1) {
      ctx.addIssue({ code: 'custom', message: 'give exactly one of count, fraction or migProfile', path: [] });
    }
    if (gpu.fraction !== undefined && Math.round(gpu.fraction * 1000) < 1) {
      ctx.addIssue({ code: 'custom', message: 'fraction must be at least 0.001', path: ['fraction'] });
    }
  });

const quantity = (parse: (v: string | number) => number | undefined, example: string) =>
  z.union([z.string(), z.number()]).transform((value, ctx) => {
    const parsed = parse(value);
    if (parsed === undefined) {
      ctx.addIssue({ code: 'custom', message: `must be a Kubernetes quantity such as ${example}` });
      return z.NEVER;
    }
    return parsed;
  });

export const resourcesSchema = z.strictObject({
  cpu: quantity(parseCpuMilli, "'2' or '500m'"),
  memory: quantity(parseMemoryMiB, "'8Gi' or '512Mi'"),
  gpu: gpuSchema.optional(),
});

/** Gang placement inside one node, NVLink domain or rack (engine/topology.ts). */
export const topologySchema = z.strictObject({
  scope: z.enum(['node', 'nvlink', 'rack']),
  mode: z.enum(['required', 'preferred']).default('required'),
});

export const submitTrainingJobSchema = z.strictObject({
  name: dnsLabel,
  image: z.string().min(1).max(512).regex(/^\S+$/, 'must not contain whitespace'),
  command: z.array(z.string().max(4096)).max(64).default([]),
  args: z.array(z.string().max(4096)).max(256).default([]),
  env: z
    .record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'env names must be valid shell identifiers').max(256), z.string().max(32_768))
    .default({})
    .refine((env) => Object.keys(env).length <= 256, 'at most 256 variables'),
  // Relative to the worker's own directory, which it must not leave: an absolute path
  // would let a job start (and write) anywhere the driver's user can (issue 22).
  workingDir: z
    .string()
    .min(1)
    .max(1024)
    .refine((dir) => !dir.startsWith('/') && !dir.split('/').includes('..') && !dir.includes('\0'), {
      message: "must be a relative path inside the job's own directory (no leading / and no ..)",
    })
    .optional(),
  resources: resourcesSchema,
  workers: z.number().int().min(1).max(1024).default(1),
  topology: topologySchema.optional(),
  priority: z.number().int().min(-1000).max(1000).default(0),
  queue: dnsLabel.default('default'),
  maxRetries: z.number().int().min(0).max(20).default(0),
  timeoutSeconds: z.number().int().min(1).max(30 * 24 * 3600).optional(),
  // How long an attempt may stay Scheduled with pods not all Running (image pulls, a node
  // that refuses the pod) before it fails with the pod's own reason (issue 20).
  startTimeoutSeconds: z.number().int().min(1).max(24 * 3600).default(600),
  outputModel: z.string().regex(/^[a-z0-9]([-_.a-z0-9]*[a-z0-9])?$/, 'must be a model name: lowercase letters, digits, - _ .').max(128).optional(),
  // Claims, scratch space, dataset versions and the job's own new claims mounted into every worker (training-volumes.ts, issue 15).
  volumes: volumesSchema,
}).superRefine((job, ctx) => {
  // Memory-backed scratch is charged to the worker's memory limit: it must fit in it.
  job.volumes.forEach((v, i) => {
    if (v.scratch?.medium === 'Memory' && v.scratch.sizeLimit !== undefined && v.scratch.sizeLimit > job.resources.memory) {
      ctx.addIssue({ code: 'custom', message: `must not exceed resources.memory (${job.resources.memory}Mi)`, path: ['volumes', i, 'scratch', 'sizeLimit'] });
    }
    // One pod only may mount a ReadWriteOncePod claim: a gang's second worker would never start.
    if (v.newClaim?.accessMode === 'ReadWriteOncePod' && job.workers > 1) {
      ctx.addIssue({ code: 'custom', message: `only one pod may mount a ReadWriteOncePod claim, and this job has ${job.workers} workers`, path: ['volumes', i, 'newClaim', 'accessMode'] });
    }
  });
});
export type SubmitTrainingJob = z.output<typeof submitTrainingJobSchema>;

/** Per-worker resources as stored: normalised units, GPU shape made explicit for the scheduler. */
export interface WorkerResources {
  cpuMilli: number;
  memoryMiB: number;
  gpu?: {
    count?: number;
    /** A fractional share of one device in milli-GPU (1..999). */
    milli?: number;
    migProfile?: string;
    products?: string[];
    minMemoryMiB?: number;
  };
  /** The job's topology (a job-level field, stored here so that it needs no column of its own). */
  topology?: z.output<typeof topologySchema>;
}

export function normaliseResources(resources: SubmitTrainingJob['resources'], topology?: SubmitTrainingJob['topology']): WorkerResources {
  const out: WorkerResources = { cpuMilli: resources.cpu, memoryMiB: resources.memory };
  if (topology) out.topology = topology;
  const gpu = resources.gpu;
  if (gpu) {
    out.gpu = {};
    if (gpu.count !== undefined) out.gpu.count = gpu.count;
    if (gpu.fraction !== undefined) out.gpu.milli = Math.round(gpu.fraction * 1000);
    if (gpu.migProfile !== undefined) out.gpu.migProfile = gpu.migProfile;
    if (gpu.product !== undefined) out.gpu.products = Array.isArray(gpu.product) ? gpu.product : [gpu.product];
    if (gpu.minMemoryMiB !== undefined) out.gpu.minMemoryMiB = gpu.minMemoryMiB;
  }
  return out;
}

const statusList = z
  .string()
  .transform((value) => value.split(',').map((s) => s.trim()))
  .pipe(z.array(z.enum(TRAINING_STATUSES)).min(1));

export const listTrainingJobsSchema = z.strictObject({
  status: statusList.optional(),
  queue: dnsLabel.optional(),
  namePrefix: z.string().min(1).max(63).optional(),
  /** Jobs submitted by this principal (the view's submittedBy), exact match. */
  submittedBy: z.string().min(1).max(255).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().min(1).max(512).optional(),
});
export type ListTrainingJobs = z.output<typeof listTrainingJobsSchema>;

export const idempotencyKeySchema = z
  .string()
  .min(1)
  .max(255)
  .regex(/^[\x21-\x7e]+$/, 'must be 1-255 visible ASCII characters');
