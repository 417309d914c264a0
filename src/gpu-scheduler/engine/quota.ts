import { gpuMilliOf, Job } from './model.js';

/** Nominal quota of one resource, and how much a queue may borrow from and lend to its cohort. */
export interface ResourceQuota {
  nominal: number;
  /** Absent: may borrow whatever the cohort has idle. 0: never borrows. */
  borrowingLimit?: number;
  /** Absent: all of its unused nominal quota may be lent. 0: lends nothing. */
  lendingLimit?: number;
}

/**
 * A Kueue-like ClusterQueue. GPU quota is per product (the flavor), in milli-GPU, listed in
 * the order flavors are tried; CPU (milli) and memory (MiB) are unlimited when absent.
 */
export interface ClusterQueueSpec {
  name: string;
  cohort?: string;
  gpu: ({ product: string } & ResourceQuota)[];
  /**
   * MIG slices per (product, profile), in milli-slices. A profile with a line here is charged
   * and limited; one without is admitted on the queue's GPU products uncharged (Kueue would
   * refuse it; we keep queues that predate MIG quota working), so list every profile to limit.
   */
  mig?: ({ product: string; profile: string } & ResourceQuota)[];
  cpu?: ResourceQuota;
  memory?: ResourceQuota;
  /** Whom a queue may preempt to reclaim its nominal quota from borrowers in its cohort. */
  reclaimWithinCohort?: 'Never' | 'LowerPriority' | 'Any';
  /** Whether a job may preempt lower-priority jobs of its own queue. */
  withinClusterQueue?: 'Never' | 'LowerPriority';
  /** How long this queue's jobs run before they may be preempted; absent: the cycle's `minRuntimeMs`. */
  minRuntimeMs?: number;
  /** StrictFIFO: a job that cannot be admitted holds back the rest of its queue. Default BestEffortFIFO. */
  strategy?: 'StrictFIFO' | 'BestEffortFIFO';
  /** Fair-sharing weight (> 0, default 1): a queue's share is divided by it. */
  weight?: number;
}

export type Usage = Map<string, number>;

export const gpuResource = (product: string): string => `gpu:${product}`;
export const migResource = (product: string, profile: string): string => `mig:${product}:${profile}`;

/** The products a job's GPU request may be charged to in a queue, in the queue's order. */
export function gpuFlavors(spec: ClusterQueueSpec, job: Job): string[] {
  const g = job.request.gpu;
  const products = g.kind === 'mig' ? [...(spec.mig ?? []).filter((m) => m.profile === g.profile).map((m) => m.product), ...spec.gpu.map((q) => q.product)] : spec.gpu.map((q) => q.product);
  return [...new Set(products)];
}

/** A resource's amount in a reason's units: GPUs and CPUs (not milli), MiB of memory. */
const inUnits = (resource: string, amount: number): number => (resource === 'memory' ? amount : amount / 1000);
/** A resource's unit in words: `NVIDIA-H100 GPU`, `CPU`, `MiB memory`. */
const unitOf = (resource: string): string => {
  if (resource === 'cpu') return 'CPU';
  if (resource === 'memory') return 'MiB memory';
  if (resource.startsWith('mig:')) {
    const [, product, profile] = resource.split(':');
    return `${product} MIG ${profile} slices`;
  }
  return `${resource.slice('gpu:'.length)} GPU`;
};

/** What a whole job charges to its queue when it runs on `flavor`. */
export function jobCharge(job: Job, flavor: string | undefined): Usage {
  const u: Usage = new Map([
    ['cpu', job.request.cpuMilli * job.workers],
    ['memory', job.request.memoryMiB * job.workers],
  ]);
  const milli = gpuMilliOf(job.request.gpu) * job.workers;
  if (flavor !== undefined && milli > 0) u.set(gpuResource(flavor), milli);
  if (flavor !== undefined && job.request.gpu.kind === 'mig') u.set(migResource(flavor, job.request.gpu.profile), 1000 * job.workers);
  return u;
}

