import { ClusterState } from './cluster-state.js';
import { STATIC_FILTERS, FILTERS, usableDevices } from './filters.js';
import { TargetWorkload } from './fragmentation.js';
import { ClusterSnapshot, Decision, gpuMilliOf, Job, PendingJob, Preemption, RunningJob, ScheduleResult } from './model.js';
import { placeGang } from './placement.js';
import { createPolicy, DEFAULT_POLICY } from './policies/index.js';
import { Policy } from './policies/policy.js';
import { planPreemption, PreemptionContext } from './preemption.js';
import { ClusterQueueSpec, gpuFlavors, jobCharge, QuotaBook } from './quota.js';
import { explainUnplaceable, fitsNoNode, NEVER_RUNS, unofferedGpu } from './reasons.js';
import { createRng } from './rng.js';

export interface ScheduleInput {
  snapshot: ClusterSnapshot;
  pending: readonly Job[];
  queues: readonly ClusterQueueSpec[];
  /** Policy name (see POLICY_NAMES); the default policy when absent. */
  policy?: string;
  /** The injected clock: epoch milliseconds of this cycle. */
  now: number;
  seed: number;
  /** A running job younger than this is never preempted, unless its queue sets its own. Default 10 minutes. */
  minRuntimeMs?: number;
  /**
   * Running jobs whose preemption is in flight: they hold their devices until they have
   * stopped, and are the first victims of any plan (see preemption.ts).
   */
  preempting?: ReadonlySet<string>;
  /** A job blocked on capacity for longer than this holds nodes that backfill may not use. Default 30 minutes. */
  starvationMs?: number;
  /** Request shapes fragmentation is measured against; default: running and pending requests. */
  workload?: TargetWorkload;
}

/** Dominant share of the cluster a project holds: GPU or CPU, whichever is larger. */
function dominantShare(usage: { gpu: number; cpu: number }, state: ClusterState, totalCpu: number): number {
  return Math.max(state.totalGpuMilli > 0 ? usage.gpu / state.totalGpuMilli : 0, totalCpu > 0 ? usage.cpu / totalCpu : 0);
}

/**
 * One scheduling cycle. A pure function of its input: same snapshot, queues, policy, seed
 * and clock give the same result. Nothing in `snapshot` is modified.
 */
