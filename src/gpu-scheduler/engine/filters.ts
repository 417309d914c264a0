import { NodeState } from './cluster-state.js';
import { MILLI_PER_GPU, NodeSpec, Taint, Toleration, WorkerRequest } from './model.js';
import { shareMilli, sharingAllows } from './sharing.js';

/** A filter says why a node cannot take one worker, or null when it can. */
export interface Filter {
  readonly name: string;
  check(node: NodeState, req: WorkerRequest): string | null;
}

const tolerates = (t: Toleration, taint: Taint): boolean => {
  if (t.effect && t.effect !== taint.effect) return false;
  if (t.operator === 'Exists') return t.key === undefined || t.key === taint.key;
  return t.key === taint.key && (t.value ?? '') === (taint.value ?? '');
};

/** Device i passes the request's product and memory constraints (not its capacity). */
export function deviceEligible(spec: NodeSpec, i: number, req: WorkerRequest): boolean {
  const d = spec.gpus[i];
  if (req.products && req.products.length > 0 && !req.products.includes(d.product)) return false;
  if (req.minGpuMemoryMiB !== undefined && d.memoryMiB < req.minGpuMemoryMiB) return false;
  if (!sharingAllows(d, req.gpu)) return false;
  if (req.gpu.kind === 'mig') return d.mig !== undefined && (d.mig[req.gpu.profile] ?? 0) > 0;
  return d.mig === undefined;
}

/** How many eligible devices could take one more unit of this request right now. */
export function usableDevices(node: NodeState, req: WorkerRequest): number {
  const g = req.gpu;
  let n = 0;
  for (let i = 0; i < node.gpuFree.length; i++) {
    if (!deviceEligible(node.spec, i, req)) continue;
    if (g.kind === 'whole' && node.gpuFree[i] === MILLI_PER_GPU) n++;
    else if (g.kind === 'share' && node.gpuFree[i] >= shareMilli(node.spec.gpus[i], g.milli)) n++;
    else if (g.kind === 'mig' && (node.migFree[i]?.[g.profile] ?? 0) > 0) n++;
  }
  return n;
}

const wantsGpu = (req: WorkerRequest): boolean => req.gpu.kind !== 'none';

/**
 * Static filters first (they depend only on the node's spec), capacity last, so a pending
 * reason names the most fundamental mismatch.
 */
export const FILTERS: readonly Filter[] = [
  {
    name: 'excluded-node',
    check: (node, req) => (req.excludedNodes?.includes(node.spec.name) ? 'node lost by an earlier attempt of this job' : null),
  },
  {
    name: 'node-selector',
    check: (node, req) => {
      for (const [k, v] of Object.entries(req.nodeSelector ?? {})) {
        if (node.spec.labels[k] !== v) return `node selector ${k}=${v}`;
      }
      return null;
    },
  },
  {
    name: 'taints',
    check: (node, req) => {
      for (const taint of node.spec.taints) {
        if (taint.effect === 'PreferNoSchedule') continue;
        if (!(req.tolerations ?? []).some((t) => tolerates(t, taint))) return `untolerated taint ${taint.key}:${taint.effect}`;
      }
      return null;
    },
  },
  {
    name: 'product',
    check: (node, req) => {
      if (!wantsGpu(req) || !req.products || req.products.length === 0) return null;
      return node.spec.gpus.some((d) => req.products!.includes(d.product)) ? null : `GPU product not in [${req.products.join(', ')}]`;
    },
  },
  {
    name: 'gpu-memory',
    check: (node, req) => {
      if (!wantsGpu(req) || req.minGpuMemoryMiB === undefined) return null;
      return node.spec.gpus.some((d) => d.memoryMiB >= req.minGpuMemoryMiB!) ? null : `GPU memory below ${req.minGpuMemoryMiB} MiB`;
    },
  },
  {
    name: 'mig-profile',
    check: (node, req) => {
      if (req.gpu.kind !== 'mig') return null;
      return node.spec.gpus.some((_, i) => deviceEligible(node.spec, i, req)) ? null : `no MIG ${req.gpu.profile} device`;
    },
  },
  {
    name: 'cpu',
    check: (node, req) => (node.cpuFree >= req.cpuMilli ? null : `needs ${req.cpuMilli}m CPU, ${node.cpuFree}m free`),
  },
  {
    name: 'memory',
    check: (node, req) => (node.memFree >= req.memoryMiB ? null : `needs ${req.memoryMiB} MiB memory, ${node.memFree} MiB free`),
  },
  {
    name: 'gpu-capacity',
    check: (node, req) => {
      const g = req.gpu;
      if (g.kind === 'none') return null;
      const usable = usableDevices(node, req);
      if (g.kind === 'whole') return usable >= g.count ? null : `needs ${g.count} free GPUs, ${usable} free`;
      return usable >= 1 ? null : g.kind === 'share' ? `needs ${g.milli}m on one GPU` : `no free ${g.profile} slice`;
    },
  },
];

export const STATIC_FILTERS = new Set(['node-selector', 'taints', 'product', 'gpu-memory', 'mig-profile']);

/** True when every filter passes. */
export function fits(node: NodeState, req: WorkerRequest): boolean {
  // CPU and memory first: on a busy cluster they reject most nodes, and cost two compares.
  if (node.cpuFree < req.cpuMilli || node.memFree < req.memoryMiB) return false;
  for (const f of FILTERS) if (f.check(node, req) !== null) return false;
  return true;
}

/** The first failing filter's name and message, or null. */
export function firstFailure(node: NodeState, req: WorkerRequest): { filter: string; message: string } | null {
  for (const f of FILTERS) {
    const m = f.check(node, req);
    if (m !== null) return { filter: f.name, message: m };
  }
  return null;
}
