import { NodeState } from './cluster-state.js';
import { gpuShape, WorkerRequest } from './model.js';

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
   */
  fragOf(node: NodeState, cpuFree: number, gpuFree: ArrayLike<number>, memFree = Infinity): number {
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
      frag += shape.weight * (fitting >= shape.count ? small : total);
    }
    return frag;
  }

  nodeFrag(node: NodeState, memoryAware = false): number {
    return this.fragOf(node, node.cpuFree, node.gpuFree, memoryAware ? node.memFree : Infinity);
  }
}
