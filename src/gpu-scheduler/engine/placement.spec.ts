import { describe, expect, it } from 'vitest';
import { ClusterState } from './cluster-state.js';
import { fits } from './filters.js';
import { TargetWorkload } from './fragmentation.js';
import { placeGang, placeWorker } from './placement.js';
import { createPolicy } from './policies/index.js';
import { createRng } from './rng.js';
import { aJob, aNode } from './testing/builders.js';

const wl = new TargetWorkload([]);

describe('gang admission', () => {
  it('places every worker or none', () => {
    const s = new ClusterState([aNode('a').gpus(4).build(), aNode('b').gpus(4).build()]);
    const job = aJob('g').whole(4).workers(3).build();
    expect(placeGang(s, job, createPolicy('best-fit', wl), createRng(1))).toBeNull();
    // Nothing leaked from the two workers that did fit.
    expect(s.usedGpuMilli).toBe(0);
    expect(s.nodes.map((n) => n.gpuFree)).toEqual([
      [1000, 1000, 1000, 1000],
      [1000, 1000, 1000, 1000],
    ]);
  });

  it('does not admit an 8-GPU worker on 8 free GPUs spread over nodes', () => {
    const s = new ClusterState([1, 2, 3, 4].map((i) => aNode(`n${i}`).gpus(2).build()));
    expect(placeGang(s, aJob('big').whole(8).build(), createPolicy('first-fit', wl), createRng(1))).toBeNull();
  });

  it('keeps a multi-GPU worker on one node and admits a gang across nodes', () => {
    const s = new ClusterState([aNode('a').gpus(4).build(), aNode('b').gpus(4).build()]);
    const placed = placeGang(s, aJob('g').whole(4).workers(2).build(), createPolicy('best-fit', wl), createRng(1));
    expect(placed?.map((p) => [p.node, p.gpuIndexes])).toEqual([
      ['a', [0, 1, 2, 3]],
      ['b', [0, 1, 2, 3]],
    ]);
  });
});

describe('node groups', () => {
  it('choose exactly as a scan of every node would', () => {
    // A cluster of many identical nodes collapses into few groups; the chosen node must still fit.
    const s = new ClusterState(Array.from({ length: 50 }, (_, i) => aNode(`n${i}`).gpus(2).cpu(16_000).build()));
    const policy = createPolicy('fgd', TargetWorkload.fromRequests([aJob('a').share(500).request(), aJob('b').whole(1).request()]));
    const rng = createRng(5);
    for (let i = 0; i < 150; i++) {
      const req = i % 3 === 0 ? aJob('w').whole(1).cpu(2_000).request() : aJob('s').share(500).cpu(1_000).request();
      const before = s.nodes.filter((n) => fits(n, req)).length;
      const p = placeWorker(s, req, policy, rng);
      expect(p !== null).toBe(before > 0);
    }
    for (const g of s.groups.values()) for (const n of g.nodes) expect(n.dynamicKey()).toBe(g.key);
    expect(s.nodes.every((n) => n.gpuFree.every((f) => f >= 0 && f <= 1000) && n.cpuFree >= 0)).toBe(true);
  });
});
