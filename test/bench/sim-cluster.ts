// A simulated cluster for bench:queues --cluster sim: what Kueue's own scale test does
// (minimalkueue in envtest, with a runner that marks each admitted workload finished after its
// class's runtime; no pod is created, bound or run). Nodes are declared CPU capacity; a
// workload "runs" from its create until the runtime in its env (KWOK_RUNTIME, the same
// variable the KWOK stage reads) has passed, then succeeds. Everything else is the real
// platform: REST, PostgreSQL, the controller's cycles, quota, fair sharing and preemption.
import type { ClusterDriver, ClusterInventory, WorkloadSpec, WorkloadStatus } from '../../src/cluster/cluster-driver.js';
import type { NodeSpec } from '../../src/gpu-scheduler/engine/model.js';

export interface SimCluster {
  /** The methods that replace a driver instance's own (see simulateOn). */
  driver: Omit<ClusterDriver, 'kind'>;
  /** Workloads created, including repeats of one that existed (which must change nothing). */
  creates: number;
  /** Workloads stopped by preemption. */
  stops: number;
}

const parseRuntime = (value: string | undefined): number => {
  const m = /^(\d+)(ms|s)$/.exec(value ?? '');
  if (!m) return 0;
  return Number(m[1]) * (m[2] === 's' ? 1000 : 1);
};

export function simCluster(nodes: number, cpusPerNode: number): SimCluster {
  const spec: NodeSpec[] = Array.from({ length: nodes }, (_, i) => ({
    name: `sim-${String(i).padStart(3, '0')}`,
    labels: {},
    taints: [],
    cpuMilli: cpusPerNode * 1000,
    memoryMiB: 4 * 1024 * 1024,
    gpus: [],
  }));
  const workloads = new Map<string, WorkloadStatus>();
  const timers = new Map<string, NodeJS.Timeout>();
  const listeners = new Set<() => void>();
  // Changes are told in one call per tick, as an informer's batch would be.
  let pendingNotify = false;
  const changed = () => {
    if (pendingNotify) return;
    pendingNotify = true;
    setImmediate(() => {
      pendingNotify = false;
      for (const l of listeners) l();
    });
  };
  const key = (jobId: string, attempt: number) => `${jobId}/${attempt}`;
  const end = (k: string, phase: 'Succeeded' | 'Failed', exitCode: number) => {
    clearTimeout(timers.get(k));
    timers.delete(k);
    const w = workloads.get(k);
    if (!w) return;
    workloads.set(k, { ...w, workers: w.workers.map((x) => ({ ...x, phase, exitCode })) });
    changed();
  };
  const sim: SimCluster = {
    creates: 0,
    stops: 0,
    driver: {
      start: async () => undefined,
      stop: async () => {
        for (const t of timers.values()) clearTimeout(t);
        timers.clear();
      },
      inventory: (): ClusterInventory => ({ nodes: spec, foreign: [] }),
      workloads: () => [...workloads.values()],
      onChange: (listener) => {
        listeners.add(listener);
        return () => listeners.delete(listener);
      },
      createWorkload: async (w: WorkloadSpec) => {
        sim.creates++;
        const k = key(w.jobId, w.attempt);
        if (workloads.has(k)) return; // idempotent, as every driver's create
        workloads.set(k, { jobId: w.jobId, attempt: w.attempt, workers: w.workers.map((p, index) => ({ index, node: p.node, phase: 'Running', restarts: 0 })) });
        timers.set(k, setTimeout(() => end(k, 'Succeeded', 0), parseRuntime(w.env.KWOK_RUNTIME)));
        changed();
      },
      deleteWorkload: async (jobId: string, attempt?: number) => {
        for (const k of [...workloads.keys()]) {
          const w = workloads.get(k)!;
          if (w.jobId !== jobId || (attempt !== undefined && w.attempt !== attempt)) continue;
          clearTimeout(timers.get(k));
          timers.delete(k);
          workloads.delete(k);
        }
        changed();
      },
      // Preemption: the simulated worker obeys SIGTERM at once (exit 143), as a trainer that checkpoints nothing would.
      stopWorkload: async (jobId: string, attempt: number) => {
        const k = key(jobId, attempt);
        if (!workloads.has(k) || !timers.has(k)) return;
        sim.stops++;
        end(k, 'Failed', 143);
      },
      logs: async function* () {
        // No output: nothing runs.
      },
    },
  };
  return sim;
}

/**
 * Replaces the methods of the platform's driver instance (resolved once, shared by every
 * consumer) with the simulation's, before the app starts its controller. Local-only extras
 * (output and checkpoint directories, claims) are switched off: nothing runs on this machine.
 */
export function simulateOn(instance: object, sim: SimCluster): void {
  Object.assign(instance, sim.driver, {
    outputPath: undefined,
    checkpointPath: undefined,
    claimExists: undefined,
    deleteCheckpoints: undefined,
    deleteJobClaims: undefined,
    listJobClaims: undefined,
  });
}
