import { showQuota, type StoredQuota } from './queues.dto.js';

/** A job charged to a cluster queue and holding its placement (Scheduled or Running). */
export interface AdmittedJob {
  resources: { cpuMilli: number; memoryMiB: number; gpu?: { products?: string[] } };
  workers: number;
  placement: Array<{ gpuIndexes?: number[]; gpuMilli?: number; migProfile?: string; product?: string }> | null;
}

type Key = `${StoredQuota['resource']}:${string}:${string}`;
const keyOf = (resource: StoredQuota['resource'], flavor = '', profile = ''): Key => `${resource}:${flavor}:${profile}`;

/**
 * What the admitted jobs of one cluster queue use, in the engine's units (milli-GPU,
 * milli-slices, milli-CPU, MiB), per quota key. Like the scheduler's books: GPUs by the
 * product each worker landed on, MIG slices by product and profile, CPU and memory as requested.
 */
export function usedByKey(jobs: readonly AdmittedJob[]): Map<Key, number> {
  const used = new Map<Key, number>();
  const add = (k: Key, n: number) => used.set(k, (used.get(k) ?? 0) + n);
  for (const job of jobs) {
    add(keyOf('cpu'), job.resources.cpuMilli * job.workers);
    add(keyOf('memory'), job.resources.memoryMiB * job.workers);
    const asked = job.resources.gpu?.products ?? [];
    for (const w of job.placement ?? []) {
      const product = w.product ?? (asked.length === 1 ? asked[0] : 'unknown');
      if (w.migProfile) add(keyOf('mig', product, w.migProfile), 1000);
      else if (w.gpuMilli !== undefined) add(keyOf('gpu', product), w.gpuMilli);
      else if ((w.gpuIndexes?.length ?? 0) > 0) add(keyOf('gpu', product), 1000 * w.gpuIndexes!.length);
    }
  }
  return used;
}

export interface UsageLine {
  resource: string;
  flavor?: string;
  used: number | string;
  /** null: the queue lists no line for it, so it is not limited. */
  nominal: number | string | null;
  /** Used beyond nominal: borrowed from the cohort. */
  borrowed: number | string;
}

/** An amount in the API's units, as quota lines show it (showQuota): GPUs, slices and CPUs as numbers, memory in Mi. */
const shown = (resource: StoredQuota['resource'], amount: number): number | string => (resource === 'memory' ? `${amount}Mi` : amount / 1000);

/**
 * One line per quota line, with what is used and borrowed (used beyond nominal), in the
 * API's units like the quota itself; then any resource used that the queue lists no line
 * for (nominal null: a MIG profile left unlimited, CPU or memory without quota).
 */
export function queueUsage(quota: readonly StoredQuota[], jobs: readonly AdmittedJob[]): UsageLine[] {
  const used = usedByKey(jobs);
  const line = (q: StoredQuota, amount: number, nominal: number | null): UsageLine => {
    const { resource, flavor } = showQuota(q);
    return { resource, ...(flavor !== undefined ? { flavor } : {}), used: shown(q.resource, amount), nominal: nominal === null ? null : shown(q.resource, nominal), borrowed: shown(q.resource, Math.max(0, amount - (nominal ?? amount))) };
  };
  const lines = quota.map((q) => {
    const k = keyOf(q.resource, q.flavor, q.profile);
    const amount = used.get(k) ?? 0;
    used.delete(k);
    return line(q, amount, q.nominal);
  });
  for (const [k, amount] of used) {
    if (amount === 0) continue;
    const [resource, flavor, profile] = k.split(':') as [StoredQuota['resource'], string, string];
    lines.push(line({ resource, ...(flavor ? { flavor } : {}), ...(profile ? { profile } : {}), nominal: 0 }, amount, null));
  }
  return lines;
}
