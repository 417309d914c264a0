import { ClusterState } from './cluster-state.js';
import { deviceEligible, FILTERS, STATIC_FILTERS, usableDevices } from './filters.js';
import { Job, MILLI_PER_GPU, NodeSpec, WorkerRequest } from './model.js';
import { sharingReason } from './sharing.js';

const gpuLabel = (job: Job): string => (job.request.products && job.request.products.length > 0 ? job.request.products.join('/') : 'GPU');

/**
 * Null when some node has a device of the requested kind, product, memory and MIG profile,
 * in use or not. Otherwise says that no node offers it: waiting cannot help, so the reason
 * must not read like a capacity or quota problem (a CPU-only laptop asked for an A100).
 */
export function unofferedGpu(nodes: readonly NodeSpec[], req: WorkerRequest): string | null {
  if (req.gpu.kind === 'none') return null;
  if (nodes.some((n) => n.gpus.some((_, i) => deviceEligible(n, i, req)))) return null;
  const inventory = new Map<string, number>();
  for (const n of nodes) for (const d of n.gpus) inventory.set(d.product, (inventory.get(d.product) ?? 0) + 1);
  if (inventory.size === 0) return 'no GPU in this cluster';
  const products = req.products ?? [];
  if (products.length > 0 && !products.some((p) => inventory.has(p))) {
    const has = [...inventory].sort(([a], [b]) => a.localeCompare(b)).map(([p, n]) => `${p} ×${n}`);
    return `no node has product ${products.join(' or ')} (cluster has: ${has.join(', ')})`;
  }
  // Devices of the right product and memory exist: is it how their nodes share them?
  const unshared = (n: NodeSpec): NodeSpec => ({ ...n, gpus: n.gpus.map((d) => ({ ...d, sharing: undefined })) });
  const matching = nodes.flatMap((n) => n.gpus.filter((_, i) => deviceEligible(unshared(n), i, req)));
  const sharing = sharingReason(matching, req.gpu);
  if (sharing) return sharing;
  const wants: string[] = [];
  if (products.length > 0) wants.push(`product ${products.join(' or ')}`);
  if (req.gpu.kind === 'mig') wants.push(`MIG profile ${req.gpu.profile}`);
  if (req.minGpuMemoryMiB !== undefined) wants.push(`at least ${req.minGpuMemoryMiB} MiB`);
  // Devices exist, each matching the filters above, but all are MIG-partitioned.
  if (wants.length === 0) wants.push('a device without MIG partitions');
  return `no node offers nvidia.com/gpu (${wants.join(', ')})`;
}

/**
 * A whole-GPU worker asking for more eligible devices than any node has at all: it can never
 * run, however long it waits (8 GPUs per worker on nodes of 4).
 */
export function fitsNoNode(nodes: readonly NodeSpec[], req: WorkerRequest): string | null {
  if (req.gpu.kind !== 'whole') return null;
  const largest = Math.max(0, ...nodes.map((n) => n.gpus.filter((_, i) => deviceEligible(n, i, req)).length));
  if (largest >= req.gpu.count) return null;
  return `fits no single node: needs ${req.gpu.count} GPUs on one node, the largest has ${largest}`;
}

/** How explainUnplaceable starts when every node is ruled out by a constraint that waiting cannot change. */
export const NEVER_RUNS = 'no node can ever run it';

/**
 * Why a job found no place, in words an operator can act on: which static constraint rules
 * out every node, or how close the best node came ("needs 4 × A100 on one node; best node
 * has 3 free").
 */
export function explainUnplaceable(state: ClusterState, job: Job): string {
  const req = job.request;
  const rejected = new Map<string, number>();
  let best = { cpu: 0, mem: 0, devices: 0, share: 0, fitting: 0 };
  let eligible = 0;
  for (const node of state.nodes) {
    const fail = FILTERS.find((f) => STATIC_FILTERS.has(f.name) && f.check(node, req) !== null);
    if (fail) {
      const m = fail.check(node, req)!;
      rejected.set(m, (rejected.get(m) ?? 0) + 1);
      continue;
    }
    eligible++;
    const devices = usableDevices(node, req);
    const share = Math.max(0, ...node.gpuFree);
    const fitsOne = FILTERS.every((f) => f.check(node, req) === null);
    best = {
      cpu: Math.max(best.cpu, node.cpuFree),
      mem: Math.max(best.mem, node.memFree),
      devices: Math.max(best.devices, devices),
      share: Math.max(best.share, share),
      fitting: best.fitting + (fitsOne ? 1 : 0),
    };
  }
  if (eligible === 0) {
    const parts = [...rejected].map(([m, n]) => `${m} (${n} node${n === 1 ? '' : 's'})`);
    return `${NEVER_RUNS}: ${parts.join('; ')}`;
  }
  const g = req.gpu;
  if (best.fitting > 0 && job.topology?.mode === 'required' && (job.workers > 1 || job.topology.scope !== 'node')) {
    return `needs ${job.workers} workers inside one ${job.topology.scope === 'node' ? 'node' : `${job.topology.scope} domain`} (topology required); none has room now`;
  }
  if (best.fitting > 0 && job.workers > 1) {
    return `needs ${job.workers} workers placed together; only ${best.fitting} eligible node(s) fit one now`;
  }
  if (g.kind === 'whole' && best.devices < g.count) {
    return `fits no single node now: needs ${g.count} × ${gpuLabel(job)} on one node, largest free is ${best.devices}`;
  }
  if (g.kind === 'share' && best.share < g.milli) {
    return `needs ${g.milli}m of one ${gpuLabel(job)}; largest free share is ${best.share}m`;
  }
  if (g.kind === 'mig' && best.devices === 0) return `needs a free MIG ${g.profile} slice; none is free`;
  if (best.cpu < req.cpuMilli) return `needs ${req.cpuMilli / 1000} CPU on one node; most free is ${best.cpu / 1000}`;
  if (best.mem < req.memoryMiB) return `needs ${req.memoryMiB} MiB memory on one node; most free is ${best.mem} MiB`;
  // Each resource exists somewhere, but not together on one node.
  const gpuPart = g.kind === 'whole' ? `${g.count} × ${gpuLabel(job)}` : g.kind === 'share' ? `${g.milli}m ${gpuLabel(job)}` : g.kind === 'mig' ? `MIG ${g.profile}` : '';
  return `no node has ${[gpuPart, `${req.cpuMilli / 1000} CPU`, `${req.memoryMiB} MiB`].filter(Boolean).join(' + ')} free at once (${MILLI_PER_GPU}m = 1 GPU)`;
}
