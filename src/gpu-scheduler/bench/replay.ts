import { ClusterState } from '../engine/cluster-state.js';
import { TargetWorkload } from '../engine/fragmentation.js';
import { NodeSpec } from '../engine/model.js';
import { placeWorker } from '../engine/placement.js';
import { createPolicy } from '../engine/policies/index.js';
import { createRng } from '../engine/rng.js';
import { allocationAt, arrivalOrder, Sample } from './protocol.js';
import { TracePod } from './trace.js';

export interface ReplayResult {
  seed: number;
  allocAt100: number;
  allocAt130: number;
  arrivals: number;
  placed: number;
  /** Wall time of the placement loop only (no parsing, no sampling). */
  seconds: number;
  /** Per-arrival decision times in microseconds. */
  micros: Float64Array;
  /** True if any device ever held more than 1000 milli or a node more than its CPU/memory. */
  overcommitted: boolean;
  finalAllocPercent: number;
}

/**
 * One seed of the simulator's protocol: arrival order, then every pod placed once, in
 * order, never moved or removed; a pod that does not fit stays unplaced. The target
 * workload for fragmentation is the original trace (before tuning), as in the simulator.
 */
export interface ReplayOptions {
  /** Stop after this many arrivals. */
  maxArrivals?: number;
  /** Inflate demand past 130 % until there are at least this many arrivals (the scale runs); the first 130 % are unchanged. */
  minArrivals?: number;
  /** Scan every node group per decision (the speed baseline) instead of the per-shape index. */
  scanAll?: boolean;
}

export function replay(nodes: readonly NodeSpec[], pods: readonly TracePod[], policyName: string, seed: number, opts: ReplayOptions = {}): ReplayResult {
  const state = new ClusterState(nodes);
  state.scanAll = opts.scanAll === true;
  const capacity = state.totalGpuMilli;
  let ratio = 1.3;
  let order = arrivalOrder(pods, capacity, seed, ratio);
  // Same seed, larger ratio: the shuffle and the draws so far repeat, so the prefix is the 130 % order.
  while (opts.minArrivals !== undefined && order.length < opts.minArrivals) order = arrivalOrder(pods, capacity, seed, (ratio *= 2));
  order = order.slice(0, opts.maxArrivals ?? Infinity);
  const policy = createPolicy(policyName, TargetWorkload.fromRequests(pods.map((p) => p.request)));
  // The tie-breaking stream is separate from the ordering stream, so every policy sees the same arrivals.
  const rng = createRng(seed * 7919 + 1);
  const samples: Sample[] = new Array(order.length);
  const micros = new Float64Array(order.length);
  let arrived = 0;
  let placed = 0;
  const start = process.hrtime.bigint();
  let last = start;
  for (let i = 0; i < order.length; i++) {
    const pod = order[i];
    arrived += pod.totalMilli;
    if (placeWorker(state, pod.request, policy, rng)) placed++;
    const now = process.hrtime.bigint();
    micros[i] = Number(now - last) / 1000;
    last = now;
    samples[i] = { arrivedMilli: arrived, allocatedMilli: state.usedGpuMilli };
  }
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  const overcommitted = state.nodes.some((n) => n.cpuFree < 0 || n.memFree < 0 || n.gpuFree.some((f) => f < 0 || f > 1000));
  return {
    seed,
    allocAt100: allocationAt(samples, capacity, 100),
    allocAt130: allocationAt(samples, capacity, 130),
    arrivals: order.length,
    placed,
    seconds,
    micros,
    overcommitted,
    finalAllocPercent: (state.usedGpuMilli / capacity) * 100,
  };
}

export function percentile(values: Float64Array, p: number): number {
  if (values.length === 0) return NaN;
  const sorted = Float64Array.from(values).sort();
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}
