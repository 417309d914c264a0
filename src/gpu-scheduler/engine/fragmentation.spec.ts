import { describe, expect, it } from 'vitest';
import { ClusterState } from './cluster-state.js';
import { TargetWorkload } from './fragmentation.js';
import { aJob, aNode } from './testing/builders.js';

describe('TargetWorkload', () => {
  it('keeps the most popular shapes up to the popularity threshold and renormalises', () => {
    const reqs = [
      ...Array.from({ length: 6 }, () => aJob('a').share(500).cpu(4_000).request()),
      ...Array.from({ length: 3 }, () => aJob('b').whole(1).cpu(8_000).request()),
      aJob('c').whole(8).cpu(64_000).request(),
    ];
    const w = TargetWorkload.fromRequests(reqs, 0.9);
    expect(w.shapes.map((s) => [s.count, s.milli])).toEqual([
      [1, 500],
      [1, 1000],
    ]);
    expect(w.shapes.map((s) => s.weight)).toEqual([6 / 9, 3 / 9]);
  });

  // One node, 2 GPUs, 8 CPUs. Target: half "share 500m + 2 CPU", half "1 whole GPU + 2 CPU".
  const workload = new TargetWorkload([
    { cpuMilli: 2_000, count: 1, milli: 500, memoryMiB: 0, weight: 0.5 },
    { cpuMilli: 2_000, count: 1, milli: 1000, memoryMiB: 0, weight: 0.5 },
  ]);
  const node = new ClusterState([aNode('n').gpus(2, 'T4').cpu(8_000).build()]).nodes[0];

  it.each([
    { name: 'idle node has no fragment', cpu: 8_000, free: [1000, 1000], frag: 0 },
    // 300m left on GPU 0 is too small for both shapes.
    { name: 'a small remainder is fragment for both shapes', cpu: 8_000, free: [300, 1000], frag: 300 },
    // 600m fits the share shape, not the whole one: fragment only for the whole-GPU half.
    { name: 'a remainder usable by one shape counts half', cpu: 8_000, free: [600, 1000], frag: 300 },
    // Without CPU nothing fits: every free milli is fragment.
    { name: 'CPU exhaustion strands all free GPU', cpu: 1_000, free: [1000, 1000], frag: 2000 },
  ])('$name', ({ cpu, free, frag }) => {
    expect(workload.fragOf(node, cpu, free)).toBeCloseTo(frag);
  });

  it('treats a node of a product a shape cannot use as all fragment for that shape', () => {
    const w = new TargetWorkload([{ cpuMilli: 0, count: 1, milli: 1000, products: ['A100-80GB'], memoryMiB: 0, weight: 1 }]);
    expect(w.fragOf(node, 8_000, [1000, 1000])).toBe(2000);
  });

  it('counts missing memory only when asked to', () => {
    const w = new TargetWorkload([{ cpuMilli: 0, count: 1, milli: 1000, memoryMiB: 10_000, weight: 1 }]);
    expect(w.fragOf(node, 8_000, [1000, 1000], 5_000)).toBe(2000);
    expect(w.fragOf(node, 8_000, [1000, 1000])).toBe(0);
  });
});