export function schedule(input: ScheduleInput): ScheduleResult {
  const now = input.now;
  const minRuntimeMs = input.minRuntimeMs ?? 10 * 60_000;
  const starvationMs = input.starvationMs ?? 30 * 60_000;

  // 1. Cache: node usage and queue usage from what is already running.
  const state = ClusterState.fromSnapshot(input.snapshot);
  const quota = new QuotaBook(input.queues);
  const running: RunningJob[] = [...input.snapshot.running];
  const projects = new Map<string, { gpu: number; cpu: number }>();
  const charge = (job: Job, sign: 1 | -1): void => {
    const p = projects.get(job.project) ?? { gpu: 0, cpu: 0 };
    p.gpu += sign * gpuMilliOf(job.request.gpu) * job.workers;
    p.cpu += sign * job.request.cpuMilli * job.workers;
    projects.set(job.project, p);
  };
  for (const r of running) {
    quota.add(r.job.queue, jobCharge(r.job, r.flavor));
    charge(r.job, 1);
  }
  const totalCpu = input.snapshot.nodes.reduce((t, n) => t + n.cpuMilli, 0);

  // 2. Policy, with fragmentation measured against the shapes in play.
  const workload = input.workload ?? TargetWorkload.fromRequests([...running.map((r) => r.job.request), ...input.pending.map((j) => j.request)]);
  const policy: Policy = createPolicy(input.policy ?? DEFAULT_POLICY, workload);
  const rng = createRng(input.seed);

  const decisions: Decision[] = [];
  const preemptions: Preemption[] = [];
  const pending: PendingJob[] = [];
  const reserved = new Set<number>();
  const reservedFor = new Map<number, string>();
  const preempting = input.preempting ?? new Set<string>();
  const ctx: PreemptionContext = { state, quota, running, policy, rng, now, minRuntimeMs, reserved, preempting };

  // 3. Order: priority first, then the cluster queue with the smallest weighted dominant share
  //    of its nominal quota (fair share between queues: a queue within its quota goes before
  //    one that borrows), then the project holding the smallest dominant share of the cluster
  //    (fair share within a queue), then the oldest, then id for determinism. Shares are
  //    re-evaluated after every admission.
  //    The shares are the same for every job of one (queue, project), and the rest of the key
  //    never changes; so each such bucket is sorted once, and the next job is the smallest of
  //    the buckets' heads: the same order as scanning every pending job for every pick, without
  //    its O(pending²) cost (5,000 pending jobs took ~8 s a cycle that way).
  const key = (j: Job): [number, number, number, number, string] => [
    -j.priority,
    quota.share(j.queue),
    dominantShare(projects.get(j.project) ?? { gpu: 0, cpu: 0 }, state, totalCpu),
    j.submittedAt,
    j.id,
  ];
  const less = (ka: ReturnType<typeof key>, kb: ReturnType<typeof key>): boolean => {
    for (let i = 0; i < ka.length; i++) if (ka[i] !== kb[i]) return ka[i] < kb[i];
    return false;
  };
  const buckets = new Map<string, { jobs: Job[]; next: number }>();
  for (const j of input.pending) {
    const id = `${j.queue}\u0000${j.project}`;
    const b = buckets.get(id) ?? { jobs: [], next: 0 };
    b.jobs.push(j);
    buckets.set(id, b);
  }
  const staticOrder = (a: Job, b: Job): number => b.priority - a.priority || a.submittedAt - b.submittedAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
  for (const b of buckets.values()) b.jobs.sort(staticOrder);
  const takeNext = (): Job | undefined => {
    let best: { bucket: { jobs: Job[]; next: number }; key: ReturnType<typeof key> } | undefined;
    for (const bucket of buckets.values()) {
      if (bucket.next >= bucket.jobs.length) continue;
      const k = key(bucket.jobs[bucket.next]);
      if (!best || less(k, best.key)) best = { bucket, key: k };
    }
    return best ? best.bucket.jobs[best.bucket.next++] : undefined;
  };
  // StrictFIFO queues whose head could not be admitted this cycle, with that head's id.
  const heldBack = new Map<string, string>();

  for (let job = takeNext(); job !== undefined; job = takeNext()) {

    // 4. Flavors: the queue's GPU products, in its order, that the job allows.
    const spec = quota.spec(job.queue);
    if (!spec) {
      pending.push({ jobId: job.id, reason: `unknown queue ${job.queue}` });
      continue;
    }
    const head = heldBack.get(job.queue);
    if (head !== undefined) {
      pending.push({ jobId: job.id, reason: `waiting behind job ${head}, first in StrictFIFO queue "${job.queue}"` });
      continue;
    }
    // Hardware no node has is not a quota or capacity problem: say so before either.
    const unoffered = unofferedGpu(input.snapshot.nodes, job.request) ?? fitsNoNode(input.snapshot.nodes, job.request);
    if (unoffered !== null) {
      pending.push({ jobId: job.id, reason: unoffered, unschedulable: true });
      continue;
    }
    const wantsGpu = job.request.gpu.kind !== 'none';
    const allowed = job.request.products;
    const flavors: (string | undefined)[] = wantsGpu ? gpuFlavors(spec, job).filter((p) => !allowed || allowed.length === 0 || allowed.includes(p)) : [undefined];
    if (flavors.length === 0) {
      pending.push({ jobId: job.id, reason: `quota: queue "${job.queue}" has no GPU quota for ${allowed?.join(' or ') ?? 'any product'}` });
      continue;
    }
    const flavored = (f: string | undefined): Job => (f === undefined ? job : { ...job, request: { ...job.request, products: [f] } });

    // 5. Admit on the first flavor that passes quota and placement (gang: all or nothing).
    let quotaReason: string | null = null;
    let admitted: Decision | null = null;
    for (const f of flavors) {
      const q = quota.check(job.queue, jobCharge(job, f));
      if (q !== null) {
        quotaReason ??= q;
        continue;
      }
      const placements = placeGang(state, flavored(f), policy, rng, reserved);
      if (placements) {
        admitted = { jobId: job.id, workers: placements, flavor: f, borrowing: false };
        break;
      }
    }

    // 6. Otherwise preempt: reclaim borrowed quota in the cohort, or lower priority in the queue.
    //    The decision is what holds once the victims are gone: a caller binds it only then.
    if (!admitted) {
      for (const f of flavors) {
        const plan = planPreemption(ctx, job, flavored(f), f);
        if (!plan) continue;
        for (const v of plan.victims) {
          preemptions.push({ jobId: v.run.job.id, forJobId: job.id, reason: v.reason });
          charge(v.run.job, -1);
        }
        admitted = { jobId: job.id, workers: plan.placements, flavor: f, borrowing: false };
        break;
      }
    }

    if (admitted) {
      const f = admitted.flavor;
      quota.add(job.queue, jobCharge(job, f));
      charge(job, 1);
      admitted.borrowing = quota.isBorrowing(job.queue);
      if (f === undefined) delete admitted.flavor;
      decisions.push(admitted);
      running.push({ job, workers: admitted.workers, startedAt: now, borrowing: admitted.borrowing, flavor: f });
      continue;
    }

    // 7. Pending: say why, and let a starving job hold the nodes closest to fitting it.
    if (spec.strategy === 'StrictFIFO') heldBack.set(job.queue, job.id);
    if (quotaReason !== null && flavors.every((f) => quota.check(job.queue, jobCharge(job, f)) !== null)) {
      pending.push({ jobId: job.id, reason: quotaReason });
      continue;
    }
    const holder = blockedByReservation(state, job, flavored(flavors[0]), policy, rng, reservedFor);
    const reason = holder ?? explainUnplaceable(state, flavored(flavors[0]));
    pending.push({ jobId: job.id, reason, ...(reason.startsWith(NEVER_RUNS) ? { unschedulable: true } : {}) });
    if (now - job.submittedAt >= starvationMs) reserve(state, flavored(flavors[0]), reserved, reservedFor);
  }
  return { decisions, preemptions, pending };
}

