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

  it.each([
    // CPU for 4 more shares, devices for 4: nothing stranded.
    { name: 'CPU for every share the devices hold strands nothing', cpu: 8_000, free: [1000, 1000], plain: 0, units: 0 },
    // CPU for one more share: only one device is reachable, the other 1000m is fragment for the share half.
    { name: 'CPU for fewer shares than the devices hold strands the rest', cpu: 2_000, free: [1000, 1000], plain: 0, units: 500 },
    // The reachable device is the largest: 800m of 1,400m, so 600m stranded for the share half
    // (300), on top of the whole-GPU half, which fits nowhere (700).
    { name: 'the largest devices are the reachable ones', cpu: 2_000, free: [600, 800], plain: 700, units: 1000 },
  ])('share units: $name', ({ cpu, free, plain, units }) => {
    expect(workload.fragOf(node, cpu, free, Infinity, 1)).toBeCloseTo(units);
    expect(workload.fragOf(node, cpu, free)).toBeCloseTo(plain);
  });

  it('share units: memory for fewer shares strands the rest too', () => {
    const w = new TargetWorkload([{ cpuMilli: 0, count: 1, milli: 500, memoryMiB: 10_000, weight: 1 }]);
    expect(w.fragOf(node, 8_000, [1000, 1000], 10_000, 1)).toBe(1000);
    expect(w.fragOf(node, 8_000, [1000, 1000], 40_000, 1)).toBe(0);
  });

  it('share units: a weight below 1 counts that share of the stranded milli', () => {
    // As above (CPU for one share, 1000m stranded for the share half): half of 500.
    expect(workload.fragOf(node, 2_000, [1000, 1000], Infinity, 0.5)).toBeCloseTo(250);
  });

  it('counts missing memory only when asked to', () => {
    const w = new TargetWorkload([{ cpuMilli: 0, count: 1, milli: 1000, memoryMiB: 10_000, weight: 1 }]);
    expect(w.fragOf(node, 8_000, [1000, 1000], 5_000)).toBe(2000);
    expect(w.fragOf(node, 8_000, [1000, 1000])).toBe(0);
  });
});
