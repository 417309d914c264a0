import type { NodeSpec, WorkerPlacement } from '../gpu-scheduler/engine/model.js';

/**
 * The port between Beamline and a cluster. Two adapters: `kubernetes`
 * (src/cluster/kubernetes, @kubernetes/client-node informers + Binding API) and
 * `local` (src/cluster/local, child processes on this machine).
 *
 * Rules for every adapter:
 * - reads (`inventory`, `workloads`) come from a cache kept current by watches, never by
 *   polling the API per call; `onChange` fires after the cache changed;
 * - writes are idempotent: creating a workload that exists, or deleting one that is gone,
 *   succeeds without effect, so a controller restart may repeat any of them;
 * - a workload is identified by (jobId, attempt); each retry of a job is a new attempt.
 */
export interface ClusterDriver {
  readonly kind: 'kubernetes' | 'local';
  /** Starts the watches and resolves once the caches are filled. */
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Nodes with their GPU devices, and every GPU allocation on them (also by pods Beamline did not create). */
  inventory(): ClusterInventory;
  /** Beamline-managed workloads as last observed. */
  workloads(): WorkloadStatus[];
  onChange(listener: () => void): () => void;
  /** Creates the workers of one attempt bound to the nodes/devices the scheduler chose. */
  createWorkload(spec: WorkloadSpec): Promise<void>;
  /** Deletes every worker of the job (all attempts when `attempt` is omitted). */
  deleteWorkload(jobId: string, attempt?: number): Promise<void>;
  /**
   * Stops one attempt gracefully (preemption): SIGTERM now, SIGKILL at `deadline` for any
   * worker still running. Returns at once; until a worker has really stopped it stays in
   * `workloads()`, marked `terminating`, so its devices are not offered to anyone else.
   * Idempotent: a repeat (after a controller restart) neither signals twice nor moves the deadline.
   */
  stopWorkload(jobId: string, attempt: number, deadline: Date): Promise<void>;
  /**
   * Local driver only: the directory on this machine that the workers' BEAMLINE_OUTPUT_DIR
   * points at, so the controller can register `model.onnx` from it. Other drivers leave
   * it out; their training code uploads through the SDK instead.
   */
  outputPath?(jobId: string, attempt: number): string | undefined;
  /** Log lines of one worker; with follow, keeps yielding until the worker ends. */
  logs(jobId: string, attempt: number, worker: number, options: { follow: boolean; signal?: AbortSignal }): AsyncIterable<string>;
}

export interface ClusterInventory {
  nodes: NodeSpec[];
  /** GPU use the driver sees that Beamline's records do not hold: foreign pods. */
  foreign: ForeignAllocation[];
}

export interface ForeignAllocation {
  /** `namespace/pod` */
  owner: string;
  placement: WorkerPlacement;
  cpuMilli: number;
  memoryMiB: number;
}

export interface WorkloadSpec {
  jobId: string;
  attempt: number;
  project: string;
  name: string;
  image: string;
  command: string[];
  args: string[];
  env: Record<string, string>;
  /**
   * Env whose values must not sit in plain object specs (the job's API token): the
   * kubernetes driver puts them in a Secret owned by the attempt's first pod; local sets them like env.
   */
  secretEnv?: Record<string, string>;
  /** Relative to the worker's own directory, which it may not leave (local: under <home>/jobs, kubernetes: /workspace). */
  workingDir?: string;
  /** Kubernetes: the pod's uid/gid; unset, JOB_UID (1000). Not settable through the API yet. */
  runAsUser?: number;
  cpuMilli: number;
  memoryMiB: number;
  /** Whole GPUs per worker, for the `nvidia.com/gpu` limit (0 for shares, MIG and CPU-only). */
  gpuCount: number;
  migProfile?: string;
  /** One placement per worker; the index is the worker's rank. */
  workers: WorkerPlacement[];
}

/** `Unknown`: the node stopped reporting (Kubernetes), so nothing is known of the worker. */
export type WorkerPhase = 'Pending' | 'Running' | 'Succeeded' | 'Failed' | 'Unknown';

export interface WorkerStatus {
  index: number;
  node: string;
  phase: WorkerPhase;
  exitCode?: number;
  /** Container restarts the node reports, summed over the worker's containers. */
  restarts: number;
  /** Why it is not running or ended, e.g. `ImagePullBackOff: Back-off pulling image "x"`. */
  message?: string;
  /** Being deleted (evicted, drained, deleted by hand): as good as gone. */
  terminating?: boolean;
}

export interface WorkloadStatus {
  jobId: string;
  attempt: number;
  workers: WorkerStatus[];
}

/** Nest injection token for the configured driver. */
export const CLUSTER_DRIVER = Symbol('CLUSTER_DRIVER');

/**
 * The env every worker gets, so distributed trainers find each other (torchrun's names);
 * secretEnv only when asked. No device visibility: what a worker may see depends on how
 * it runs (hostDeviceEnv for a process on the host; on Kubernetes the device plugin
 * decides, see k8s-gpu-devices.ts).
 */
export function workerEnv(spec: WorkloadSpec, index: number, masterAddr: string, masterPort = 29500, withSecrets = true): Record<string, string> {
  const placement = spec.workers[index];
  const env: Record<string, string> = {
    ...spec.env,
    ...(withSecrets ? spec.secretEnv : {}),
    BEAMLINE_TRAINING_JOB: spec.jobId,
    BEAMLINE_PROJECT: spec.project,
    BEAMLINE_ATTEMPT: String(spec.attempt),
    WORLD_SIZE: String(spec.workers.length),
    RANK: String(index),
    MASTER_ADDR: masterAddr,
    MASTER_PORT: String(masterPort),
  };
  if (placement.gpuMilli !== undefined) env.BEAMLINE_GPU_MILLI = String(placement.gpuMilli);
  return env;
}

/**
 * Device visibility of a worker that runs as a plain process on the host (local driver):
 * there the host's device indexes are the ones CUDA enumerates, so the chosen ones are
 * what it may see. Never for a container: inside one the runtime renumbers from 0.
 */
export function hostDeviceEnv(placement: WorkerPlacement): Record<string, string> {
  if (placement.gpuIndexes.length === 0 || placement.migProfile) return {};
  const indexes = placement.gpuIndexes.join(',');
  return { NVIDIA_VISIBLE_DEVICES: indexes, CUDA_VISIBLE_DEVICES: indexes };
}
