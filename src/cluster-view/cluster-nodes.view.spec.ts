import { describe, expect, it } from 'vitest';
import type { ClusterNodesSnapshot } from '../training/offers/cluster-nodes.js';
import { nodesView, type ActiveJob } from './cluster-nodes.view.js';

const snapshot: ClusterNodesSnapshot = {
  at: Date.UTC(2026, 11, 7),
  nodes: [
    {
      name: 'n1',
      labels: {},
      cpuMilli: 8000,
      memoryMiB: 65536,
      gpus: [
        { index: 0, product: 'A100', memoryMiB: 81920, mig: { '1g.10gb': 7 } },
        { index: 1, product: 'A100', memoryMiB: 81920 },
        { index: 2, product: 'A100', memoryMiB: 81920, sharing: { mode: 'time-slicing', replicas: 4 } },
      ],
    },
  ],
  foreign: [{ owner: 'ns/pod', node: 'n1', gpuIndexes: [2], gpuMilli: 250 }],
};
const job = (over: Partial<ActiveJob>): ActiveJob => ({ id: 'j', name: 'j', projectId: 'mine', projectName: 'lab', status: 'Running', placement: [], ...over });

describe('nodesView', () => {
  const view = nodesView(
    snapshot,
    [
      job({ id: 'a', name: 'slices', placement: [{ node: 'n1', gpuIndexes: [0], migProfile: '1g.10gb' }, { node: 'n1', gpuIndexes: [0], migProfile: '1g.10gb' }] }),
      job({ id: 'b', name: 'whole', placement: [{ node: 'n1', gpuIndexes: [1] }] }),
      job({ id: 'c', name: 'secret', projectId: 'theirs', placement: [{ node: 'n1', gpuIndexes: [2], gpuMilli: 500 }] }),
    ],
    (p) => p === 'mine',
  );
  const [mig, whole, shared] = view.items[0].gpus;

  it('counts MIG slices per profile, not as milli of the device', () => {
    expect(mig.migUsed).toEqual({ '1g.10gb': 2 });
    expect(mig.usedMilli).toBe(0);
    expect(mig.holders.map((h) => h.kind === 'job' && h.worker)).toEqual([0, 1]);
  });

  it('charges a whole device 1000 and adds shares, foreign pods included', () => {
    expect(whole.usedMilli).toBe(1000);
    expect(shared.usedMilli).toBe(750);
    expect(shared.sharing).toEqual({ mode: 'time-slicing', replicas: 4 });
  });

  it('hides the jobs of projects the caller cannot read', () => {
    expect(shared.holders).toEqual([
      { kind: 'hidden', gpuMilli: 500 },
      { kind: 'foreign', owner: 'ns/pod', gpuMilli: 250 },
    ]);
    expect(JSON.stringify(view)).not.toContain('secret');
  });
});
