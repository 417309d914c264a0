import type { WorkerStatus, WorkloadStatus } from '../../cluster/cluster-driver.js';
import type { WorkerPlacement } from '../../gpu-scheduler/engine/model.js';

/** What the reconciler knows of one Scheduled or Running job. */
export interface VerdictInput {
  status: 'Scheduled' | 'Running';
  workers: number;
  placement: WorkerPlacement[];
  scheduledAt: Date | null;
  startedAt: Date | null;
  timeoutSeconds: number | null;
  startTimeoutSeconds: number;
  /** The current attempt as the driver sees it; undefined when no worker exists. */
  workload?: WorkloadStatus;
  /** Names of the nodes the cluster has now. */
  nodes: ReadonlySet<string>;
  now: Date;
}

/**
 * `cause` is the CamelCase reason of the job event. `fail` retries while retries are left;
 * `requeue` starts a new attempt without using one, away from `lostNodes`.
 */
export type Verdict =
  | { do: 'create' }
  | { do: 'fail'; cause?: string; message: string }
  | { do: 'requeue'; cause: 'NodeLost'; message: string; lostNodes: string[] }
  | { do: 'progress'; start: boolean; succeed: boolean }
  | { do: 'wait' };

/**
 * Decides what one job needs, pure. The gang is all-or-nothing both ways: it starts when
 * every worker runs, and it fails (and is retried whole) when any worker fails or goes.
 *
 * 1. A node of the placement is gone, or a worker's phase is Unknown: requeue elsewhere.
 * 2. A worker failed: fail the attempt.
 * 3. No worker exists: a Scheduled job gets its workload (created idempotently); a Running one lost it.
 * 4. A Running gang with a worker gone (deleted, evicted): fail the attempt.
 * 5. Scheduled past its startup deadline with workers not all running: fail with their reason.
 * 6. Running past its timeout: fail.
 * 7. Scheduled with workers missing (created only in part), or created but never bound (the bind
 *    was throttled past the loop's retries): create the rest; the driver binds an unbound pod
 *    to its planned node and counts one already bound there as done.
 * 8. Progress: every worker started → start; every worker exited 0 → succeed.
 */
export function decideWorkload(input: VerdictInput): Verdict {
  const { status, workload, now } = input;
  const live = (workload?.workers ?? []).filter((w) => !w.terminating);
  // 1.
  const gone = [...new Set(input.placement.map((p) => p.node).filter((n) => !input.nodes.has(n)))];
  const unknown = live.filter((w) => w.phase === 'Unknown');
  if (gone.length > 0 || unknown.length > 0) {
    const lostNodes = [...new Set([...gone, ...unknown.map((w) => w.node)])].sort();
    const why = [
      ...gone.map((n) => `node ${n} is gone`),
      ...unknown.map((w) => `worker ${w.index} on ${w.node} is Unknown${w.message ? ` (${w.message})` : ''}`),
    ];
    return { do: 'requeue', cause: 'NodeLost', lostNodes, message: `${why.join('; ')}; the job is requeued away from ${lostNodes.join(', ')}` };
  }
  // 2.
  const failed = live.find((w) => w.phase === 'Failed');
  if (failed) return { do: 'fail', message: `worker ${failed.index} failed with exit code ${failed.exitCode ?? 'unknown'}${failed.message ? `: ${failed.message}` : ''}` };
  // 3.
  if (live.length === 0 && status === 'Running') return { do: 'fail', cause: 'WorkersLost', message: 'every worker disappeared from the cluster' };
  // 4.
  const missing = missingRanks(input.workers, live);
  if (status === 'Running' && missing.length > 0) {
    return { do: 'fail', cause: 'WorkersLost', message: `worker ${missing.join(', ')} of ${input.workers} is gone (deleted or evicted) while the others ran; the whole gang restarts` };
  }
  // 5.
  const scheduled = input.scheduledAt?.getTime();
  if (status === 'Scheduled' && scheduled !== undefined && now.getTime() - scheduled > input.startTimeoutSeconds * 1000) {
    return { do: 'fail', cause: 'StartTimeout', message: `workers not all Running ${input.startTimeoutSeconds} s after scheduling: ${notStarted(input.workers, live)}` };
  }
  // 6.
  const started = input.startedAt?.getTime();
  if (status === 'Running' && input.timeoutSeconds && started !== undefined && now.getTime() - started > input.timeoutSeconds * 1000) {
    return { do: 'fail', message: `timed out after ${input.timeoutSeconds} s` };
  }
  // 7.
  if (status === 'Scheduled' && (missing.length > 0 || live.some((w) => w.node === ''))) return { do: 'create' };
  // 8.
  const allStarted = live.every((w) => w.phase === 'Running' || w.phase === 'Succeeded');
  const allDone = live.every((w) => w.phase === 'Succeeded');
  const start = status === 'Scheduled' && allStarted;
  const succeed = allDone && (status === 'Running' || start);
  return start || succeed ? { do: 'progress', start, succeed } : { do: 'wait' };
}

function missingRanks(workers: number, live: WorkerStatus[]): number[] {
  const present = new Set(live.map((w) => w.index));
  return Array.from({ length: workers }, (_, i) => i).filter((i) => !present.has(i));
}

/** Why the gang has not started, worker by worker: the pod's own words where it has some. */
function notStarted(workers: number, live: WorkerStatus[]): string {
  const byIndex = new Map(live.map((w) => [w.index, w]));
  const lines: string[] = [];
  for (let i = 0; i < workers; i++) {
    const w = byIndex.get(i);
    if (!w) lines.push(`worker ${i} not created`);
    else if (w.phase !== 'Running' && w.phase !== 'Succeeded') lines.push(`worker ${i} ${w.phase}${w.message ? `: ${w.message}` : ''}`);
  }
  return lines.join('; ');
}

/** Container restarts of an attempt, summed over its workers. */
export function restartsOf(workload: WorkloadStatus | undefined): number {
  return (workload?.workers ?? []).reduce((n, w) => n + w.restarts, 0);
}
