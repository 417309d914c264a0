import { BestIndex } from './best-index.js';
import { ClusterSnapshot, MILLI_PER_GPU, NodeSpec, WorkerPlacement, WorkerRequest } from './model.js';
import { shareMilli } from './sharing.js';

/**
 * Free capacity of one node. Mutable, but only ClusterState changes it, so that the
 * node's group (and every score cached on that group) moves with it.
 */
export class NodeState {
  cpuFree: number;
  memFree: number;
  /** Free milli per device index; 0 for a MIG-partitioned device. */
  readonly gpuFree: number[];
  /** Free slices per profile, per device index (undefined when not partitioned). */
  readonly migFree: (Record<string, number> | undefined)[];
  group: NodeGroup | undefined;

  constructor(
    readonly spec: NodeSpec,
    readonly index: number,
    /** Nodes with equal static keys have the same capacity, labels, taints and devices. */
    readonly staticKey: string,
  ) {
    this.cpuFree = spec.cpuMilli;
    this.memFree = spec.memoryMiB;
    this.gpuFree = spec.gpus.map((g) => (g.mig ? 0 : MILLI_PER_GPU));
    this.migFree = spec.gpus.map((g) => (g.mig ? { ...g.mig } : undefined));
  }

  /** Static key plus free capacity: two nodes with equal keys are interchangeable to every policy. */
  dynamicKey(): string {
    const gpus = this.gpuFree.length <= 1 ? String(this.gpuFree[0] ?? '') : [...this.gpuFree].sort((a, b) => b - a).join(',');
    const mig = this.migFree.some((m) => m) ? JSON.stringify(this.migFree) : '';
    return `${this.staticKey}#${this.cpuFree}#${this.memFree}#${gpus}#${mig}`;
  }

  gpuFreeTotal(): number {
    let t = 0;
    for (const f of this.gpuFree) t += f;
    return t;
  }

  fullyFreeCount(): number {
    let n = 0;
    for (const f of this.gpuFree) if (f === MILLI_PER_GPU) n++;
    return n;
  }
}

/**
 * Nodes in the same state. Policies score a group once through its first member; the
 * score stays valid for as long as the group exists, because a node that changes leaves it.
 */
export interface NodeGroup {
  readonly key: string;
  readonly nodes: NodeState[];
  /** Score per interned request-shape id (see shapeId); -Infinity when it does not fit. */
  scores: number[];
  /** Lowest node index in the group, for first-fit style tie-breaks. */
  minIndex: number;
  /** Position in ClusterState.groupList. */
  slot: number;
  /** Set when its last node leaves; BestIndex entries pointing at it are then dropped. */
  removed: boolean;
}

const staticKeyOf = (n: NodeSpec): string =>
  JSON.stringify([n.cpuMilli, n.memoryMiB, n.labels, n.taints, n.gpus.map((g) => [g.product, g.memoryMiB, g.mig ?? null, g.sharing ?? null])]);

/**
 * The usage cache: every node's free capacity, indexed by state so that a decision scans
 * distinct states instead of every node. Built from an immutable snapshot; schedule() works
 * on its own copy, so the caller's snapshot never changes.
 */
export class ClusterState {
  readonly nodes: NodeState[];
  readonly groups = new Map<string, NodeGroup>();
  /** The same groups as an array: scanning it is what every decision does. */
  readonly groupList: NodeGroup[] = [];
  /** Groups created, and groups whose lowest node index dropped, in order: what BestIndex reads. */
  readonly groupLog: NodeGroup[] = [];
  /** Per request-shape id: the best group for that shape (placement.ts). */
  bestIndexes: BestIndex[] = [];
  /** Scan every group per decision instead of BestIndex: the benchmark's before/after baseline only. */
  scanAll = false;
  private readonly byName = new Map<string, NodeState>();
  readonly totalGpuMilli: number;
  usedGpuMilli = 0;

