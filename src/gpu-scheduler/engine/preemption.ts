import { ClusterState } from './cluster-state.js';
import { gpuMilliOf, Job, RunningJob, WorkerPlacement } from './model.js';
import { placeGang } from './placement.js';
import { Policy } from './policies/policy.js';
import { jobCharge, QuotaBook, Usage } from './quota.js';
import { Rng } from './rng.js';

export interface PreemptionContext {
  state: ClusterState;
  quota: QuotaBook;
  /** Jobs still running (victims already chosen this cycle are gone from it). */
  running: RunningJob[];
  policy: Policy;
  rng: Rng;
  now: number;
  /** A victim's runtime guarantee when its queue sets none. */
  minRuntimeMs: number;
  reserved: ReadonlySet<number>;
  /**
   * Jobs whose preemption is already in flight (SIGTERM sent, grace running). They still
   * hold their devices, but they are leaving: they are the first victims any plan takes, so
   * a preemptor waiting for them never causes a second preemption.
   */
  preempting: ReadonlySet<string>;
}

export interface PreemptionPlan {
  victims: { run: RunningJob; reason: string }[];
  placements: WorkerPlacement[];
}

/** Why `run` may be preempted for `job`, or null if it may not (Kueue's rules, plus a minimum runtime). */
function victimReason(ctx: PreemptionContext, job: Job, charge: Usage, run: RunningJob): string | null {
  if (ctx.preempting.has(run.job.id)) return 'already being preempted';
  const theirs = ctx.quota.spec(run.job.queue);
  // The runtime guarantee is the victim's queue's: it protects the work in that queue.
  if (ctx.now - run.startedAt < (theirs?.minRuntimeMs ?? ctx.minRuntimeMs)) return null;
  const own = ctx.quota.spec(job.queue);
  if (!own) return null;
  if (run.job.queue === job.queue) {
    // Never for a lower or equal priority: equal work would just trade places.
    const ok = own.withinClusterQueue === 'LowerPriority' && run.job.priority < job.priority;
    return ok ? `lower priority (${run.job.priority}) than job ${job.id} (${job.priority}) in queue ${job.queue}` : null;
  }
  if (!theirs || own.cohort === undefined || theirs.cohort !== own.cohort) return null;
  const policy = own.reclaimWithinCohort ?? 'LowerPriority';
  // Borrowing: admitted on borrowed quota, or its queue uses more than its nominal now (a
  // snapshot rebuilt from the record cannot know which of a queue's jobs was admitted last).
  const borrowing = run.borrowing || ctx.quota.isBorrowing(run.job.queue);
  if (policy === 'Never' || !borrowing || !ctx.quota.withinNominal(job.queue, charge)) return null;
  if (policy === 'LowerPriority' && run.job.priority >= job.priority) return null;
  return `queue ${job.queue} reclaims its nominal quota borrowed by queue ${run.job.queue}`;
}

/** GPU-milli-milliseconds the victim has run: the work its preemption throws away. */
const gpuWork = (run: RunningJob, now: number): number => gpuMilliOf(run.job.request.gpu) * run.job.workers * Math.max(0, now - run.startedAt);

/**
 * Finds running jobs whose removal lets `job` (on one flavor) pass quota and placement,
 * preempting as little GPU work as it can:
 *  1. candidates are those victimReason allows: victims already leaving first, then the
 *     lowest priority, then the fewest GPU-hours run (the least work lost), then id;
 *  2. remove them in that order until the job fits both quota and nodes;
 *  3. put back, last removed first, every victim the job fits without (a large victim taken
 *     late can make earlier small ones unnecessary);
 *  4. if it never fits, put everything back and report no plan.
 */
export function planPreemption(ctx: PreemptionContext, job: Job, flavoredJob: Job, flavor: string | undefined): PreemptionPlan | null {
  const charge = jobCharge(job, flavor);
  const leaving = (r: RunningJob): number => (ctx.preempting.has(r.job.id) ? 0 : 1);
  const candidates = ctx.running
    .map((run) => ({ run, reason: victimReason(ctx, job, charge, run) }))
    .filter((c): c is { run: RunningJob; reason: string } => c.reason !== null)
    .sort(
      (a, b) =>
        leaving(a.run) - leaving(b.run) ||
        a.run.job.priority - b.run.job.priority ||
        gpuWork(a.run, ctx.now) - gpuWork(b.run, ctx.now) ||
        a.run.job.id.localeCompare(b.run.job.id),
    );
  const fits = (): WorkerPlacement[] | null => (ctx.quota.check(job.queue, charge) === null ? placeGang(ctx.state, flavoredJob, ctx.policy, ctx.rng, ctx.reserved) : null);
  const release = (placements: WorkerPlacement[]): void => placements.forEach((p) => ctx.state.release(p, flavoredJob.request));
  let removed: { run: RunningJob; reason: string }[] = [];
  let found: WorkerPlacement[] | null = null;
  for (const c of candidates) {
    remove(ctx, c.run, -1);
    removed.push(c);
    found = fits();
    if (found) break;
  }
  if (!found) {
    for (const v of removed.reverse()) remove(ctx, v.run, 1);
    return null;
  }
  release(found);
  for (let i = removed.length - 2; i >= 0; i--) {
    const v = removed[i];
    remove(ctx, v.run, 1);
    const trial = fits();
    if (trial) {
      release(trial);
      removed = removed.filter((r) => r !== v);
    } else remove(ctx, v.run, -1);
  }
  // The state is one the job was just found to fit in, so this placement exists.
  const placements = fits()!;
  for (const v of removed) ctx.running.splice(ctx.running.indexOf(v.run), 1);
  return { victims: removed, placements };
}

/** Takes a running job's usage out of (sign -1) or back into (sign 1) the state and quota. */
function remove(ctx: PreemptionContext, run: RunningJob, sign: 1 | -1): void {
  for (const w of run.workers) {
    if (sign < 0) ctx.state.release(w, run.job.request);
    else ctx.state.assign(w, run.job.request);
  }
  ctx.quota.add(run.job.queue, jobCharge(run.job, run.flavor), sign);
}
