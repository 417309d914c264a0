import { describe, expect, it } from 'vitest';
import { ClusterState } from '../cluster-state.js';
import { TargetWorkload } from '../fragmentation.js';
import { placeWorker, selectNode } from '../placement.js';
import { createRng } from '../rng.js';
import { aJob, aNode } from '../testing/builders.js';
import { createPolicy, POLICY_NAMES } from './index.js';

/**
 * Three 4-GPU nodes: "empty" is idle, "half" has 2 whole GPUs used, "shared" has 700m used
 * on device 0 (300m left there) and the other three idle.
 */
function cluster(): ClusterState {
  const s = new ClusterState([aNode('empty').gpus(4).build(), aNode('half').gpus(4).build(), aNode('shared').gpus(4).build()]);
  s.assign({ node: 'half', gpuIndexes: [0, 1] }, aJob('x').whole(2).cpu(0).memory(0).request());
  s.assign({ node: 'shared', gpuIndexes: [0], gpuMilli: 700 }, aJob('y').share(700).cpu(0).memory(0).request());
  return s;
}

const workload = TargetWorkload.fromRequests([aJob('a').share(300).request(), aJob('b').whole(1).request(), aJob('c').whole(4).request()], 1);

describe('policy ordering on a hand-checked cluster', () => {
  it.each([
    // first-fit: lowest index that fits.
    { policy: 'first-fit', req: aJob('j').whole(1).request(), node: 'empty' },
    // best-fit: least GPU left after placing: half (2 free) beats shared (3.3) and empty (4).
    { policy: 'best-fit', req: aJob('j').whole(1).request(), node: 'half' },
    // gpu-packing: a share tops up the used device on "shared" (case 1 beats free devices).
    { policy: 'gpu-packing', req: aJob('j').share(300).request(), node: 'shared' },
    // gpu-packing: whole GPU on a used node before an untouched one; "half" and "shared"
    // tie (one fresh device each) and the lower index wins.
    { policy: 'gpu-packing', req: aJob('j').whole(1).request(), node: 'half' },
    // fgd: a 300m share exactly fills the 300m remainder, removing fragment there.
    { policy: 'fgd', req: aJob('j').share(300).request(), node: 'shared' },
    // fgd: a 4-GPU job only fits the empty node.
    { policy: 'fgd', req: aJob('j').whole(4).request(), node: 'empty' },
    { policy: 'fgd-plus', req: aJob('j').share(300).request(), node: 'shared' },
  ])('$policy places $req.gpu.kind on $node', ({ policy, req, node }) => {
    const s = cluster();
    const chosen = selectNode(s, req, createPolicy(policy, workload), createRng(1));
    expect(chosen?.spec.name).toBe(node);
  });

  it('fgd puts a share on the device it fills, not on an idle one', () => {
    const s = cluster();
    const p = placeWorker(s, aJob('j').share(300).request(), createPolicy('fgd', workload), createRng(1));
    expect(p).toEqual({ node: 'shared', gpuIndexes: [0], gpuMilli: 300 });
  });

  it('best-fit devices: a share goes to the tightest device that fits', () => {
    const s = new ClusterState([aNode('n').gpus(3).build()]);
    const req = (m: number) => aJob('j').share(m).cpu(0).memory(0).request();
    s.assign({ node: 'n', gpuIndexes: [1], gpuMilli: 600 }, req(600));
    s.assign({ node: 'n', gpuIndexes: [2], gpuMilli: 300 }, req(300));
    // Free: 1000, 400, 700 -> 350m goes to device 1 (400 free).
    expect(placeWorker(s, req(350), createPolicy('best-fit', workload), createRng(1))?.gpuIndexes).toEqual([1]);
  });

  it('random spreads over every fitting node, deterministically per seed', () => {
    const pick = (seed: number) => selectNode(cluster(), aJob('j').whole(1).request(), createPolicy('random', workload), createRng(seed))?.spec.name;
    const seen = new Set(Array.from({ length: 40 }, (_, i) => pick(i)));
    expect(seen).toEqual(new Set(['empty', 'half', 'shared']));
    expect(pick(7)).toBe(pick(7));
  });

  it('fgd-plus sends CPU-only work where it strands the least free GPU', () => {
    const s = new ClusterState([aNode('gpu-dense').gpus(8).cpu(32_000).build(), aNode('cpu-rich').gpus(1).cpu(96_000).build()]);
    expect(selectNode(s, aJob('j').cpu(8_000).request(), createPolicy('fgd-plus', workload), createRng(1))?.spec.name).toBe('cpu-rich');
  });

  it('fgd-plus-cpu keeps a share off a node whose CPU would then strand its GPUs', () => {
    // Target: 500m shares with 4 CPUs each. After one such share, "cpu-poor" (2 GPUs, 8 CPUs)
    // has CPU for one more, so of its 1,500m free only the best device (1,000m) can still be
    // reached and 500m is stranded: its fragmentation grows 0 -> 250 (stranded milli counts
    // half), score 43. "cpu-rich" strands nothing (score 50). fgd-plus sees no fragment on
    // either node (both 50) and takes the lower index.
    const w = TargetWorkload.fromRequests([aJob('a').share(500).cpu(4_000).memory(0).request()], 1);
    const s = () => new ClusterState([aNode('cpu-poor').gpus(2).cpu(8_000).build(), aNode('cpu-rich').gpus(2).cpu(32_000).build()]);
    const req = aJob('j').share(500).cpu(4_000).memory(0).request();
    expect(selectNode(s(), req, createPolicy('fgd-plus', w), createRng(1))?.spec.name).toBe('cpu-poor');
    expect(selectNode(s(), req, createPolicy('fgd-plus-cpu', w), createRng(1))?.spec.name).toBe('cpu-rich');
  });

  it.each(POLICY_NAMES)('%s never picks a node that does not fit', (name) => {
    const s = cluster();
    const chosen = selectNode(s, aJob('j').whole(4).request(), createPolicy(name, workload), createRng(3));
    expect(chosen?.spec.name).toBe('empty');
  });
});
