import type { WorkloadSpec } from '../cluster-driver.js';
import type { WorkerPlacement } from '../../gpu-scheduler/engine/model.js';
import { ANNOTATION, GPU_RESOURCE, MIG_RESOURCE_PREFIX } from './k8s-names.js';

/** What one worker pod asks of the node's GPUs: extended-resource limits, annotations, env. */
export interface PodGpuRequest {
  limits: Record<string, string>;
  annotations: Record<string, string>;
  env: Record<string, string>;
}

/**
 * How a worker's GPUs appear in its pod spec, done the way NVIDIA's device plugin and
 * container toolkit expect (docs/gpu-nodes.md says what a node needs and what is enforced):
 *
 * 1. Whole GPUs: `nvidia.com/gpu: <n>` and nothing else. The device plugin picks the
 *    devices and the toolkit makes exactly those visible, renumbered from 0 inside the
 *    container; a CUDA_VISIBLE_DEVICES with the host index (e.g. 3) would hide them.
 *    Beamline's node choice is enforced by binding; its index choice is only advisory
 *    (`beamline.dev/gpu-indexes`: the inventory's bookkeeping, not what the plugin hands out).
 * 2. A MIG slice: `nvidia.com/mig-<profile>: 1` (mixed strategy), no visibility env either:
 *    the plugin picks the slice and the toolkit exposes it as the container's only device.
 * 3. A fractional share on a node that shares GPUs (time-slicing or MPS, see GpuSharing):
 *    one replica of the plugin's shared resource (`nvidia.com/gpu` or `nvidia.com/gpu.shared`),
 *    which the plugin counts, so neither Beamline nor kube-scheduler can over-commit the node;
 *    under MPS the daemon also limits the pod's memory and threads to 1/replicas. The
 *    scheduler places shares only on such nodes (engine/sharing.ts).
 * 4. A share placed before sharing modes existed (no `sharedResource`, recorded by an older
 *    controller): pinned with NVIDIA_VISIBLE_DEVICES as then, which the toolkit honours only in
 *    its legacy envvar mode, and nothing enforces the share.
 */
export function podGpuRequest(spec: WorkloadSpec, placement: WorkerPlacement): PodGpuRequest {
  const limits: Record<string, string> = {};
  const annotations: Record<string, string> = { [ANNOTATION.gpuIndexes]: placement.gpuIndexes.join(',') };
  const env: Record<string, string> = {};
  const mig = placement.migProfile ?? spec.migProfile;
  if (spec.gpuCount > 0) limits[GPU_RESOURCE] = String(spec.gpuCount);
  if (mig) {
    limits[`${MIG_RESOURCE_PREFIX}${mig}`] = '1';
    annotations[ANNOTATION.migProfile] = mig;
  }
  if (!mig && spec.gpuCount === 0 && placement.sharedResource) {
    limits[placement.sharedResource] = '1';
  } else if (!mig && spec.gpuCount === 0 && placement.gpuMilli !== undefined && placement.gpuIndexes.length > 0) {
    env.NVIDIA_VISIBLE_DEVICES = placement.gpuIndexes.join(',');
  }
  if (placement.gpuMilli !== undefined) annotations[ANNOTATION.gpuMilli] = String(placement.gpuMilli);
  return { limits, annotations, env };
}
