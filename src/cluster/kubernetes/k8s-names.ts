import { createHash } from 'node:crypto';

/** Labels and annotations Beamline puts on (and reads from) its Kubernetes objects. */
export const LABEL = {
  managedBy: 'app.kubernetes.io/managed-by',
  project: 'beamline.dev/project',
  job: 'beamline.dev/training-job',
  attempt: 'beamline.dev/attempt',
  worker: 'beamline.dev/worker',
} as const;
export const MANAGED_BY = 'beamline';

export const ANNOTATION = {
  /**
   * Comma-separated device indexes on the node Beamline's scheduler counted, e.g. "0,3".
   * Advisory for whole GPUs, MIG slices and shared replicas (the device plugin picks what it
   * hands out); only a share placed by a controller older than the sharing modes is pinned
   * with NVIDIA_VISIBLE_DEVICES (k8s-gpu-devices.ts).
   */
  gpuIndexes: 'beamline.dev/gpu-indexes',
  /** Milli-GPU of a fractional share (absent for whole devices). */
  gpuMilli: 'beamline.dev/gpu-milli',
  migProfile: 'beamline.dev/mig-profile',
  /** The job id as given (labels may have had to shorten it). */
  jobId: 'beamline.dev/training-job-id',
} as const;

/** Resource names of NVIDIA's device plugin (mixed MIG strategy) and GFD's labels. */
export const GPU_RESOURCE = 'nvidia.com/gpu';
export const MIG_RESOURCE_PREFIX = 'nvidia.com/mig-';
export const GFD = {
  product: 'nvidia.com/gpu.product',
  memory: 'nvidia.com/gpu.memory',
  count: 'nvidia.com/gpu.count',
  /** Set by GFD when the device plugin shares GPUs: `time-slicing`, `mps` (or `none`). */
  sharingStrategy: 'nvidia.com/gpu.sharing-strategy',
  /** Pods per GPU under that sharing. */
  replicas: 'nvidia.com/gpu.replicas',
} as const;
/** The resource a sharing device plugin advertises instead of nvidia.com/gpu when it renames (`renameByDefault`). */
export const SHARED_GPU_RESOURCE = 'nvidia.com/gpu.shared';
/**
 * A lab's own statement of a node pool's sharing mode (`none`, `time-slicing`, `mps`), which
 * wins over GFD's label: for pools whose plugin config GFD does not report.
 */
export const SHARING_LABEL = 'beamline.dev/gpu-sharing';

export const SCHEDULER_NAME = 'beamline-gpu-scheduler';
export const WORKER_CONTAINER = 'worker';
export const MASTER_PORT = 29500;

const short = (s: string) => createHash('sha256').update(s).digest('hex').slice(0, 8);

/**
 * A DNS-1123 label (lowercase alphanumerics and '-', starting with a letter so it is also
 * a valid Service name, at most `max` chars). Anything that had to change gets a hash
 * suffix, so two different inputs never map to the same name.
 */
export function dnsLabel(s: string, max = 63): string {
  let out = s.toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/^-+|-+$/g, '');
  if (!/^[a-z]/.test(out)) out = `x${out}`;
  if (out === s && out.length <= max) return out;
  out = out.slice(0, max - 9).replace(/-+$/, '');
  return `${out}-${short(s)}`;
}

/** A valid label value (<= 63 chars of [A-Za-z0-9._-], alphanumeric at both ends). */
export function labelValue(s: string): string {
  const ok = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
  if (s.length <= 63 && ok.test(s)) return s;
  const cleaned = s.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^[^A-Za-z0-9]+|[^A-Za-z0-9]+$/g, '').slice(0, 54);
  return `${cleaned}${cleaned ? '-' : ''}${short(s)}`;
}

/** Deterministic names make create idempotent: a repeated create meets AlreadyExists. */
export function workloadBaseName(jobId: string, attempt: number): string {
  return dnsLabel(`bl-${jobId}-a${attempt}`, 55);
}
export const podName = (jobId: string, attempt: number, worker: number) => `${workloadBaseName(jobId, attempt)}-w${worker}`;
export const serviceName = (jobId: string, attempt: number) => workloadBaseName(jobId, attempt);

/** Selector of a job's objects (one attempt, or all of them). */
export function workloadSelector(jobId: string, attempt?: number): string {
  const parts = [`${LABEL.managedBy}=${MANAGED_BY}`, `${LABEL.job}=${labelValue(jobId)}`];
  if (attempt !== undefined) parts.push(`${LABEL.attempt}=${attempt}`);
  return parts.join(',');
}