/**
 * The usage cache: what each queue has admitted, and the cohort totals borrowing is checked
 * against. Lending follows Kueue: the part of a queue's nominal quota above its lendingLimit
 * is guaranteed to it; the rest (all of it without a limit) is pooled in the cohort, and a
 * queue borrows from the pool what it uses beyond its own nominal quota.
 */
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
    if (resource.startsWith('mig:')) return q.mig?.find((m) => migResource(m.product, m.profile) === resource);
    return q.gpu.find((g) => gpuResource(g.product) === resource);
  }

  /** The part of a queue's nominal quota that is never lent. */
  private guaranteed(q: ClusterQueueSpec, resource: string): number {
    const quota = this.quota(q, resource);
    if (!quota) return 0;
    return quota.lendingLimit === undefined ? 0 : Math.max(0, quota.nominal - quota.lendingLimit);
  }

  /** What the cohort's pool holds for `resource` and what the other queues take from it. */
  private cohortPool(q: ClusterQueueSpec, resource: string): { pool: number; takenByOthers: number } {
    let pool = 0;
    let takenByOthers = 0;
    for (const other of this.specs.values()) {
      if (other.cohort !== q.cohort) continue;
      const g = this.guaranteed(other, resource);
      pool += (this.quota(other, resource)?.nominal ?? 0) - g;
      if (other !== q) takenByOthers += Math.max(0, this.usedOf(other.name, resource) - g);
    }
    return { pool, takenByOthers };
  }

  /** Null when the charge fits the queue's quota (borrowing if allowed), else why not, with the numbers. */
  check(queue: string, charge: Usage): string | null {
    const q = this.specs.get(queue);
    if (!q) return `unknown queue ${queue}`;
    for (const [resource, amount] of charge) {
      if (amount === 0) continue;
      const quota = this.quota(q, resource);
      if (!quota) {
        // Unlisted CPU, memory and MIG profiles are not limited (see ClusterQueueSpec.mig).
        if (resource === 'cpu' || resource === 'memory' || resource.startsWith('mig:')) continue;
        return `quota: queue "${queue}" has no quota for ${unitOf(resource)}`;
      }
      const used = this.usedOf(queue, resource);
      if (used + amount <= quota.nominal) continue;
      const uses = `quota: queue "${queue}" uses ${inUnits(resource, used)}/${inUnits(resource, quota.nominal)} ${unitOf(resource)}, the job needs ${inUnits(resource, amount)}`;
      if (q.cohort === undefined) return `${uses}, and has no cohort to borrow from`;
      const limit = quota.nominal + (quota.borrowingLimit ?? Infinity);
      if (used + amount > limit) return `${uses}, and its borrowing limit is ${inUnits(resource, quota.borrowingLimit ?? 0)}`;
      const { pool, takenByOthers } = this.cohortPool(q, resource);
      const g = this.guaranteed(q, resource);
      const ownBefore = Math.max(0, used - g);
      const ownAfter = Math.max(0, used + amount - g);
      if (takenByOthers + ownAfter > pool) {
        const idle = Math.max(0, pool - takenByOthers - ownBefore);
        return `${uses}, and cohort "${q.cohort}" ${idle === 0 ? 'lends none' : `has only ${inUnits(resource, idle)} idle to lend`}`;
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

  /**
   * The queue's weighted dominant share: the largest fraction of its own nominal quota it uses
   * over the resources it has quota for, divided by its weight. Below 1 within nominal, above 1
   * when borrowing; fair sharing admits the queue with the smallest share first.
   */
  share(queue: string): number {
    const q = this.specs.get(queue);
    if (!q) return 0;
    let share = 0;
    for (const [resource, used] of this.used.get(queue) ?? []) {
      const quota = this.quota(q, resource);
      if (!quota || used <= 0) continue;
      // A queue with no nominal quota of a resource borrows all it uses: rank it behind every owner.
      share = Math.max(share, quota.nominal > 0 ? used / quota.nominal : used);
    }
    return share / (q.weight ?? 1);
  }

  add(queue: string, charge: Usage, sign: 1 | -1 = 1): void {
    const u = this.used.get(queue);
    if (!u) return;
    for (const [r, a] of charge) u.set(r, (u.get(r) ?? 0) + sign * a);
  }
}
