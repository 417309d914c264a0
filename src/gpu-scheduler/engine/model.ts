// The engine's vocabulary. Plain data only: everything here can be built from a
// Kubernetes informer cache (the loop) or from a trace file (the bench).

/** 1000 milli-GPU is one whole device. */
export const MILLI_PER_GPU = 1000;

export type TaintEffect = 'NoSchedule' | 'PreferNoSchedule' | 'NoExecute';

export interface Taint {
  key: string;
  value?: string;
  effect: TaintEffect;
}

export interface Toleration {
  key?: string;
  operator?: 'Equal' | 'Exists';
  value?: string;
  effect?: TaintEffect;
}

/**
 * How the node's device plugin shares a GPU between pods (docs/gpu-nodes.md). Absent, the
 * share exists in Beamline's accounting only (the local driver, the simulator).
 * - `none`: the plugin hands out whole devices only; a fraction cannot be enforced there.
 * - `time-slicing`: `replicas` pods take turns on one GPU (no memory or compute isolation).
 * - `mps`: `replicas` pods run at once, each limited by the MPS daemon to 1/replicas of the
 *   memory and threads; the plugin gives a pod one replica, so a share above 1/replicas
 *   cannot be enforced.
 * A shared device is never handed out whole: the plugin would give a replica, not the device.
 */
export interface GpuSharing {
  mode: 'none' | 'time-slicing' | 'mps';
  replicas: number;
  /** The extended resource a pod asks one replica of: `nvidia.com/gpu`, or `nvidia.com/gpu.shared` when the plugin renames it. */
  resource?: string;
}

/** One physical GPU. A MIG-partitioned device lists its slices and offers no milli share. */
export interface GpuDeviceSpec {
  index: number;
  /** `nvidia.com/gpu.product`, e.g. "A100-SXM4-80GB". */
  product: string;
  memoryMiB: number;
  /** Slices per MIG profile (e.g. {"1g.10gb": 7}) when the device is partitioned. */
  mig?: Record<string, number>;
  sharing?: GpuSharing;
}

export interface NodeSpec {
  name: string;
  labels: Record<string, string>;
  taints: Taint[];
  cpuMilli: number;
  memoryMiB: number;
  gpus: GpuDeviceSpec[];
}

/** Exactly one of: nothing, whole devices, a share of one device, or one MIG slice. */
export type GpuRequest =
  | { kind: 'none' }
  | { kind: 'whole'; count: number }
  | { kind: 'share'; milli: number }
  | { kind: 'mig'; profile: string };

/** What one worker of a job asks for. A gang job asks for `workers` times this. */
export interface WorkerRequest {
  cpuMilli: number;
  memoryMiB: number;
  gpu: GpuRequest;
  /** Allowed GPU products; empty or absent means any. */
  products?: readonly string[];
  minGpuMemoryMiB?: number;
  nodeSelector?: Record<string, string>;
  tolerations?: readonly Toleration[];
  /** Nodes this job must not land on again (an earlier attempt lost them). */
  excludedNodes?: readonly string[];
}

/**
 * Where a gang's workers must (required) or should (preferred) be: inside one node, one NVLink
 * domain or one rack, read from node labels (engine/topology.ts; `label` overrides the key).
 */
export interface TopologySpec {
  scope: 'node' | 'nvlink' | 'rack';
  mode: 'required' | 'preferred';
  label?: string;
}

/** Node indexes to avoid (a Set, or a view that answers has() without listing them). */
export interface NodeIndexSet {
  readonly size: number;
  has(index: number): boolean;
}

export interface Job {
  id: string;
  workers: number;
  request: WorkerRequest;
  /** Absent: workers go wherever the policy puts them. */
  topology?: TopologySpec;
  priority: number;
  queue: string;
  project: string;
  /** Epoch milliseconds. */
  submittedAt: number;
}

/** Where one worker runs. `gpuMilli` is set for a fractional share, `migProfile` for a slice. */
export interface WorkerPlacement {
  node: string;
  gpuIndexes: number[];
  gpuMilli?: number;
  migProfile?: string;
  /** A share on a node that enforces it: the resource to ask one replica of (GpuSharing.resource). */
  sharedResource?: string;
}

export interface RunningJob {
  job: Job;
  workers: WorkerPlacement[];
  /** Epoch milliseconds when it was admitted. */
  startedAt: number;
  /** True when it was admitted on quota borrowed from its cohort. */
  borrowing: boolean;
  /** GPU product (flavor) its quota was charged to; absent for CPU-only jobs. */
  flavor?: string;
}

/** The immutable input of one scheduling cycle. */
export interface ClusterSnapshot {
  nodes: readonly NodeSpec[];
  running: readonly RunningJob[];
}

export interface Decision {
  jobId: string;
  workers: WorkerPlacement[];
  flavor?: string;
  borrowing: boolean;
}

export interface Preemption {
  jobId: string;
  /** The pending job this makes room for. */
  forJobId: string;
  reason: string;
}

export interface PendingJob {
  jobId: string;
  reason: string;
  /** No node of this cluster can ever run it as asked (hardware, not capacity or quota): waiting cannot help. */
  unschedulable?: boolean;
}

export interface ScheduleResult {
  decisions: Decision[];
  preemptions: Preemption[];
  pending: PendingJob[];
}

/** Number of devices and milli per device a request takes (MIG slices count as none). */
export function gpuShape(gpu: GpuRequest): { count: number; milli: number } {
  switch (gpu.kind) {
    case 'whole':
      return { count: gpu.count, milli: MILLI_PER_GPU };
    case 'share':
      return { count: 1, milli: gpu.milli };
    default:
      return { count: 0, milli: 0 };
  }
}

/** Total milli-GPU one worker takes. */
export function gpuMilliOf(gpu: GpuRequest): number {
  const s = gpuShape(gpu);
  return s.count * s.milli;
}

const keyCache = new WeakMap<WorkerRequest, string>();
const shapeIds = new Map<string, number>();
const idCache = new WeakMap<WorkerRequest, number>();

/** A small integer per distinct requestKey, so cached scores live in arrays, not string maps. */
export function shapeId(req: WorkerRequest): number {
  let id = idCache.get(req);
  if (id !== undefined) return id;
  const k = requestKey(req);
  id = shapeIds.get(k);
  if (id === undefined) {
    id = shapeIds.size;
    shapeIds.set(k, id);
  }
  idCache.set(req, id);
  return id;
}

/** A stable string for a request's shape and constraints: requests with equal keys score alike. */
export function requestKey(req: WorkerRequest): string {
  let k = keyCache.get(req);
  if (k !== undefined) return k;
  const g = req.gpu;
  const gpu = g.kind === 'whole' ? `w${g.count}` : g.kind === 'share' ? `s${g.milli}` : g.kind === 'mig' ? `m${g.profile}` : 'n';
  k = [
    req.cpuMilli,
    req.memoryMiB,
    gpu,
    (req.products ?? []).join('|'),
    req.minGpuMemoryMiB ?? 0,
    JSON.stringify(req.nodeSelector ?? {}),
    JSON.stringify(req.tolerations ?? []),
  ].join(';');
  keyCache.set(req, k);
  return k;
}
