import { parentPort } from 'node:worker_threads';
import { replay } from './replay.js';
import { loadNodes, loadPods, replicateNodes, TracePod } from './trace.js';
import { NodeSpec } from '../engine/model.js';

// One replay per message; traces are parsed once per worker and kept.

export interface ReplayTask {
  data: string;
  trace: string;
  policy: string;
  seed: number;
  nodes?: number;
  maxArrivals?: number;
  minArrivals?: number;
  scanAll?: boolean;
}

const nodeCache = new Map<string, NodeSpec[]>();
const podCache = new Map<string, TracePod[]>();

parentPort?.on('message', (task: ReplayTask) => {
  const key = `${task.data}#${task.nodes ?? 0}`;
  let nodes = nodeCache.get(key);
  if (!nodes) {
    const base = loadNodes(task.data);
    nodes = task.nodes ? replicateNodes(base, task.nodes) : base;
    nodeCache.set(key, nodes);
  }
  let pods = podCache.get(task.trace);
  if (!pods) {
    pods = loadPods(task.data, task.trace);
    podCache.set(task.trace, pods);
  }
  const r = replay(nodes, pods, task.policy, task.seed, { maxArrivals: task.maxArrivals, minArrivals: task.minArrivals, scanAll: task.scanAll });
  parentPort!.postMessage({ task, result: r }, [r.micros.buffer as ArrayBuffer]);
});