/** If the job would fit but for nodes held for a starving job, names that job. */
function blockedByReservation(state: ClusterState, job: Job, flavoredJob: Job, policy: Policy, rng: ReturnType<typeof createRng>, reservedFor: Map<number, string>): string | null {
  if (reservedFor.size === 0) return null;
  const trial = placeGang(state, flavoredJob, policy, rng);
  if (!trial) return null;
  for (const p of trial) state.release(p, flavoredJob.request);
  const owners = new Set(trial.map((p) => reservedFor.get(state.node(p.node).index)).filter((o): o is string => o !== undefined));
  return `waiting: nodes are held for starving job ${[...owners].join(', ') || [...new Set(reservedFor.values())].join(', ')} (no backfill onto them)`;
}

/**
 * Holds, for a job that has waited too long, the eligible nodes closest to fitting one of its
 * workers (most usable devices, then most free CPU), so smaller jobs cannot keep taking them.
 */
function reserve(state: ClusterState, job: Job, reserved: Set<number>, reservedFor: Map<number, string>): void {
  const req = job.request;
  const eligible = state.nodes.filter((n) => !reserved.has(n.index) && FILTERS.every((f) => !STATIC_FILTERS.has(f.name) || f.check(n, req) === null));
  eligible.sort((a, b) => usableDevices(b, req) - usableDevices(a, req) || b.cpuFree - a.cpuFree || a.index - b.index);
  for (const n of eligible.slice(0, job.workers)) {
    reserved.add(n.index);
    reservedFor.set(n.index, job.id);
  }
}
