import { NodeState } from './cluster-state.js';
import { gpuShape, MILLI_PER_GPU, WorkerRequest } from './model.js';

/** One request shape of the target workload and how likely it is to arrive next. */
export interface TargetShape {
  cpuMilli: number;
  /** Devices wanted (0 for CPU-only). */
  count: number;
  /** Milli per device (1000 for whole GPUs). */
  milli: number;
  products?: readonly string[];
  /** Mean memory of the requests with this shape (used only when memory-aware). */
  memoryMiB: number;
  weight: number;
}

/**
 * The distribution of request shapes that fragmentation is measured against (FGD's "target
 * workload"). Built as the simulator does: count shapes (CPU, GPU count, milli per GPU,
 * allowed products; memory is ignored), keep the most popular ones until they cover
 * `popularity` of all requests, and renormalise their weights to sum to 1.
 */
export class TargetWorkload {
  private readonly access = new Map<string, boolean[]>();
  private readonly fitting: number[] = [];

  constructor(readonly shapes: readonly TargetShape[]) {}

  static fromRequests(requests: Iterable<WorkerRequest>, popularity = 0.95): TargetWorkload {
    const counts = new Map<string, { shape: Omit<TargetShape, 'weight'>; n: number; mem: number }>();
    let total = 0;
    for (const r of requests) {
      if (r.gpu.kind === 'mig') continue;
      const { count, milli } = gpuShape(r.gpu);
      const products = r.products && r.products.length > 0 ? r.products : undefined;
      const key = `${r.cpuMilli}/${count}/${milli}/${(products ?? []).join('|')}`;
      const c = counts.get(key);
      if (c) {
        c.n++;
        c.mem += r.memoryMiB;
      } else counts.set(key, { shape: { cpuMilli: r.cpuMilli, count, milli, products, memoryMiB: 0 }, n: 1, mem: r.memoryMiB });
      total++;
    }
    // Most popular first; ties go to the larger shape, as the simulator's reversed sort does.
    const sorted = [...counts.values()].sort(
      (a, b) =>
        b.n - a.n ||
        b.shape.cpuMilli - a.shape.cpuMilli ||
        b.shape.milli - a.shape.milli ||
        b.shape.count - a.shape.count ||
        (b.shape.products ?? []).join('|').localeCompare((a.shape.products ?? []).join('|')),
    );
    const kept: typeof sorted = [];
    let covered = 0;
    for (const s of sorted) {
      if (covered >= popularity * total) break;
      kept.push(s);
      covered += s.n;
    }
    return new TargetWorkload(kept.map((s) => ({ ...s.shape, memoryMiB: s.mem / s.n, weight: s.n / covered })));
  }

  /** Per shape: does the node have a device of an allowed product at all (cached per node class). */
  private accessFor(node: NodeState): boolean[] {
    let a = this.access.get(node.staticKey);
    if (!a) {
      const products = new Set(node.spec.gpus.filter((g) => !g.mig).map((g) => g.product));
      a = this.shapes.map((s) => !s.products || s.products.some((p) => products.has(p)));
      this.access.set(node.staticKey, a);
    }
    return a;
  }

  /**
   * Expected GPU milli that the next request cannot use on this node, for a hypothetical
   * free CPU and per-device free milli. For each shape: if the node cannot host it at all
   * (CPU, device count or product), every free milli is fragment; if it can, the free milli
   * on devices too small for one unit of it is.
   * With `strandedWeight` > 0 (fgd-plus-cpu), a share shape also counts what the node's CPU
   * (and memory, when given) cannot serve: with CPU for only k more pods of that shape, only
   * the k largest devices that fit it are usable to it, and the free milli on the others
   * counts as fragment with that weight (1: fully).
   */
  fragOf(node: NodeState, cpuFree: number, gpuFree: ArrayLike<number>, memFree = Infinity, strandedWeight = 0): number {
    const access = this.accessFor(node);
    let total = 0;
    for (let i = 0; i < gpuFree.length; i++) total += gpuFree[i];
    if (total === 0) return 0;
    let frag = 0;
    const shapes = this.shapes;
    for (let s = 0; s < shapes.length; s++) {
      const shape = shapes[s];
      if (shape.milli === 0 || !access[s] || cpuFree < shape.cpuMilli || memFree < shape.memoryMiB) {
        frag += shape.weight * total;
        continue;
      }
      let fitting = 0;
      let small = 0;
      for (let i = 0; i < gpuFree.length; i++) {
        if (gpuFree[i] >= shape.milli) fitting++;
        else small += gpuFree[i];
      }
      if (fitting < shape.count) frag += shape.weight * total;
      else if (strandedWeight > 0 && shape.count === 1 && shape.milli < MILLI_PER_GPU) {
        const reachable = total - small;
        frag += shape.weight * (small + strandedWeight * (reachable - this.servedByShares(shape, cpuFree, memFree, gpuFree, fitting, reachable)));
      } else frag += shape.weight * small;
    }
    return frag;
  }

  /**
   * Free milli that further pods of one share shape can reach on a node: with CPU and memory
   * for k more of them, the k largest of the `fitting` devices that fit one (all of them,
   * `reachable` milli, when k >= fitting).
   */
  private servedByShares(shape: TargetShape, cpuFree: number, memFree: number, gpuFree: ArrayLike<number>, fitting: number, reachable: number): number {
    let k = shape.cpuMilli > 0 ? Math.floor(cpuFree / shape.cpuMilli) : Infinity;
    if (memFree !== Infinity && shape.memoryMiB > 0) k = Math.min(k, Math.floor(memFree / shape.memoryMiB));
    if (k >= fitting) return reachable;
    // k < fitting <= devices on a node (8 in the trace): pick the k largest by selection, no sort.
    const fit = this.fitting;
    fit.length = 0;
    for (let i = 0; i < gpuFree.length; i++) if (gpuFree[i] >= shape.milli) fit.push(gpuFree[i]);
    let served = 0;
    for (let j = 0; j < k; j++) {
      let m = j;
      for (let i = j + 1; i < fit.length; i++) if (fit[i] > fit[m]) m = i;
      const top = fit[m];
      fit[m] = fit[j];
      fit[j] = top;
      served += top;
    }
    return served;
  }

  nodeFrag(node: NodeState, memoryAware = false, strandedWeight = 0): number {
    return this.fragOf(node, node.cpuFree, node.gpuFree, memoryAware ? node.memFree : Infinity, strandedWeight);
  }
}
