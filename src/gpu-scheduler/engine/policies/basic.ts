import { NodeState } from '../cluster-state.js';
import { bestFitDevices, randomDevices, shareCandidates } from '../devices.js';
import { gpuMilliOf, MILLI_PER_GPU, WorkerRequest } from '../model.js';
import { Policy } from './policy.js';

// The simulator's normalisation constants for BestFit and DotProduct (its largest node).
const MAX_SPEC_CPU = 128_000;
const MAX_SPEC_GPU = 8_000;

/** The lowest-indexed node that fits; first fitting device. */
export const firstFit: Policy = {
  name: 'first-fit',
  tieBreak: 'first',
  score: () => 0,
  devices: (node, req) => {
    if (req.gpu.kind !== 'share') return bestFitDevices(node, req);
    return shareCandidates(node, req, req.gpu.milli).slice(0, 1);
  },
};

/**
 * BestFit as the FGD simulator scores it: the least CPU and GPU left after placing,
 * equally weighted, as an integer 0-100 (the integer rounding makes ties, broken at random).
 */
export const bestFit: Policy = {
  name: 'best-fit',
  tieBreak: 'first',
  score: (node, req) => {
    const left = ((node.cpuFree - req.cpuMilli) / MAX_SPEC_CPU) * 0.5 + ((node.gpuFreeTotal() - gpuMilliOf(req.gpu)) / MAX_SPEC_GPU) * 0.5;
    return Math.trunc((1 - left) * 100);
  },
  devices: (node, req) => bestFitDevices(node, req),
};

/**
 * GpuPacking as the simulator scores it: prefer topping up shared devices, then free devices
 * on used nodes, then untouched nodes. CPU-only requests score alike everywhere.
 */
export const gpuPacking: Policy = {
  name: 'gpu-packing',
  tieBreak: 'first',
  score: (node, req) => {
    if (req.gpu.kind === 'none' || req.gpu.kind === 'mig') return 0;
    const fullyFree = node.fullyFreeCount();
    if (fullyFree === node.gpuFree.length) return Math.max(33 - fullyFree, fullyFree);
    const milli = req.gpu.kind === 'share' ? req.gpu.milli : MILLI_PER_GPU;
    let want = req.gpu.kind === 'share' ? 1 : req.gpu.count;
    const order = node.gpuFree.map((_, i) => i).sort((a, b) => node.gpuFree[a] - node.gpuFree[b]);
    let freshUsed = 0;
    let leftOnUsed = 0;
    for (const i of order) {
      if (want === 0) break;
      if (node.gpuFree[i] < milli) continue;
      want--;
      if (node.gpuFree[i] === MILLI_PER_GPU) freshUsed++;
      leftOnUsed += Math.trunc((node.gpuFree[i] * 100) / MILLI_PER_GPU);
    }
    if (freshUsed > 0) return Math.max(50 - freshUsed, 33);
    return Math.max(100 - Math.trunc(leftOnUsed / 10), 50);
  },
  devices: (node, req) => bestFitDevices(node, req),
};

/**
 * Tetris-style alignment of free capacity and request (normalised by the largest node);
 * like the simulator it prefers the node where the dot product is smallest.
 */
export const dotProduct: Policy = {
  name: 'dot-product',
  tieBreak: 'first',
  score: (node, req) => {
    const dot =
      (node.cpuFree / MAX_SPEC_CPU) * (req.cpuMilli / MAX_SPEC_CPU) + (node.gpuFreeTotal() / MAX_SPEC_GPU) * (gpuMilliOf(req.gpu) / MAX_SPEC_GPU);
    return Math.trunc((1 - dot / 2) * 100);
  },
  devices: (node, req) => bestFitDevices(node, req),
};

/** Any fitting node, uniformly at random; a share on a random fitting device. */
export const random: Policy = {
  name: 'random',
  tieBreak: 'random',
  score: () => 0,
  devices: (node: NodeState, req: WorkerRequest, rng) => randomDevices(node, req, rng),
};
