import type { ClusterInventory } from '../../cluster/cluster-driver.js';
import type { GpuDeviceSpec } from '../../gpu-scheduler/engine/model.js';

/**
 * The cluster's nodes and GPUs as the controller's driver sees them, published to Redis
 * beside the offers so that the api role (which has no driver inventory) can show them:
 * GET /v1/cluster/nodes (src/cluster-view). Only labels that say something about GPUs or
 * topology travel; a node's other labels stay in the cluster.
 */
export interface ClusterNodesSnapshot {
  /** Epoch ms when the controller computed it. */
  at: number;
  nodes: Array<{ name: string; labels: Record<string, string>; cpuMilli: number; memoryMiB: number; gpus: GpuDeviceSpec[] }>;
  /** GPU use by pods that are not Beamline's (the driver sees them; Beamline's records do not hold them). */
  foreign: Array<{ owner: string; node: string; gpuIndexes: number[]; gpuMilli?: number; migProfile?: string }>;
}

const INTERESTING = [/^nvidia\.com\//, /^topology\.kubernetes\.io\//, /^node\.kubernetes\.io\/instance-type$/, /^beamline\.dev\//];

export function nodesSnapshotOf(inventory: ClusterInventory, at: number): ClusterNodesSnapshot {
  return {
    at,
    nodes: inventory.nodes.map((n) => ({
      name: n.name,
      labels: Object.fromEntries(Object.entries(n.labels).filter(([k]) => INTERESTING.some((re) => re.test(k)))),
      cpuMilli: n.cpuMilli,
      memoryMiB: n.memoryMiB,
      gpus: n.gpus,
    })),
    foreign: inventory.foreign
      .filter((f) => f.placement.gpuIndexes.length > 0)
      .map((f) => ({
        owner: f.owner,
        node: f.placement.node,
        gpuIndexes: f.placement.gpuIndexes,
        ...(f.placement.gpuMilli !== undefined ? { gpuMilli: f.placement.gpuMilli } : {}),
        ...(f.placement.migProfile !== undefined ? { migProfile: f.placement.migProfile } : {}),
      })),
  };
}
