import { describe, expect, it } from 'vitest';
import { ClusterState } from './cluster-state.js';
import { TargetWorkload } from './fragmentation.js';
import { WorkerRequest } from './model.js';
import { placeWorker } from './placement.js';
import { createPolicy } from './policies/index.js';
import { createRng } from './rng.js';
import { aJob, aNode } from './testing/builders.js';

/** 60 nodes of 4 kinds, so that many nodes start identical and drift apart as they fill. */
const nodes = Array.from({ length: 60 }, (_, i) =>
  aNode(`n${String(i).padStart(2, '0')}`)
    .gpus([1, 2, 4, 8][i % 4], i % 3 === 0 ? 'T4' : 'A100')
    .cpu([16_000, 32_000, 64_000][i % 3])
    .memory(262_144)
    .build(),
);

function requests(seed: number, n: number): WorkerRequest[] {
  const rng = createRng(seed);
  return Array.from({ length: n }, () => {
    const j = aJob('r').cpu([0, 2_000, 4_000, 8_000][rng.int(4)]).memory(1_024 * (1 + rng.int(16)));
    const k = rng.int(10);
    if (k < 4) j.share([120, 250, 470, 810][rng.int(4)]);
    else if (k < 8) j.whole([1, 1, 2, 4, 8][rng.int(5)]);
    if (k === 9) j.products('T4');
    return j.request();
  });
}

describe('BestIndex', () => {
  it.each(['fgd-plus', 'fgd', 'best-fit', 'first-fit', 'gpu-packing'])('%s: the per-shape index places exactly as the scan over every group', (name) => {
    for (const seed of [1, 2]) {
      const reqs = requests(seed, 250);
      const workload = TargetWorkload.fromRequests(reqs.slice(0, 50));
      const run = (scanAll: boolean) => {
        const state = new ClusterState(nodes);
        state.scanAll = scanAll;
        const policy = createPolicy(name, workload);
        const rng = createRng(seed);
        const out: (string | null)[] = [];
        reqs.forEach((r, i) => {
          const p = placeWorker(state, r, policy, rng);
          out.push(p ? `${p.node}:${p.gpuIndexes.join(',')}` : null);
          // Give some back, so groups also lose nodes and lowest indexes move up.
          if (p && i % 5 === 0) state.release(p, r);
        });
        return out;
      };
      const scanned = run(true);
      expect(scanned.filter((x) => x !== null).length).toBeGreaterThan(80);
      expect(run(false)).toEqual(scanned);
    }
  });
});
