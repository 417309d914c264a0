import { GpuDeviceSpec, GpuRequest, MILLI_PER_GPU } from './model.js';

/** Milli-GPU of one replica of a shared device (333 for three replicas: never more than the device). */
export const replicaMilli = (d: GpuDeviceSpec): number => Math.floor(MILLI_PER_GPU / Math.max(1, d.sharing?.replicas ?? 1));

const shares = (d: GpuDeviceSpec): boolean => d.sharing?.mode === 'time-slicing' || d.sharing?.mode === 'mps';

/**
 * What a share of `milli` takes from device d: on a shared device, whole replicas (0.3 of a
 * GPU split four ways is 2 replicas, 500m), because the plugin counts replicas; elsewhere
 * exactly `milli`. Accounting a time-sliced share as more replicas than the pod asks for
 * (it asks for one) only leaves room unused, never over-commits the plugin.
 */
export function shareMilli(d: GpuDeviceSpec, milli: number): number {
  if (!shares(d)) return milli;
  const slot = replicaMilli(d);
  return Math.ceil(milli / slot) * slot;
}

/** Whether the device's sharing mode lets it serve this kind of request (capacity aside). */
export function sharingAllows(d: GpuDeviceSpec, gpu: GpuRequest): boolean {
  if (!d.sharing) return true;
  if (gpu.kind === 'share') return shares(d) && (d.sharing.mode !== 'mps' || gpu.milli <= replicaMilli(d));
  if (gpu.kind === 'whole' || gpu.kind === 'mig') return !shares(d);
  return true;
}

/**
 * Why none of `matching` (the devices of the right product and memory, sharing aside) can
 * take the request because of how their nodes share GPUs; null when sharing is not why.
 */
export function sharingReason(matching: readonly GpuDeviceSpec[], gpu: GpuRequest): string | null {
  if (matching.length === 0 || matching.some((d) => !d.sharing || sharingAllows(d, gpu))) return null;
  if (gpu.kind === 'whole' || gpu.kind === 'mig') {
    return 'every such node shares its GPUs (time-slicing or MPS): a whole GPU or MIG slice needs a node pool without sharing';
  }
  if (gpu.kind !== 'share') return null;
  const mps = matching.filter((d) => d.sharing!.mode === 'mps');
  if (mps.length === 0) {
    return `no node shares its GPUs: a fraction (${gpu.milli}m) needs a node pool with time-slicing or MPS (docs/gpu-nodes.md), or ask for a whole GPU`;
  }
  const largest = Math.max(...mps.map(replicaMilli));
  return `MPS splits each GPU here into replicas of at most ${largest}m: a share of ${gpu.milli}m cannot be enforced; ask for ${largest}m or less, or a whole GPU`;
}
