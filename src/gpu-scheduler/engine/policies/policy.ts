import { NodeState } from '../cluster-state.js';
import { WorkerRequest } from '../model.js';
import { Rng } from '../rng.js';

/**
 * A placement policy scores nodes that already passed every filter. Higher is better.
 * score() must depend only on the node's state and the request, so the engine can score a
 * group of identical nodes once and cache it until one of them changes.
 */
export interface Policy {
  readonly name: string;
  /** Among nodes with the best score: the lowest index (the simulator's selectHost takes the smallest name), or uniformly at random. */
  readonly tieBreak: 'random' | 'first';
  score(node: NodeState, req: WorkerRequest): number;
  /** Device indexes on the chosen node (the node is known to fit). */
  devices(node: NodeState, req: WorkerRequest, rng: Rng): number[];
}
