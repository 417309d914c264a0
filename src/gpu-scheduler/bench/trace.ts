import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { MILLI_PER_GPU, NodeSpec, WorkerRequest } from '../engine/model.js';

// Reader for Alibaba cluster-trace-gpu-v2023 ("openb", Weng et al., ATC'23). The CSVs stay
// where the caller keeps them; nothing from the trace is copied into this repository.

export const GPU_NODE_FILE = 'openb_node_list_gpu_node.csv';

/** One trace pod: its name (for the protocol's sort) and what it requests. */
export interface TracePod {
  name: string;
  request: WorkerRequest;
  /** Milli per device, as the simulator's tuning step compares it. */
  milliPerGpu: number;
  totalMilli: number;
}

function rows(text: string): Record<string, string>[] {
  const lines = text.split(/\r?\n/).filter((l) => l.length > 0);
  const header = lines[0].split(',');
  return lines.slice(1).map((l) => {
    const cells = l.split(',');
    const r: Record<string, string> = {};
    header.forEach((h, i) => (r[h] = cells[i] ?? ''));
    return r;
  });
}

export function parseNodes(text: string): NodeSpec[] {
  return rows(text).map((r): NodeSpec => {
    const model = r.model;
    const count = Number(r.gpu);
    return {
      name: r.sn,
      labels: count > 0 ? { 'nvidia.com/gpu.product': model } : ({} as Record<string, string>),
      taints: [],
      cpuMilli: Number(r.cpu_milli),
      memoryMiB: Number(r.memory_mib),
      // The trace gives no device memory; 0 keeps min-memory constraints out of the replay.
      gpus: Array.from({ length: count }, (_, index) => ({ index, product: model, memoryMiB: 0 })),
    };
  });
}

/** Clamps gpu_milli as the simulator's CSV-to-YAML step does; num_gpu = 1 below 1000 is a share. */
export function parsePods(text: string): TracePod[] {
  return rows(text).map((r) => {
    const num = Number(r.num_gpu);
    const rawMilli = Number(r.gpu_milli);
    const milli = num === 0 ? 0 : rawMilli > MILLI_PER_GPU ? MILLI_PER_GPU : Math.max(0, rawMilli);
    const products = r.gpu_spec ? r.gpu_spec.split('|').filter((p) => p.length > 0) : [];
    const gpu: WorkerRequest['gpu'] =
      num === 0 || milli === 0 ? { kind: 'none' } : num === 1 && milli < MILLI_PER_GPU ? { kind: 'share', milli } : { kind: 'whole', count: num };
    const request: WorkerRequest = { cpuMilli: Number(r.cpu_milli), memoryMiB: Number(r.memory_mib), gpu };
    if (products.length > 0 && gpu.kind !== 'none') request.products = products;
    return { name: r.name, request, milliPerGpu: gpu.kind === 'none' ? 0 : milli, totalMilli: gpu.kind === 'none' ? 0 : milli * num };
  });
}

export function loadNodes(dir: string): NodeSpec[] {
  return parseNodes(readFileSync(join(dir, GPU_NODE_FILE), 'utf8'));
}

export function loadPods(dir: string, trace: string): TracePod[] {
  return parsePods(readFileSync(join(dir, `openb_pod_list_${trace}.csv`), 'utf8'));
}

/** `times` copies of every node, renamed, for the scaling runs. */
export function replicateNodes(nodes: NodeSpec[], targetCount: number): NodeSpec[] {
  return Array.from({ length: targetCount }, (_, i) => {
    const n = nodes[i % nodes.length];
    return { ...n, name: `${n.name}-r${Math.floor(i / nodes.length)}` };
  });
}
