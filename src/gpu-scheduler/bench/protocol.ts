import { Rng, createRng, shuffle } from '../engine/rng.js';
import { TracePod } from './trace.js';

/**
 * The arrival order of one replay, as the FGD simulator builds it:
 *  1. sort the trace's pods by name, then shuffle them with the seeded RNG;
 *  2. tune the total GPU request to `ratio` x capacity: append copies of pods drawn
 *     uniformly from the name-sorted list until the next draw's per-device milli would
 *     pass the target (or, if the trace asks for more, drop random pods until it fits).
 * Copies go after the originals, so demand beyond the trace arrives last.
 */
export function arrivalOrder(pods: readonly TracePod[], capacityMilli: number, seed: number, ratio = 1.3): TracePod[] {
  const rng: Rng = createRng(seed);
  const sorted = [...pods].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const order = shuffle([...sorted], rng);
  const target = ratio * capacityMilli;
  let total = order.reduce((t, p) => t + p.totalMilli, 0);
  while (total > target && order.length > 0) {
    const [gone] = order.splice(rng.int(order.length), 1);
    total -= gone.totalMilli;
  }
  for (let i = 0; total < target; i++) {
    const p = sorted[rng.int(sorted.length)];
    // The simulator compares the per-device milli here, not the total: kept as it is.
    if (total + p.milliPerGpu > target) break;
    order.push({ ...p, name: `${p.name}-tuned-${i}` });
    total += p.totalMilli;
  }
  return order;
}

/** One point of the online allocation curve, sampled after every arrival. */
export interface Sample {
  arrivedMilli: number;
  allocatedMilli: number;
}

/**
 * Allocation % at `percent` % arrived, as the simulator's analysis does: mean of the
 * allocation ratio (rounded to 2 decimals) over samples whose arrived ratio rounds to that
 * percent, widening to ±1 % when there are none.
 */
export function allocationAt(samples: readonly Sample[], capacityMilli: number, percent: number): number {
  const pick = (lo: number, hi: number): number[] =>
    samples.filter((s) => {
      const a = Math.round((s.arrivedMilli / capacityMilli) * 100);
      return a >= lo && a <= hi;
    }).map((s) => Math.round((s.allocatedMilli / capacityMilli) * 10000) / 100);
  let vals = pick(percent, percent);
  if (vals.length === 0) vals = pick(percent - 1, percent + 1);
  if (vals.length === 0) return NaN;
  return vals.reduce((t, v) => t + v, 0) / vals.length;
}
