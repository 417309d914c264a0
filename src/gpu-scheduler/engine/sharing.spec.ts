import { describe, expect, it } from 'vitest';
import { Job, NodeSpec, RunningJob } from './model.js';
import { schedule } from './schedule.js';
import { shareMilli, sharingAllows } from './sharing.js';
import { aJob, aNode, aQueue, runningJob } from './testing/builders.js';

// GPU sharing modes as a device plugin enforces them (docs/gpu-nodes.md, issue 20 item 2).
const T4 = 'Tesla-T4';
const open = [aQueue('q', [{ product: T4, nominal: 1_000_000 }])];
const run = (nodes: NodeSpec[], pending: Job[], running: RunningJob[] = []) =>
  schedule({ snapshot: { nodes, running }, pending, queues: open, now: 1, seed: 1, minRuntimeMs: 0 });
const share = (id: string, milli: number) => aJob(id).share(milli).queue('q').build();

describe('GPU sharing modes', () => {
  const exclusive = aNode('exclusive').gpus(1, T4).sharing('none').build();
  const sliced = aNode('sliced').gpus(1, T4).sharing('time-slicing', 4, 'nvidia.com/gpu.shared').build();
  const mps = aNode('mps').gpus(1, T4).sharing('mps', 2).build();

  it('accounts a share in whole replicas of the shared device', () => {
    expect(shareMilli(sliced.gpus[0], 300)).toBe(500);
    expect(shareMilli(sliced.gpus[0], 250)).toBe(250);
    expect(shareMilli(aNode('x').gpus(1).sharing('time-slicing', 3).build().gpus[0], 500)).toBe(666);
    expect(shareMilli(exclusive.gpus[0], 300)).toBe(300); // not placeable there, but no rounding either
  });

  it('puts a share only where the node enforces it, and asks for one replica of its resource', () => {
    const r = run([exclusive, sliced], [share('f', 250)]);
    expect(r.decisions).toEqual([{ jobId: 'f', workers: [{ node: 'sliced', gpuIndexes: [0], gpuMilli: 250, sharedResource: 'nvidia.com/gpu.shared' }], flavor: T4, borrowing: false }]);
  });

  it('fills a time-sliced GPU by replicas: four 0.3 shares need two replicas each, so only two fit', () => {
    const r = run([sliced], ['a', 'b', 'c'].map((id) => share(id, 300)));
    expect(r.decisions.map((d) => d.jobId)).toEqual(['a', 'b']);
    expect(r.pending.map((p) => p.jobId)).toEqual(['c']);
  });

  it('refuses a share on a cluster whose GPUs are all exclusive, saying what would make it run', () => {
    const r = run([exclusive], [share('f', 500)]);
    expect(r.pending).toEqual([{ jobId: 'f', reason: expect.stringMatching(/^no node shares its GPUs: a fraction \(500m\) needs a node pool with time-slicing or MPS/), unschedulable: true }]);
  });

  it('refuses under MPS a share larger than one replica, naming the largest it can enforce', () => {
    expect(sharingAllows(mps.gpus[0], { kind: 'share', milli: 500 })).toBe(true);
    const r = run([mps], [share('big', 600)]);
    expect(r.pending[0].reason).toMatch(/^MPS splits each GPU here into replicas of at most 500m: a share of 600m cannot be enforced/);
  });

  it('never hands out a shared device whole: the plugin would give a replica, not the GPU', () => {
    const whole = aJob('w').whole(1).queue('q').build();
    expect(run([sliced], [whole]).pending[0].reason).toMatch(/^every such node shares its GPUs/);
    expect(run([sliced, exclusive], [whole]).decisions[0].workers[0].node).toBe('exclusive');
  });

  it('counts running shares by replica too', () => {
    const held = runningJob(share('held', 300), [{ node: 'sliced', gpuIndexes: [0], gpuMilli: 300, sharedResource: 'nvidia.com/gpu.shared' }]);
    const r = run([sliced], [share('a', 500), share('b', 250)], [held]);
    expect(r.decisions.map((d) => d.jobId)).toEqual(['a']);
  });

  it('keeps shares without a sharing mode (local driver, simulator) as before', () => {
    const plain = aNode('plain').gpus(1, T4).build();
    expect(run([plain], ['a', 'b', 'c'].map((id) => share(id, 300))).decisions).toHaveLength(3);
  });
});
