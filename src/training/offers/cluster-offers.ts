import type { NodeSpec } from '../../gpu-scheduler/engine/model.js';
import { replicaMilli } from '../../gpu-scheduler/engine/sharing.js';
import type { WorkerResources } from '../training.dto.js';

/**
 * What the cluster's GPUs can do, per product, as the controller last saw it: the MIG
 * profiles its nodes offer and the largest fractional share a node can enforce (999 where
 * shares are Beamline's books only, as on the local driver; 0 where every node is
 * exclusive). The API reads it at submit to refuse what no node can ever run (issue 20).
 */
export interface ClusterOffers {
  /** Epoch ms when the controller computed it. */
  at: number;
  products: Record<string, { devices: number; migProfiles: string[]; maxShareMilli: number }>;
}

export function offersOf(nodes: readonly NodeSpec[], at: number): ClusterOffers {
  const products: ClusterOffers['products'] = {};
  for (const node of nodes) {
    for (const d of node.gpus) {
      const p = (products[d.product] ??= { devices: 0, migProfiles: [], maxShareMilli: 0 });
      p.devices++;
      for (const profile of Object.keys(d.mig ?? {})) if (!p.migProfiles.includes(profile)) p.migProfiles.push(profile);
      if (d.mig) continue;
      const mode = d.sharing?.mode;
      const share = mode === undefined || mode === 'time-slicing' ? 999 : mode === 'mps' ? replicaMilli(d) : 0;
      p.maxShareMilli = Math.max(p.maxShareMilli, share);
    }
  }
  for (const p of Object.values(products)) p.migProfiles.sort();
  return { at, products };
}

/**
 * The submit-time refusal for a fraction or MIG profile that no node of the asked products
 * can serve, naming the field and what the cluster offers; undefined when it may run (or
 * when the cluster has no GPU of those products at all: that stays Queued with its reason,
 * since a lab may still be adding the nodes).
 */
export function offerProblem(offers: ClusterOffers, gpu: WorkerResources['gpu']): { field: string; message: string } | undefined {
  if (!gpu || (gpu.milli === undefined && gpu.migProfile === undefined)) return undefined;
  const wanted = gpu.products ?? Object.keys(offers.products);
  const matching = wanted.map((p) => [p, offers.products[p]] as const).filter(([, o]) => o !== undefined);
  if (matching.length === 0) return undefined;
  if (gpu.milli !== undefined) {
    const best = Math.max(...matching.map(([, o]) => o.maxShareMilli));
    if (best >= gpu.milli) return undefined;
    const offered = matching.map(([p, o]) => `${p}: ${o.maxShareMilli === 0 ? 'whole GPUs only' : `shares up to ${o.maxShareMilli / 1000}`}`);
    return {
      field: 'resources.gpu.fraction',
      message: `no node here can enforce a share of ${gpu.milli / 1000} (${offered.join('; ')}); a fraction needs a node pool with time-slicing or MPS (docs/gpu-nodes.md)`,
    };
  }
  if (matching.some(([, o]) => o.migProfiles.includes(gpu.migProfile!))) return undefined;
  const profiles = [...new Set(matching.flatMap(([, o]) => o.migProfiles))].sort();
  return {
    field: 'resources.gpu.migProfile',
    message: `no node offers MIG profile ${gpu.migProfile} (${profiles.length ? `offered: ${profiles.join(', ')}` : 'no MIG-partitioned GPU here'})`,
  };
}
