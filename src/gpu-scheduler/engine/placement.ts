import { BestIndex } from './best-index.js';
import { ClusterState, NodeGroup, NodeState } from './cluster-state.js';
import { fits } from './filters.js';
import { Job, NodeIndexSet, shapeId, WorkerPlacement, WorkerRequest } from './model.js';
import { Policy } from './policies/policy.js';
import { Rng } from './rng.js';
import { placeInDomains } from './topology.js';

const usable = (g: NodeGroup, exclude?: NodeIndexSet): NodeState[] =>
  exclude && exclude.size > 0 ? g.nodes.filter((n) => !exclude.has(n.index)) : g.nodes;

/**
 * Picks the node for one worker. Scans node groups (distinct states), not nodes: each
 * group is filtered and scored once per request shape and the result cached on the group,
 * so after one placement only the node that changed is scored again.
 * `exclude` holds node indexes reserved for someone else (backfill reservations).
 */
export function selectNode(state: ClusterState, req: WorkerRequest, policy: Policy, rng: Rng, exclude?: NodeIndexSet): NodeState | null {
  const id = shapeId(req);
  const excluding = exclude !== undefined && exclude.size > 0;
  const first = policy.tieBreak === 'first';
  const scoreOf = (g: NodeGroup): number => {
    let s = g.scores[id];
    if (s === undefined) {
      const rep = g.nodes[0];
      s = fits(rep, req) ? policy.score(rep, req) : -Infinity;
      g.scores[id] = s;
    }
    return s;
  };
  if (first && !excluding && !state.scanAll) {
    // The common case reads the per-shape heap; reservations and random ties scan below.
    const index = (state.bestIndexes[id] ??= new BestIndex());
    const g = index.top(state.groupLog, scoreOf);
    return g ? state.nodes[g.minIndex] : null;
  }
  let best = -Infinity;
  let bestIndex = Infinity;
  const tied: NodeGroup[] = [];
  const groups = state.groupList;
  for (let i = 0; i < groups.length; i++) {
    const g = groups[i];
    const s = scoreOf(g);
    if (s === -Infinity || s < best) continue;
    let minIndex = g.minIndex;
    if (excluding) {
      const nodes = usable(g, exclude);
      if (nodes.length === 0) continue;
      minIndex = Math.min(...nodes.map((n) => n.index));
    }
    if (s > best) {
      best = s;
      bestIndex = Infinity;
      tied.length = 0;
    }
    if (first) bestIndex = Math.min(bestIndex, minIndex);
    else tied.push(g);
  }
  if (best === -Infinity) return null;
  if (first) return state.nodes[bestIndex];
  // Uniform over tied nodes (not groups).
  let total = 0;
  for (const g of tied) total += usable(g, exclude).length;
  let r = rng.int(total);
  for (const g of tied) {
    const nodes = usable(g, exclude);
    if (r < nodes.length) return nodes[r];
    r -= nodes.length;
  }
  return null;
}

/** Selects a node and devices for one worker and takes them from the state. */
export function placeWorker(state: ClusterState, req: WorkerRequest, policy: Policy, rng: Rng, exclude?: NodeIndexSet): WorkerPlacement | null {
  const node = selectNode(state, req, policy, rng, exclude);
  if (!node) return null;
  const gpuIndexes = req.gpu.kind === 'none' ? [] : policy.devices(node, req, rng);
  const p: WorkerPlacement = { node: node.spec.name, gpuIndexes };
  if (req.gpu.kind === 'share') {
    p.gpuMilli = req.gpu.milli;
    const sharing = node.spec.gpus[gpuIndexes[0]]?.sharing;
    if (sharing && sharing.mode !== 'none' && sharing.resource) p.sharedResource = sharing.resource;
  }
  if (req.gpu.kind === 'mig') p.migProfile = req.gpu.profile;
  state.assign(p, req);
  return p;
}

/**
 * Gang admission: every worker gets a node or none does. Each worker's devices are on one
 * node; workers are placed one after another so later ones see earlier ones' usage. A job
 * with `topology` is placed inside as few domains as it allows (engine/topology.ts).
 */
export function placeGang(state: ClusterState, job: Job, policy: Policy, rng: Rng, exclude?: NodeIndexSet): WorkerPlacement[] | null {
  if (job.topology) return placeInDomains(state, job, job.topology, (ex) => placeAll(state, job, policy, rng, ex), exclude);
  return placeAll(state, job, policy, rng, exclude);
}

function placeAll(state: ClusterState, job: Job, policy: Policy, rng: Rng, exclude?: NodeIndexSet): WorkerPlacement[] | null {
  const placed: WorkerPlacement[] = [];
  for (let w = 0; w < job.workers; w++) {
    const p = placeWorker(state, job.request, policy, rng, exclude);
    if (!p) {
      for (const q of placed) state.release(q, job.request);
      return null;
    }
    placed.push(p);
  }
  return placed;
}
