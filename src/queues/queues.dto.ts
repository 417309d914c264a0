import { z } from 'zod';
import { parseCpuMilli, parseMemoryMiB } from '../training/quantity.js';

/** Queue names are DNS labels, like project names and job queue names. */
export const queueName = z
  .string()
  .min(1)
  .max(63)
  .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, 'must be lowercase letters, digits and dashes (a DNS label)');

export const GPU_RESOURCE = 'nvidia.com/gpu';
const quantity = z.union([z.number(), z.string()]);

/**
 * One line of a cluster queue's quota, as the API takes it. `resource` is `nvidia.com/gpu`
 * (with `flavor`, the GPU product as GPU Feature Discovery labels it), `cpu` or `memory`.
 * GPU amounts are GPUs and may be fractional (a 0.5 share is charged 500m); CPU as in a
 * pod (`4`, `500m`); memory with a unit (`256Gi`).
 */
export const quotaLineSchema = z.strictObject({
  resource: z.string(),
  flavor: z.string().optional(),
  nominal: quantity,
  borrowingLimit: quantity.optional(),
  lendingLimit: quantity.optional(),
});

export const strategySchema = z.enum(['BestEffortFIFO', 'StrictFIFO']);

/**
 * Whom a cluster queue's jobs may preempt (Kueue's names), and how long its own jobs run
 * before anyone may preempt them. Docs: docs/queues.md, "Preemption".
 */
export const preemptionSchema = z.strictObject({
  withinClusterQueue: z.enum(['LowerPriority', 'Never']).optional(),
  reclaimWithinCohort: z.enum(['Any', 'LowerPriority', 'Never']).optional(),
  minRuntimeSeconds: z.number().int().min(0).max(7 * 86_400).optional(),
});
export type StoredPreemption = { [K in keyof z.output<typeof preemptionSchema>]-?: NonNullable<z.output<typeof preemptionSchema>[K]> };
/** A new cluster queue's policy (and the column's default): lower priority work of the queue and borrowed quota are fair game after a minute. */
export const DEFAULT_PREEMPTION: StoredPreemption = { withinClusterQueue: 'LowerPriority', reclaimWithinCohort: 'Any', minRuntimeSeconds: 60 };

const clusterQueueFields = {
  cohort: queueName.nullable().optional(),
  strategy: strategySchema.optional(),
  weight: z.number().positive().max(1000).optional(),
  quota: z.array(quotaLineSchema).max(64).optional(),
  preemption: preemptionSchema.optional(),
};
export const createClusterQueueSchema = z.strictObject({ name: queueName, ...clusterQueueFields });
export const updateClusterQueueSchema = z.strictObject(clusterQueueFields);
export type CreateClusterQueue = z.output<typeof createClusterQueueSchema>;
export type UpdateClusterQueue = z.output<typeof updateClusterQueueSchema>;

export const createProjectQueueSchema = z.strictObject({ name: queueName, clusterQueue: queueName });
export const updateProjectQueueSchema = z.strictObject({ clusterQueue: queueName });
export type CreateProjectQueue = z.output<typeof createProjectQueueSchema>;
export type UpdateProjectQueue = z.output<typeof updateProjectQueueSchema>;

export const deleteClusterQueueQuerySchema = z.strictObject({ drain: z.enum(['true', 'false']).optional() });

/** A quota line in the engine's units: milli-GPU, milli-CPU, MiB. This is what is stored. */
export interface StoredQuota {
  resource: 'gpu' | 'mig' | 'cpu' | 'memory';
  flavor?: string;
  /** For resource 'mig': the MIG profile, e.g. 1g.10gb (amounts are milli-slices). */
  profile?: string;
  nominal: number;
  borrowingLimit?: number;
  lendingLimit?: number;
}

const GPU_PRODUCT = /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/;
/** `nvidia.com/mig-<profile>` as the device plugin's mixed strategy names it, e.g. nvidia.com/mig-1g.10gb. */
const MIG_RESOURCE = /^nvidia\.com\/mig-(\d+g\.\d+gb(?:\+me)?)$/;

/** GPUs as a number or numeric string, to milli; fractions finer than 1m are refused. */
function gpuMilli(value: string | number): number | undefined {
  const n = typeof value === 'number' ? value : /^\d+(\.\d+)?$/.test(value.trim()) ? Number(value) : NaN;
  const milli = n * 1000;
  return Number.isFinite(n) && n >= 0 && Math.abs(milli - Math.round(milli)) < 1e-6 ? Math.round(milli) : undefined;
}

/** Zero is a valid quota (a queue that only borrows); the job parsers refuse it, so it is handled here. */
const isZero = (v: string | number): boolean => v === 0 || (typeof v === 'string' && /^0+(\.0+)?m?$/.test(v.trim()));

