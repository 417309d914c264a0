import type { V1PersistentVolumeClaim, V1Pod, V1Secret, V1Service } from '@kubernetes/client-node';
import type { WorkloadSpec } from '../cluster-driver.js';
import { checkpointClaim } from './k8s-checkpoint-volume.js';
import { jobClaims } from './k8s-job-claims.js';
import { envSecret, hasSecretEnv, masterService, needsMasterService, workerPod } from './k8s-workload-objects.js';

/**
 * The API calls of one scheduling cycle, in the order they go out (pure: no I/O; the
 * executor is k8s-batch.ts). Workloads are numbered by their place in the batch (`key`).
 *
 *   1. claims    per workload, one after another: the job's checkpoint PVC and `newClaim`
 *                volumes, made once per job (an existing one is kept).
 *   2. creates   every object of every workload that has its claims: the gang's headless
 *                Service, and each worker pod (schedulerName set, so nobody else binds it).
 *                Worker 0 of a workload with secret env is followed by the Secret it owns.
 *   3. binds     one pods/binding per worker, to the node the scheduler chose, only for a
 *                workload whose every create succeeded: a gang is bound whole or not at all.
 *
 * Invariants: no pod is bound before every object of its workload exists (its Secret, its
 * claims, its master Service), so no worker can start with something missing; each worker is
 * created once and bound once per batch; calls keep the batch's order, so the earliest
 * decisions are bound first.
 */
export interface BatchPlan {
  claims: ClaimStep[];
  creates: CreateStep[];
  binds: BindStep[];
  /** Workloads that cannot be made at all; none of their calls is in the plan. */
  refused: { key: number; error: Error }[];
}

export interface ClaimStep {
  key: number;
  claims: V1PersistentVolumeClaim[];
}

export type CreateStep =
  | { key: number; kind: 'service'; service: V1Service }
  /** `secretFor`: worker 0 owns the attempt's Secret, made right after it (deleting the pods deletes it too). */
  | { key: number; kind: 'pod'; pod: V1Pod; secretFor?: (owner: { name: string; uid: string }) => V1Secret };

export interface BindStep {
  key: number;
  pod: string;
  node: string;
}

export function planBatch(specs: readonly WorkloadSpec[], namespace: string): BatchPlan {
  const plan: BatchPlan = { claims: [], creates: [], binds: [], refused: [] };
  const seen = new Set<string>();
  specs.forEach((spec, key) => {
    const attempt = `${spec.jobId}/${spec.attempt}`;
    // Two specs of one attempt would race for the same pod names, and the loser's cleanup would delete the winner's pods.
    if (seen.has(attempt)) return plan.refused.push({ key, error: new Error(`workload ${attempt} appears twice in one batch`) });
    seen.add(attempt);
    if (spec.workers.length === 0) return plan.refused.push({ key, error: new Error(`workload ${attempt} has no workers`) });
    // 1.
    const cp = checkpointClaim(spec, namespace);
    const claims = [...(cp ? [cp] : []), ...jobClaims(spec, namespace)];
    if (claims.length > 0) plan.claims.push({ key, claims });
    // 2.
    if (needsMasterService(spec)) plan.creates.push({ key, kind: 'service', service: masterService(spec, namespace) });
    spec.workers.forEach((_, index) => {
      const pod = workerPod(spec, index, namespace);
      const secretFor = index === 0 && hasSecretEnv(spec) ? (owner: { name: string; uid: string }) => envSecret(spec, namespace, owner) : undefined;
      plan.creates.push({ key, kind: 'pod', pod, ...(secretFor ? { secretFor } : {}) });
      // 3.
      plan.binds.push({ key, pod: pod.metadata!.name!, node: spec.workers[index].node });
    });
  });
  return plan;
}