  constructor(specs: readonly NodeSpec[]) {
    const statics = new Map<string, string>();
    this.nodes = specs.map((spec, i) => {
      const raw = staticKeyOf(spec);
      let id = statics.get(raw);
      if (id === undefined) {
        id = `c${statics.size}`;
        statics.set(raw, id);
      }
      const node = new NodeState(spec, i, id);
      if (this.byName.has(spec.name)) throw new Error(`duplicate node name ${spec.name}`);
      this.byName.set(spec.name, node);
      this.join(node);
      return node;
    });
    this.totalGpuMilli = this.nodes.reduce((t, n) => t + n.gpuFree.length * MILLI_PER_GPU, 0);
  }

  static fromSnapshot(snapshot: ClusterSnapshot): ClusterState {
    const state = new ClusterState(snapshot.nodes);
    for (const run of snapshot.running) {
      for (const w of run.workers) state.assign(w, run.job.request);
    }
    return state;
  }

  node(name: string): NodeState {
    const n = this.byName.get(name);
    if (!n) throw new Error(`unknown node ${name}`);
    return n;
  }

  /** Takes a worker's resources from its node. Throws if they are not free: callers place first. */
  assign(p: WorkerPlacement, req: WorkerRequest): void {
    this.change(this.node(p.node), p, req, -1);
  }

  /** Gives a worker's resources back. */
  release(p: WorkerPlacement, req: WorkerRequest): void {
    this.change(this.node(p.node), p, req, +1);
  }

  private change(node: NodeState, p: WorkerPlacement, req: WorkerRequest, sign: 1 | -1): void {
    this.leave(node);
    node.cpuFree += sign * req.cpuMilli;
    node.memFree += sign * req.memoryMiB;
    const g = req.gpu;
    for (const i of p.gpuIndexes) {
      if (g.kind === 'mig') {
        const slices = node.migFree[i];
        if (!slices) throw new Error(`device ${i} on ${node.spec.name} is not MIG-partitioned`);
        slices[g.profile] = (slices[g.profile] ?? 0) + sign;
        if (slices[g.profile] < 0) throw new Error(`no free ${g.profile} slice on ${node.spec.name}/${i}`);
      } else {
        const milli = g.kind === 'share' ? shareMilli(node.spec.gpus[i], g.milli) : MILLI_PER_GPU;
        node.gpuFree[i] += sign * milli;
        this.usedGpuMilli -= sign * milli;
        if (node.gpuFree[i] < 0 || node.gpuFree[i] > MILLI_PER_GPU) throw new Error(`device ${i} on ${node.spec.name} over-committed`);
      }
    }
    if (node.cpuFree < 0 || node.memFree < 0) throw new Error(`node ${node.spec.name} over-committed`);
    this.join(node);
  }

  private join(node: NodeState): void {
    const key = node.dynamicKey();
    let g = this.groups.get(key);
    if (!g) {
      g = { key, nodes: [], scores: [], minIndex: node.index, slot: this.groupList.length, removed: false };
      this.groups.set(key, g);
      this.groupList.push(g);
      this.groupLog.push(g);
    } else if (node.index < g.minIndex) {
      g.minIndex = node.index;
      this.groupLog.push(g);
    }
    g.nodes.push(node);
    node.group = g;
  }

  private leave(node: NodeState): void {
    const g = node.group;
    if (!g) return;
    const at = g.nodes.indexOf(node);
    // Swap-remove keeps this O(1) and, being a pure function of history, deterministic.
    g.nodes[at] = g.nodes[g.nodes.length - 1];
    g.nodes.pop();
    node.group = undefined;
    if (g.nodes.length === 0) {
      g.removed = true;
      this.groups.delete(g.key);
      const last = this.groupList[this.groupList.length - 1];
      this.groupList[g.slot] = last;
      last.slot = g.slot;
      this.groupList.pop();
    } else if (node.index === g.minIndex) {
      g.minIndex = Math.min(...g.nodes.map((n) => n.index));
    }
  }

  /** Forget cached scores, e.g. when the policy or its target workload changes. */
  clearScores(): void {
    for (const g of this.groupList) g.scores = [];
    this.bestIndexes = [];
  }
}
