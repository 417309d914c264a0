import type { ClusterState, NodeState } from './cluster-state.js';
import { gpuMilliOf, Job, NodeIndexSet, NodeSpec, TopologySpec, WorkerPlacement } from './model.js';

/** Where each scope reads a node's domain from (a job's `topology.label` overrides it). */
export const NVLINK_LABEL = 'nvidia.com/gpu.clique';
export const RACK_LABEL = 'topology.kubernetes.io/zone';

/** The node's domain for this scope; undefined when the node does not carry the label. */
export function domainOf(spec: NodeSpec, t: TopologySpec): string | undefined {
  if (t.scope === 'node') return spec.name;
  return spec.labels[t.label ?? (t.scope === 'nvlink' ? NVLINK_LABEL : RACK_LABEL)];
}

/** Places every worker or none, avoiding the node indexes `exclude` has. */
export type GangPlacer = (exclude: NodeIndexSet) => WorkerPlacement[] | null;

interface Domain {
  name: string;
  nodes: NodeState[];
  freeMilli: number;
}

function domains(state: ClusterState, t: TopologySpec, exclude: NodeIndexSet | undefined): { list: Domain[]; unlabelled: NodeState[] } {
  const byName = new Map<string, Domain>();
  const unlabelled: NodeState[] = [];
  for (const n of state.nodes) {
    if (exclude?.has(n.index)) continue;
    const name = domainOf(n.spec, t);
    if (name === undefined) {
      unlabelled.push(n);
      continue;
    }
    let d = byName.get(name);
    if (!d) byName.set(name, (d = { name, nodes: [], freeMilli: 0 }));
    d.nodes.push(n);
    d.freeMilli += n.gpuFreeTotal();
  }
  return { list: [...byName.values()], unlabelled };
}

/** Every node except `inside` (and what was excluded already), without listing them. */
function outside(inside: readonly NodeState[], exclude: NodeIndexSet | undefined): NodeIndexSet {
  const keep = new Set(inside.map((n) => n.index));
  return { size: 1, has: (i) => !keep.has(i) || exclude?.has(i) === true };
}

/**
 * Topology-aware gang placement: all workers inside as few domains (node, NVLink domain,
 * rack) as possible, all or nothing.
 *  1. Group the usable nodes by domain; skip domains with less free GPU than the gang needs.
 *  2. One domain: the tightest that fits first (least free GPU, then name), so large domains
 *     stay whole for large gangs; inside it the policy places as usual.
 *  3. `required`: nothing else; the job waits. `preferred`: the k domains with the most free
 *     GPU for k = 2, 3, ... (fewest domains touched), then anywhere, unlabelled nodes included.
 */
export function placeInDomains(state: ClusterState, job: Job, t: TopologySpec, place: GangPlacer, exclude?: NodeIndexSet): WorkerPlacement[] | null {
  const need = gpuMilliOf(job.request.gpu) * job.workers;
  const { list, unlabelled } = domains(state, t, exclude);
  const tight = list.filter((d) => d.freeMilli >= need).sort((a, b) => a.freeMilli - b.freeMilli || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const d of tight) {
    const p = place(outside(d.nodes, exclude));
    if (p) return p;
  }
  if (t.mode === 'required') return null;
  const roomy = [...list].sort((a, b) => b.freeMilli - a.freeMilli || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (let k = 2; k <= roomy.length; k++) {
    const chosen = roomy.slice(0, k);
    if (chosen.reduce((s, d) => s + d.freeMilli, 0) < need) continue;
    const p = place(outside(chosen.flatMap((d) => d.nodes), exclude));
    if (p) return p;
  }
  return unlabelled.length > 0 || list.length === 0 ? place(exclude ?? new Set<number>()) : null;
}

/** How many distinct domains a placement touches (for tests and the topology benchmark). */
export function domainsTouched(state: ClusterState, workers: readonly WorkerPlacement[], t: TopologySpec): number {
  return new Set(workers.map((w) => domainOf(state.node(w.node).spec, t) ?? `node:${w.node}`)).size;
}
