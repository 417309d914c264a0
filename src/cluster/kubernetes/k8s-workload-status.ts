import type { V1Pod } from '@kubernetes/client-node';
import type { WorkerPhase, WorkerStatus, WorkloadStatus } from '../cluster-driver.js';
import { ANNOTATION, LABEL, WORKER_CONTAINER } from './k8s-names.js';

const PHASES: readonly string[] = ['Pending', 'Running', 'Succeeded', 'Failed'];

/** One pod → one worker's status: phase, the worker container's exit code, restarts, and why. */
export function workerStatusOf(pod: V1Pod): WorkerStatus {
  const phase = (PHASES.includes(pod.status?.phase ?? '') ? pod.status!.phase : 'Unknown') as WorkerPhase;
  const cs = pod.status?.containerStatuses?.find((c) => c.name === WORKER_CONTAINER) ?? pod.status?.containerStatuses?.[0];
  const terminated = cs?.state?.terminated ?? cs?.lastState?.terminated;
  const status: WorkerStatus = {
    index: Number(pod.metadata?.labels?.[LABEL.worker] ?? 0),
    node: pod.spec?.nodeName ?? '',
    phase,
    restarts: cs?.restartCount ?? 0,
  };
  if (terminated) status.exitCode = terminated.exitCode;
  // The most useful line first: the pod's own message (eviction), then the container's.
  const message =
    pod.status?.message ??
    (terminated ? [terminated.reason, terminated.message].filter(Boolean).join(': ') : undefined) ??
    cs?.state?.waiting?.reason;
  if (message) status.message = message;
  return status;
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
