import { NodeState } from './cluster-state.js';
import { deviceEligible } from './filters.js';
import { MILLI_PER_GPU, WorkerRequest } from './model.js';
import { Rng } from './rng.js';
import { shareMilli } from './sharing.js';

/** Eligible devices that can take a share of `milli`, in index order. */
export function shareCandidates(node: NodeState, req: WorkerRequest, milli: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < node.gpuFree.length; i++) {
    if (node.gpuFree[i] >= shareMilli(node.spec.gpus[i], milli) && deviceEligible(node.spec, i, req)) out.push(i);
  }
  return out;
}

/**
 * The default device choice (the simulator's "best" selector): a share goes to the device
 * with the least room that still fits it; whole GPUs take the lowest free indexes.
 */
export function bestFitDevices(node: NodeState, req: WorkerRequest): number[] {
  const g = req.gpu;
  if (g.kind === 'none') return [];
  if (g.kind === 'share') {
    let best = -1;
    for (const i of shareCandidates(node, req, g.milli)) if (best < 0 || node.gpuFree[i] < node.gpuFree[best]) best = i;
    return best < 0 ? [] : [best];
  }
  if (g.kind === 'mig') {
    for (let i = 0; i < node.gpuFree.length; i++) {
      if (deviceEligible(node.spec, i, req) && (node.migFree[i]?.[g.profile] ?? 0) > 0) return [i];
    }
    return [];
  }
  const out: number[] = [];
  for (let i = 0; i < node.gpuFree.length && out.length < g.count; i++) {
    if (node.gpuFree[i] === MILLI_PER_GPU && deviceEligible(node.spec, i, req)) out.push(i);
  }
  return out.length === g.count ? out : [];
}

/** A share on a uniformly random fitting device (the Random baseline); otherwise as best fit. */
export function randomDevices(node: NodeState, req: WorkerRequest, rng: Rng): number[] {
  if (req.gpu.kind !== 'share') return bestFitDevices(node, req);
  const c = shareCandidates(node, req, req.gpu.milli);
  return c.length === 0 ? [] : [c[rng.int(c.length)]];
}
