import { describe, expect, it } from 'vitest';
import { ClusterState } from './cluster-state.js';
import { explainUnplaceable, fitsNoNode, unofferedGpu } from './reasons.js';
import { aJob, aNode } from './testing/builders.js';

const cpuOnly = [aNode('laptop').build()];
const a100s = [aNode('a1').gpus(4, 'A100').build()];
const migOnly = [aNode('m1').migDevice({ '1g.10gb': 7 }).build()];

describe('unofferedGpu: hardware no node has, whatever is in use', () => {
  it.each([
    ['CPU-only job', cpuOnly, aJob('j').request(), null],
    ['any GPU on a CPU-only machine', cpuOnly, aJob('j').whole(1).request(), 'no GPU in this cluster'],
    ['a product on a CPU-only machine', cpuOnly, aJob('j').whole(1).products('NVIDIA-A100-SXM4-80GB').request(), 'no GPU in this cluster'],
    ['products the nodes lack', a100s, aJob('j').share(500).products('H100', 'H200').request(), 'no node has product H100 or H200 (cluster has: A100 ×4)'],
    ['an offered product without enough memory', a100s, aJob('j').whole(1).products('A100').minGpuMemory(100_000).request(), 'no node offers nvidia.com/gpu (product A100, at least 100000 MiB)'],
    ['an offered product', a100s, aJob('j').whole(8).products('A100').request(), null],
    ['more memory than any device', a100s, aJob('j').whole(1).minGpuMemory(100_000).request(), 'no node offers nvidia.com/gpu (at least 100000 MiB)'],
    ['a MIG profile no device has', a100s, aJob('j').mig('1g.10gb').request(), 'no node offers nvidia.com/gpu (MIG profile 1g.10gb)'],
    ['an offered MIG profile', migOnly, aJob('j').mig('1g.10gb').request(), null],
    ['a whole GPU where all are MIG-partitioned', migOnly, aJob('j').whole(1).request(), 'no node offers nvidia.com/gpu (a device without MIG partitions)'],
  ])('%s', (_, nodes, req, want) => {
    expect(unofferedGpu(nodes, req)).toBe(want);
  });
});

describe('fitsNoNode: more devices per worker than any node has', () => {
  it.each([
    ['8 on nodes of 4', aJob('j').whole(8).products('A100').request(), 'fits no single node: needs 8 GPUs on one node, the largest has 4'],
    ['4 on nodes of 4', aJob('j').whole(4).request(), null],
    ['a share', aJob('j').share(500).request(), null],
  ])('%s', (_, req, want) => {
    expect(fitsNoNode(a100s, req)).toBe(want);
  });
});

describe('explainUnplaceable: offered but not free now', () => {
  it('names capacity, not absence, when the devices exist but are taken', () => {
    const nodes = [aNode('a1').gpus(4, 'A100').build()];
    const state = ClusterState.fromSnapshot({ nodes, running: [{ job: aJob('r').whole(2).products('A100').build(), workers: [{ node: 'a1', gpuIndexes: [0, 1] }], startedAt: 0, borrowing: false }] });
    expect(explainUnplaceable(state, aJob('j').whole(4).products('A100').build())).toBe('fits no single node now: needs 4 × A100 on one node, largest free is 2');
  });
});
