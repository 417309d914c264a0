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

export interface FgdOptions {
  /** Count a shape as unable to fit when the node lacks its (mean) memory too. */
  memoryAware?: boolean;
  /** CPU-only requests go where they strand the fewest free GPUs. */
  steerCpuOnly?: boolean;
}

const sigmoid = (x: number): number => 1 / (1 + Math.exp(-x));

/**
 * Fragmentation Gradient Descent (Weng et al., ATC'23): place where the node's expected
 * fragmentation against the target workload grows least, trying every device for a share.
 * Scores are the simulator's int(100 * sigmoid(-Δfrag / 1000)); ties go to the lowest-named
 * node as in the simulator's selectHost. The options are Beamline's additions (fgd-plus).
 */
export class FgdPolicy implements Policy {
  readonly tieBreak = 'first' as const;
  private scratch: number[] = [];

  constructor(
    readonly workload: TargetWorkload,
    readonly name = 'fgd',
    private readonly opts: FgdOptions = {},
  ) {}

  score(node: NodeState, req: WorkerRequest): number {
    return this.best(node, req).score;
  }

  devices(node: NodeState, req: WorkerRequest): number[] {
    return this.best(node, req).devices;
  }

  /** Frag decrease (negative: growth) for each way of placing on this node; the best one. */
  best(node: NodeState, req: WorkerRequest): Option {
    if (this.opts.steerCpuOnly && req.gpu.kind === 'none') return { score: this.steer(node, req), devices: [] };
    const mem = this.opts.memoryAware === true;
    const before = this.workload.nodeFrag(node, mem);
    const g = req.gpu;
    const cpuAfter = node.cpuFree - req.cpuMilli;
    const memAfter = mem ? node.memFree - req.memoryMiB : Infinity;
    const s = this.copy(node);
    if (g.kind === 'share') {
      let best: Option = { score: -Infinity, devices: [] };
      for (const i of shareCandidates(node, req, g.milli)) {
        s[i] -= g.milli;
        const score = this.toScore(before - this.workload.fragOf(node, cpuAfter, s, memAfter));
        s[i] += g.milli;
        if (score > best.score) best = { score, devices: [i] };
      }
      return best;
    }
    const devices = g.kind === 'whole' ? this.exclusive(node, req, g.count) : g.kind === 'mig' ? bestFitDevices(node, req) : [];
    if (g.kind === 'whole') for (const i of devices) s[i] = 0;
    return { score: this.toScore(before - this.workload.fragOf(node, cpuAfter, s, memAfter)), devices };
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

  /**
   * The simulator's integer score. Its coarseness matters: near-equal fragmentation deltas
   * tie and go to the lowest-named node, which packs. Measured: the raw delta without this
   * rounding loses about 2.5 points of allocation on the default trace.
   */
  private toScore(decrease: number): number {
    return Math.trunc(sigmoid(decrease / 1000) * 100);
  }

  /**
   * For a CPU-only request: the free GPU milli per core it would leave behind, negated, so the
   * node whose free GPUs need its CPU least wins (nodes without free GPUs first).
   */
  private steer(node: NodeState, req: WorkerRequest): number {
    const gpuFree = node.gpuFreeTotal();
    const cpuAfter = node.cpuFree - req.cpuMilli;
    return -gpuFree / (cpuAfter + 1000);
  }
}
