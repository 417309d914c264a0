import type { ClusterNodesSnapshot } from '../training/offers/cluster-nodes.js';

/** A Scheduled or Running job's placement, as the training_jobs table holds it. */
export interface ActiveJob {
  id: string;
  name: string;
  projectId: string;
  projectName: string;
  status: string;
  placement: Array<{ node: string; gpuIndexes?: number[]; gpuMilli?: number; migProfile?: string; product?: string }>;
}

/** One holder of (part of) a GPU: a job the caller may read, a job of another project (no name), or a pod outside Beamline. */
export type Holder =
  | { kind: 'job'; id: string; name: string; project: string; worker: number; gpuMilli?: number; migProfile?: string }
  | { kind: 'hidden'; gpuMilli?: number; migProfile?: string }
  | { kind: 'foreign'; owner: string; gpuMilli?: number; migProfile?: string };

/**
 * The published node list joined with who holds each device. `usedMilli` adds up the
 * holders: 1000 for a whole device, the share for a fraction; a MIG slice counts in
 * `migUsed` per profile instead (slices are not milli of the device). Jobs of projects the
 * caller cannot read are shown as used without their id or name.
 */
export function nodesView(snapshot: ClusterNodesSnapshot, jobs: readonly ActiveJob[], canRead: (projectId: string) => boolean) {
  const holders = new Map<string, Holder[]>();
  const add = (node: string, index: number, h: Holder) => {
    const k = `${node}/${index}`;
    holders.set(k, [...(holders.get(k) ?? []), h]);
  };
  const share = (p: { gpuMilli?: number; migProfile?: string }) => ({ ...(p.gpuMilli !== undefined ? { gpuMilli: p.gpuMilli } : {}), ...(p.migProfile ? { migProfile: p.migProfile } : {}) });
  for (const job of jobs) {
    job.placement.forEach((p, worker) => {
      for (const index of p.gpuIndexes ?? []) {
        add(p.node, index, canRead(job.projectId) ? { kind: 'job', id: job.id, name: job.name, project: job.projectName, worker, ...share(p) } : { kind: 'hidden', ...share(p) });
      }
    });
  }
  for (const f of snapshot.foreign) for (const index of f.gpuIndexes) add(f.node, index, { kind: 'foreign', owner: f.owner, ...share(f) });

  return {
    at: new Date(snapshot.at).toISOString(),
    items: snapshot.nodes.map((n) => ({
      name: n.name,
      labels: n.labels,
      cpuMilli: n.cpuMilli,
      memoryMiB: n.memoryMiB,
      gpus: n.gpus.map((d) => {
        const held = holders.get(`${n.name}/${d.index}`) ?? [];
        const migUsed: Record<string, number> = {};
        let usedMilli = 0;
        for (const h of held) {
          if (h.migProfile) migUsed[h.migProfile] = (migUsed[h.migProfile] ?? 0) + 1;
          else usedMilli += h.gpuMilli ?? 1000;
        }
        return {
          index: d.index,
          product: d.product,
          memoryMiB: d.memoryMiB,
          ...(d.mig ? { mig: d.mig, migUsed } : {}),
          ...(d.sharing ? { sharing: { mode: d.sharing.mode, replicas: d.sharing.replicas } } : {}),
          usedMilli: Math.min(1000, usedMilli),
          holders: held,
        };
      }),
    })),
  };
}
