import { ClusterState } from './cluster-state.js';
import { Job, RunningJob, WorkerPlacement } from './model.js';
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
  minRuntimeMs: number;
  reserved: ReadonlySet<number>;
}

export interface PreemptionPlan {
  victims: { run: RunningJob; reason: string }[];
  placements: WorkerPlacement[];
}

/** Why `run` may be preempted for `job`, or null if it may not (Kueue's rules, plus a minimum runtime). */
function victimReason(ctx: PreemptionContext, job: Job, charge: Usage, run: RunningJob): string | null {
  if (ctx.now - run.startedAt < ctx.minRuntimeMs) return null;
  const own = ctx.quota.spec(job.queue);
  if (!own) return null;
  if (run.job.queue === job.queue) {
    const ok = own.withinClusterQueue === 'LowerPriority' && run.job.priority < job.priority;
    return ok ? `lower priority than ${job.id} in queue ${job.queue}` : null;
  }
  const theirs = ctx.quota.spec(run.job.queue);
  if (!theirs || own.cohort === undefined || theirs.cohort !== own.cohort) return null;
  const policy = own.reclaimWithinCohort ?? 'LowerPriority';
  if (policy === 'Never' || !run.borrowing || !ctx.quota.withinNominal(job.queue, charge)) return null;
  if (policy === 'LowerPriority' && run.job.priority >= job.priority) return null;
  return `queue ${job.queue} reclaims its nominal quota borrowed by queue ${run.job.queue}`;
}

/**
 * Finds running jobs whose removal lets `job` (on one flavor) pass quota and placement:
 *  1. candidates are those victimReason allows, cheapest first: lowest priority, then the
 *     most recently started (least work lost);
 *  2. remove them one by one until the job fits both quota and nodes;
 *  3. if it never fits, put everything back and report no plan.
 */
export function planPreemption(ctx: PreemptionContext, job: Job, flavoredJob: Job, flavor: string | undefined): PreemptionPlan | null {
  const charge = jobCharge(job, flavor);
  const candidates = ctx.running
    .map((run) => ({ run, reason: victimReason(ctx, job, charge, run) }))
    .filter((c): c is { run: RunningJob; reason: string } => c.reason !== null)
    .sort((a, b) => a.run.job.priority - b.run.job.priority || b.run.startedAt - a.run.startedAt || a.run.job.id.localeCompare(b.run.job.id));
  const removed: { run: RunningJob; reason: string }[] = [];
  for (const c of candidates) {
    remove(ctx, c.run, -1);
    removed.push(c);
    if (ctx.quota.check(job.queue, charge) !== null) continue;
    const placements = placeGang(ctx.state, flavoredJob, ctx.policy, ctx.rng, ctx.reserved);
    if (placements) {
      for (const v of removed) ctx.running.splice(ctx.running.indexOf(v.run), 1);
      return { victims: removed, placements };
    }
  }
  for (const v of removed.reverse()) remove(ctx, v.run, 1);
  return null;
}

/** Takes a running job's usage out of (sign -1) or back into (sign 1) the state and quota. */
function remove(ctx: PreemptionContext, run: RunningJob, sign: 1 | -1): void {
  for (const w of run.workers) {
    if (sign < 0) ctx.state.release(w, run.job.request);
    else ctx.state.assign(w, run.job.request);
  }
  ctx.quota.add(run.job.queue, jobCharge(run.job, run.flavor), sign);
}
