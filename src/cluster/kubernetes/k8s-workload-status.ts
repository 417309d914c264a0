import type { V1Pod } from '@kubernetes/client-node';
import type { WorkerPhase, WorkerStatus, WorkloadStatus } from '../cluster-driver.js';
import { ANNOTATION, LABEL, WORKER_CONTAINER } from './k8s-names.js';

const PHASES: readonly string[] = ['Pending', 'Running', 'Succeeded', 'Failed', 'Unknown'];

/** One pod → one worker's status: phase, the worker container's exit code, restarts, and why. */
export function workerStatusOf(pod: V1Pod): WorkerStatus {
  const statuses = pod.status?.containerStatuses ?? [];
  const cs = statuses.find((c) => c.name === WORKER_CONTAINER) ?? statuses[0];
  const terminated = cs?.state?.terminated ?? cs?.lastState?.terminated;
  const phase = phaseOf(pod, cs?.state?.terminated?.exitCode);
  const waiting = statuses.map((c) => c.state?.waiting).find((w) => w?.reason);
  const status: WorkerStatus = {
    index: Number(pod.metadata?.labels?.[LABEL.worker] ?? 0),
    node: pod.spec?.nodeName ?? '',
    phase,
    // restartPolicy Never keeps this 0 on a kubelet; summed so a sidecar's restarts count too.
    restarts: statuses.reduce((n, c) => n + (c.restartCount ?? 0), 0),
  };
  if (terminated) status.exitCode = terminated.exitCode;
  if (pod.metadata?.deletionTimestamp) status.terminating = true;
  // The most useful line first: the pod's own reason (Evicted, NodeLost), then the
  // container's termination, then why it waits (ImagePullBackOff: Back-off pulling image "x").
  const message =
    joined(pod.status?.reason, pod.status?.message) ??
    (terminated ? joined(terminated.reason, terminated.message) : undefined) ??
    joined(waiting?.reason, waiting?.message) ??
    unscheduled(pod);
  if (message) status.message = message;
  return status;
}

/**
 * The pod's phase, unless the worker container has already terminated in a pod that still
 * says Running or Pending: the kubelet updates the phase after the container state (and a
 * sidecar keeps the pod Running for as long as it runs). The worker's exit is the outcome,
 * so it is read first, and a pod whose phase lags is never taken for a worker that still runs.
 * Pods run with restartPolicy Never: a terminated worker container is final.
 */
function phaseOf(pod: V1Pod, workerExit: number | undefined): WorkerPhase {
  const phase = (PHASES.includes(pod.status?.phase ?? '') ? pod.status!.phase : 'Pending') as WorkerPhase;
  if (workerExit === undefined || (phase !== 'Running' && phase !== 'Pending')) return phase;
  return workerExit === 0 ? 'Succeeded' : 'Failed';
}

function joined(reason?: string, message?: string): string | undefined {
  return [reason, message].filter(Boolean).join(': ') || undefined;
}

/** A pod the node refused (e.g. resources it lacks) says so in its PodScheduled condition. */
function unscheduled(pod: V1Pod): string | undefined {
  const c = pod.status?.conditions?.find((x) => x.type === 'PodScheduled' && x.status === 'False');
  return c ? joined(c.reason, c.message) : undefined;
}

/** Beamline's pods grouped by (job, attempt), workers in rank order. */
export function workloadsOf(pods: readonly V1Pod[]): WorkloadStatus[] {
  const byKey = new Map<string, WorkloadStatus>();
  for (const pod of pods) {
    const jobId = pod.metadata?.annotations?.[ANNOTATION.jobId];
    const attempt = Number(pod.metadata?.labels?.[LABEL.attempt]);
    if (!jobId || !Number.isInteger(attempt)) continue;
    const key = `${jobId}\u0000${attempt}`;
    let w = byKey.get(key);
    if (!w) byKey.set(key, (w = { jobId, attempt, workers: [] }));
    w.workers.push(workerStatusOf(pod));
  }
  const out = [...byKey.values()];
  for (const w of out) w.workers.sort((a, b) => a.index - b.index);
  return out.sort((a, b) => a.jobId.localeCompare(b.jobId) || a.attempt - b.attempt);
}