function amountOf(resource: StoredQuota['resource'], value: string | number): number | undefined {
  if (isZero(value)) return 0;
  if (resource === 'gpu') return gpuMilli(value);
  if (resource === 'mig') {
    const n = typeof value === 'number' ? value : /^\d+$/.test(value.trim()) ? Number(value) : NaN;
    return Number.isInteger(n) && n >= 0 ? n * 1000 : undefined;
  }
  if (resource === 'cpu') return parseCpuMilli(value);
  return parseMemoryMiB(value);
}

const UNITS: Record<StoredQuota['resource'], string> = {
  gpu: 'a number of GPUs, 0 or more (fractions to 0.001)',
  mig: 'a whole number of MIG slices, 0 or more',
  cpu: 'a CPU quantity, 0 or more ("4", "500m")',
  memory: 'a memory quantity with a unit, 0 or more ("256Gi")',
};

/**
 * Turns the API's quota lines into stored ones, or the problems found, each naming its field
 * (`quota.1.nominal`). `hasCohort`: borrowing and lending limits mean nothing without one.
 */
export function normaliseQuota(lines: z.output<typeof quotaLineSchema>[], hasCohort: boolean): { quota: StoredQuota[]; problems: { field: string; message: string }[] } {
  const quota: StoredQuota[] = [];
  const problems: { field: string; message: string }[] = [];
  const seen = new Set<string>();
  lines.forEach((line, i) => {
    const at = (f: string) => `quota.${i}.${f}`;
    let resource: StoredQuota['resource'];
    const mig = MIG_RESOURCE.exec(line.resource);
    if (line.resource === GPU_RESOURCE) resource = 'gpu';
    else if (mig) resource = 'mig';
    else if (line.resource === 'cpu' || line.resource === 'memory') resource = line.resource;
    else {
      const message = line.resource.startsWith('nvidia.com/mig-')
        ? `'${line.resource}' is not a MIG profile resource; e.g. nvidia.com/mig-1g.10gb`
        : `unknown resource flavor '${line.resource}'; one of ${GPU_RESOURCE} or nvidia.com/mig-<profile> (with flavor: the GPU product), cpu, memory`;
      problems.push({ field: at('resource'), message });
      return;
    }
    const flavored = resource === 'gpu' || resource === 'mig';
    if (flavored && (line.flavor === undefined || !GPU_PRODUCT.test(line.flavor))) {
      problems.push({ field: at('flavor'), message: `required for ${line.resource}: the GPU product as nodes label it (nvidia.com/gpu.product), e.g. NVIDIA-H100-80GB-HBM3` });
      return;
    }
    if (!flavored && line.flavor !== undefined) {
      problems.push({ field: at('flavor'), message: `${resource} has no flavors` });
      return;
    }
    const key = `${line.resource}:${line.flavor ?? ''}`;
    if (seen.has(key)) problems.push({ field: at('flavor'), message: 'listed twice' });
    seen.add(key);
    const stored: StoredQuota = { resource, nominal: 0 };
    if (line.flavor !== undefined) stored.flavor = line.flavor;
    if (mig) stored.profile = mig[1];
    for (const field of ['nominal', 'borrowingLimit', 'lendingLimit'] as const) {
      const value = line[field];
      if (value === undefined) continue;
      if (field !== 'nominal' && !hasCohort) {
        problems.push({ field: at(field), message: 'needs a cohort: a queue borrows from and lends to the queues of its cohort' });
        continue;
      }
      const amount = amountOf(resource, value);
      if (amount === undefined) problems.push({ field: at(field), message: `must be ${UNITS[resource]}` });
      else stored[field] = amount;
    }
    if (stored.lendingLimit !== undefined && stored.lendingLimit > stored.nominal) problems.push({ field: at('lendingLimit'), message: 'cannot exceed nominal' });
    quota.push(stored);
  });
  return { quota, problems };
}

/** A stored quota line as the API shows it: GPUs and CPUs as numbers, memory with a unit. */
export function showQuota(q: StoredQuota) {
  const show = (amount: number): number | string => (q.resource === 'memory' ? `${amount}Mi` : amount / 1000);
  return {
    resource: q.resource === 'gpu' ? GPU_RESOURCE : q.resource === 'mig' ? `nvidia.com/mig-${q.profile}` : q.resource,
    ...(q.flavor !== undefined ? { flavor: q.flavor } : {}),
    nominal: show(q.nominal),
    ...(q.borrowingLimit !== undefined ? { borrowingLimit: show(q.borrowingLimit) } : {}),
    ...(q.lendingLimit !== undefined ? { lendingLimit: show(q.lendingLimit) } : {}),
  };
}
