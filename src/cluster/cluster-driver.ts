import type { NodeSpec, WorkerPlacement } from '../gpu-scheduler/engine/model.js';
import type { VolumeSpec } from '../training/training-volumes.js';

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
  /**
   * Kubernetes only: the workloads of one scheduling cycle in batches (every object of every
   * workload first, then every binding), each API call paced by `options.pacer`. Same
   * guarantees as createWorkload for each workload, which succeeds or fails on its own: the
   * answer has one outcome per spec, in order; it never rejects for one workload's failure.
   */
  createWorkloads?(specs: WorkloadSpec[], options: BatchOptions): Promise<WorkloadOutcome[]>;
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
  /** Local driver only: the job's checkpoint directory on this machine, so the controller can find checkpoints written without the SDK. */
  checkpointPath?(jobId: string): string;
  /** Whether a volume claim exists (Kubernetes: a PVC in the jobs' namespace; local: a directory under <home>/volumes). */
  claimExists?(name: string): Promise<boolean>;
  /** Releases the job's checkpoint storage (Kubernetes: deletes its PVC). Idempotent. */
  deleteCheckpoints?(jobId: string): Promise<void>;
  /** Kubernetes only: whether a StorageClass exists; undefined when the driver may not ask (RBAC). */
  storageClassExists?(name: string): Promise<boolean | undefined>;
  /**
   * Deletes claims a job made for itself (`newClaim` volumes, named by jobClaimName):
   * Kubernetes PVCs, local directories under <home>/volumes. Idempotent.
   */
  deleteJobClaims?(jobId: string, claims: string[]): Promise<void>;
  /** The claims jobs made for themselves that exist now (from the cache, or a directory listing on the local driver). */
  listJobClaims?(): JobClaim[];
  /**
   * The output of one worker as text, newlines included; with follow, keeps yielding until
   * the worker ends. Throws LogSourceGone, before yielding anything, when the cluster no
   * longer has that log (pod deleted, worker directory removed): the archive has it then.
   */
  logs(jobId: string, attempt: number, worker: number, options: { follow: boolean; signal?: AbortSignal }): AsyncIterable<string>;
}

/**
 * How a batch spends API calls: `forEach` runs a step per item with as many in flight as the
 * API server takes now; `call` makes one idempotent call, repeating it after a throttle (429)
 * as the pacer decides, and throws its last error.
 */
export interface ApiPacer {
  forEach<T>(items: readonly T[], fn: (item: T) => Promise<void>): Promise<void>;
  call<T>(fn: () => Promise<T>): Promise<T>;
}

export interface BatchOptions {
  pacer: ApiPacer;
  /** Called once per workload when its last worker is bound (benchmarks, metrics). */
  onBound?: (spec: WorkloadSpec) => void;
}

/**
 * `bound`: every worker exists and is bound to its planned node. `throttled`: the API server
 * kept answering 429 past the pacer's retries; what was made stays (the reconciler makes the
 * rest idempotently). `failed`: refused for another reason; the attempt's pods and services,
 * and the claims this call made, were deleted: nothing is left half-made.
 */
export type WorkloadOutcome = { spec: WorkloadSpec; outcome: 'bound' } | { spec: WorkloadSpec; outcome: 'throttled' | 'failed'; error: Error };

/** A claim a job made for itself (a `newClaim` volume), as the driver finds it. */
export interface JobClaim {
  jobId: string;
  claim: string;
}

/** The live log of a worker no longer exists in the cluster (issue 15: readers fall back to the archive). */
export class LogSourceGone extends Error {
  constructor(what: string) {
    super(`the log of ${what} is gone from the cluster`);
    this.name = 'LogSourceGone';
  }
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
  /**
   * Claims, scratch space, datasets and the job's own new claims mounted into every worker
   * (validated by the API). A new claim is made by createWorkload before any worker, if it
   * is not there yet, and outlives the attempt (deleteJobClaims removes it).
   */
  volumes?: VolumeSpec[];
  /** Where the job keeps checkpoints across attempts, and which one this attempt resumes from (issue 15). */
  checkpoint?: CheckpointSpec;
}

export interface CheckpointSpec {
  /** `step-<n>`, relative to the checkpoint directory: the last complete checkpoint; absent, start afresh. */
  resumeFrom?: string;
  /** How many complete checkpoints the job keeps (the SDK deletes older ones). */
  keep: number;
  /** Kubernetes: a per-job PVC from this StorageClass. Unset: an emptyDir, which no later attempt sees. */
  storageClass?: string;
  /** Kubernetes: the size the per-job PVC asks for, a quantity such as '10Gi'. */
  size: string;
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
 * The checkpoint contract's env (issue 15): BEAMLINE_CHECKPOINT_DIR is `dir` (what the
 * driver mounts or creates there); BEAMLINE_RESUME_FROM the last complete checkpoint in it,
 * or empty, always set so a script can test it without a default. `resumable` false: the
 * storage does not outlive an attempt, so no earlier checkpoint can be there to offer.
 */
export function checkpointEnv(spec: WorkloadSpec, dir: string, resumable = true): Record<string, string> {
  const cp = spec.checkpoint;
  if (!cp) return {};
  const from = resumable && cp.resumeFrom ? `${dir.replace(/\/+$/, '')}/${cp.resumeFrom}` : '';
  return { BEAMLINE_CHECKPOINT_DIR: dir, BEAMLINE_RESUME_FROM: from, BEAMLINE_CHECKPOINT_KEEP: String(cp.keep) };
}

/** Where a worker finds volume `name` (both drivers): BEAMLINE_VOLUME_<NAME>, dashes as underscores. */
export const volumeEnvName = (name: string) => `BEAMLINE_VOLUME_${name.toUpperCase().replace(/-/g, '_')}`;

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
