import { NodeState } from '../cluster-state.js';
import { bestFitDevices, shareCandidates } from '../devices.js';
import { deviceEligible } from '../filters.js';
import { TargetWorkload } from '../fragmentation.js';
import { MILLI_PER_GPU, WorkerRequest } from '../model.js';
import { Policy } from './policy.js';

export interface Option {
  score: number;
  devices: number[];
}

const sigmoid = (x: number): number => 1 / (1 + Math.exp(-x));

/**
 * Fragmentation Gradient Descent (Weng et al., ATC'23): place where the node's expected
 * fragmentation against the target workload grows least, trying every device for a share.
 * `quantize` reproduces the simulator's integer score int(100 * sigmoid(-Δfrag / 1000)),
 * whose ties go to the lowest-named node as in the simulator's selectHost; without it the raw Δfrag decides.
 */
export class FgdPolicy implements Policy {
  readonly tieBreak = 'first' as const;
  private scratch: number[] = [];

  constructor(
    readonly workload: TargetWorkload,
    readonly name = 'fgd',
    private readonly quantize = true,
    private readonly bucket = 0,
    private readonly secondary: 'none' | 'gpu-left' | 'cpu-left' | 'both' = 'none',
  ) {}

  score(node: NodeState, req: WorkerRequest): number {
    return this.best(node, req).score;
  }

  devices(node: NodeState, req: WorkerRequest): number[] {
    return this.best(node, req).devices;
  }

  /** Frag decrease (negative: growth) for each way of placing on this node; the best one. */
  best(node: NodeState, req: WorkerRequest): Option {
    const before = this.workload.nodeFrag(node);
    const g = req.gpu;
    const cpuAfter = node.cpuFree - req.cpuMilli;
    const s = this.copy(node);
    if (g.kind === 'share') {
      let best: Option = { score: -Infinity, devices: [] };
      for (const i of shareCandidates(node, req, g.milli)) {
        s[i] -= g.milli;
        const score = this.toScore(before - this.workload.fragOf(node, cpuAfter, s));
        s[i] += g.milli;
        if (score > best.score) best = { score, devices: [i] };
      }
      return best;
    }
    const devices = g.kind === 'whole' ? this.exclusive(node, req, g.count) : g.kind === 'mig' ? bestFitDevices(node, req) : [];
    if (g.kind === 'whole') for (const i of devices) s[i] = 0;
    return { score: this.toScore(before - this.workload.fragOf(node, cpuAfter, s)), devices };
  }

  private exclusive(node: NodeState, req: WorkerRequest, count: number): number[] {
    const out: number[] = [];
    for (let i = 0; i < node.gpuFree.length && out.length < count; i++) {
      if (node.gpuFree[i] === MILLI_PER_GPU && deviceEligible(node.spec, i, req)) out.push(i);
    }
    return out;
  }

  private copy(node: NodeState): number[] {
    const s = this.scratch;
    s.length = node.gpuFree.length;
    for (let i = 0; i < s.length; i++) s[i] = node.gpuFree[i];
    return s;
  }

  private toScore(decrease: number): number {
    if (this.quantize) return Math.trunc(sigmoid(decrease / 1000) * 100);
    return this.bucket > 0 ? Math.floor(decrease / this.bucket) : decrease;
  }
}
