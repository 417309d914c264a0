import type { BatchOptions, WorkloadOutcome, WorkloadSpec } from '../cluster-driver.js';
import { planBatch } from './k8s-batch-plan.js';
import { ignoring, isThrottle } from './k8s-calls.js';
import { bindPod, createClaim, createPod, deleteAttempt, type WorkloadApi } from './k8s-workload-calls.js';

interface Progress {
  /** Claims this call made (not ones that were there): the only claims a failure deletes. */
  madeClaims: string[];
  /** Refused by the plan: nothing was called for it, so nothing of it is deleted either. */
  refused?: Error;
  failed?: Error;
  throttled?: Error;
  bindsLeft: number;
}

const asError = (e: unknown) => (e instanceof Error ? e : new Error(String(e)));

/**
 * Creates the workloads of one scheduling cycle in the three steps of planBatch (claims,
 * then every object, then every binding), each step's calls paced by `options.pacer`
 * (bounded, adaptive to 429s; a throttled call is repeated, which is safe because every
 * call is idempotent: k8s-workload-calls.ts).
 *
 * Each workload succeeds or fails on its own; once one of its calls fails, no further call
 * is made for it:
 * - a throttle past the pacer's retries leaves what was made (`throttled`): the job stays
 *   Scheduled and the reconciler makes the rest, binding an unbound pod to its planned node;
 * - any other error (`failed`) deletes the attempt's pods and Services, and the claims this
 *   call made, once none of its calls is in flight any more: a gang is never left bound in
 *   part, and the other workloads of the batch are not touched.
 */
export async function createWorkloadBatch(core: WorkloadApi, namespace: string, specs: readonly WorkloadSpec[], options: BatchOptions): Promise<WorkloadOutcome[]> {
  const { pacer } = options;
  const plan = planBatch(specs, namespace);
  const progress: Progress[] = specs.map(() => ({ madeClaims: [], bindsLeft: 0 }));
  for (const { key, error } of plan.refused) progress[key].refused = error;
  for (const { key } of plan.binds) progress[key].bindsLeft++;
  const live = (key: number) => !progress[key].refused && !progress[key].failed && !progress[key].throttled;
  const stop = (key: number, e: unknown) => {
    const p = progress[key];
    if (isThrottle(e)) p.throttled ??= asError(e);
    else p.failed ??= asError(e);
  };
  const cleanups: Promise<void>[] = [];
  const cleanUp = (keys: number[]) => {
    for (const key of keys) if (progress[key].failed && !progress[key].refused) cleanups.push(deleteMade(core, namespace, specs[key], progress[key].madeClaims, options));
  };

  // 1. Claims, per workload one after another.
  await pacer.forEach(plan.claims, async ({ key, claims }) => {
    try {
      for (const claim of claims) if (await pacer.call(() => createClaim(core, namespace, claim))) progress[key].madeClaims.push(claim.metadata!.name!);
    } catch (e) {
      stop(key, e);
    }
  });
  // 2. Every object of every workload that has its claims.
  await pacer.forEach(
    plan.creates.filter((step) => live(step.key)),
    async (step) => {
      if (!live(step.key)) return; // another call of its workload failed meanwhile
      try {
        if (step.kind === 'service') {
          await pacer.call(() => ignoring(409, core.createNamespacedService({ namespace, body: step.service })));
        } else if (step.secretFor) {
          const owner = await pacer.call(() => createPod(core, namespace, step.pod));
          await pacer.call(() => ignoring(409, core.createNamespacedSecret({ namespace, body: step.secretFor!(owner) })));
        } else {
          await pacer.call(() => ignoring(409, core.createNamespacedPod({ namespace, body: step.pod })));
        }
      } catch (e) {
        stop(step.key, e);
      }
    },
  );
  // Those refused so far are cleaned up while the others are bound.
  cleanUp(specs.map((_, key) => key));
  const failedBeforeBinding = new Set(specs.map((_, key) => key).filter((key) => progress[key].failed));
  // 3. Every binding of every workload whose objects all exist.
  await pacer.forEach(
    plan.binds.filter((step) => live(step.key)),
    async (step) => {
      if (!live(step.key)) return; // a worker of its gang was refused: bind no more of it
      try {
        await pacer.call(() => bindPod(core, namespace, step.pod, step.node));
      } catch (e) {
        return stop(step.key, e);
      }
      if (--progress[step.key].bindsLeft === 0 && live(step.key)) options.onBound?.(specs[step.key]);
    },
  );
  cleanUp(specs.map((_, key) => key).filter((key) => !failedBeforeBinding.has(key)));
  await Promise.all(cleanups);
  return specs.map((spec, key): WorkloadOutcome => {
    const p = progress[key];
    const error = p.refused ?? p.failed ?? p.throttled;
    if (!error) return { spec, outcome: 'bound' };
    return { spec, outcome: p.throttled && !p.failed && !p.refused ? 'throttled' : 'failed', error };
  });
}

/**
 * A failed workload's attempt goes whole (pods, Services; its Secret with worker 0), and
 * with it the claims this call made. Best effort: what is left here, the reconciler deletes
 * as an orphan once the job is no longer Scheduled.
 */
async function deleteMade(core: WorkloadApi, namespace: string, spec: WorkloadSpec, madeClaims: string[], { pacer }: BatchOptions): Promise<void> {
  await pacer.call(() => deleteAttempt(core, namespace, spec.jobId, spec.attempt)).catch(() => undefined);
  await Promise.all(madeClaims.map((name) => pacer.call(() => ignoring(404, core.deleteNamespacedPersistentVolumeClaim({ namespace, name }))).catch(() => undefined)));
}
