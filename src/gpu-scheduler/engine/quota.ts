import { gpuMilliOf, Job } from './model.js';

/** Nominal quota of one resource, and how much more a queue may borrow from its cohort. */
export interface ResourceQuota {
  nominal: number;
  /** Absent: may borrow whatever the cohort has idle. 0: never borrows. */
  borrowingLimit?: number;
}

/**
 * A Kueue-like ClusterQueue. GPU quota is per product (the flavor), in milli-GPU, listed in
 * the order flavors are tried; CPU (milli) and memory (MiB) are unlimited when absent.
 */
export interface ClusterQueueSpec {
  name: string;
  cohort?: string;
  gpu: ({ product: string } & ResourceQuota)[];
  cpu?: ResourceQuota;
  memory?: ResourceQuota;
  /** Whom a queue may preempt to reclaim its nominal quota from borrowers in its cohort. */
  reclaimWithinCohort?: 'Never' | 'LowerPriority' | 'Any';
  /** Whether a job may preempt lower-priority jobs of its own queue. */
  withinClusterQueue?: 'Never' | 'LowerPriority';
}

export type Usage = Map<string, number>;

export const gpuResource = (product: string): string => `gpu:${product}`;

/** What a whole job charges to its queue when it runs on `flavor`. */
export function jobCharge(job: Job, flavor: string | undefined): Usage {
  const u: Usage = new Map([
    ['cpu', job.request.cpuMilli * job.workers],
    ['memory', job.request.memoryMiB * job.workers],
  ]);
  const milli = gpuMilliOf(job.request.gpu) * job.workers;
  if (flavor !== undefined && milli > 0) u.set(gpuResource(flavor), milli);
  return u;
}

/** The usage cache: what each queue has admitted, and the cohort totals borrowing is checked against. */
export class QuotaBook {
  private readonly specs = new Map<string, ClusterQueueSpec>();
  private readonly used = new Map<string, Usage>();

  constructor(queues: readonly ClusterQueueSpec[]) {
    for (const q of queues) {
      this.specs.set(q.name, q);
      this.used.set(q.name, new Map());
    }
  }

  spec(queue: string): ClusterQueueSpec | undefined {
    return this.specs.get(queue);
  }

  usedOf(queue: string, resource: string): number {
    return this.used.get(queue)?.get(resource) ?? 0;
  }

  private quota(q: ClusterQueueSpec, resource: string): ResourceQuota | undefined {
    if (resource === 'cpu') return q.cpu;
    if (resource === 'memory') return q.memory;
    return q.gpu.find((g) => gpuResource(g.product) === resource);
  }

  /** Nominal and usage summed over the queue's cohort (just the queue when it has none). */
  private cohortTotals(q: ClusterQueueSpec, resource: string): { nominal: number; used: number } {
    let nominal = 0;
    let used = 0;
    for (const other of this.specs.values()) {
      if (other !== q && (q.cohort === undefined || other.cohort !== q.cohort)) continue;
      nominal += this.quota(other, resource)?.nominal ?? 0;
      used += this.usedOf(other.name, resource);
    }
    return { nominal, used };
  }

  /** Null when the charge fits the queue's quota (borrowing if allowed), else why not. */
  check(queue: string, charge: Usage): string | null {
    const q = this.specs.get(queue);
    if (!q) return `unknown queue ${queue}`;
    for (const [resource, amount] of charge) {
      if (amount === 0) continue;
      const quota = this.quota(q, resource);
      if (!quota) {
        if (resource === 'cpu' || resource === 'memory') continue;
        return `queue ${queue} has no quota for ${resource}`;
      }
      const used = this.usedOf(queue, resource);
      const limit = quota.nominal + (q.cohort === undefined ? 0 : (quota.borrowingLimit ?? Infinity));
      if (used + amount > limit) return `queue ${queue}: ${resource} would reach ${used + amount} of ${quota.nominal} nominal${q.cohort ? ` + ${quota.borrowingLimit ?? 'unlimited'} borrowable` : ''}`;
      if (used + amount > quota.nominal) {
        const c = this.cohortTotals(q, resource);
        if (c.used + amount > c.nominal) return `queue ${queue}: ${resource} needs ${amount}, cohort ${q.cohort} has ${Math.max(0, c.nominal - c.used)} idle to lend`;
      }
    }
    return null;
  }

  /** True when a charge of this size would stay within the queue's own nominal quota. */
  withinNominal(queue: string, charge: Usage): boolean {
    const q = this.specs.get(queue);
    if (!q) return false;
    for (const [resource, amount] of charge) {
      const quota = this.quota(q, resource);
      if (quota && this.usedOf(queue, resource) + amount > quota.nominal) return false;
    }
    return true;
  }

  /** True when the queue uses more than its nominal quota of some resource. */
  isBorrowing(queue: string): boolean {
    const q = this.specs.get(queue);
    if (!q) return false;
    for (const [resource, used] of this.used.get(queue) ?? []) {
      const quota = this.quota(q, resource);
      if (quota && used > quota.nominal) return true;
    }
    return false;
  }

  add(queue: string, charge: Usage, sign: 1 | -1 = 1): void {
    const u = this.used.get(queue);
    if (!u) return;
    for (const [r, a] of charge) u.set(r, (u.get(r) ?? 0) + sign * a);
  }
}
