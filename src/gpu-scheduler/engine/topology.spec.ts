import { describe, expect, it } from 'vitest';
import { ClusterState } from './cluster-state.js';
import { TargetWorkload } from './fragmentation.js';
import { NodeSpec } from './model.js';
import { placeGang } from './placement.js';
import { createPolicy } from './policies/index.js';
import { createRng } from './rng.js';
import { schedule } from './schedule.js';
import { aJob, aNode, aQueue } from './testing/builders.js';
import { domainsTouched, NVLINK_LABEL, RACK_LABEL } from './topology.js';

/** Rack "ra": nodes a1, a2; rack "rb": b1, b2, b3; 8 GPUs each, lower indexes in ra. */
const racks = (): NodeSpec[] => [
  ...['a1', 'a2'].map((n) => aNode(n).gpus(8).cpu(64_000).label(RACK_LABEL, 'ra').build()),
  ...['b1', 'b2', 'b3'].map((n) => aNode(n).gpus(8).cpu(64_000).label(RACK_LABEL, 'rb').build()),
];
const policy = () => createPolicy('fgd-plus', TargetWorkload.fromRequests([aJob('x').whole(8).request()]));
const place = (nodes: NodeSpec[], job = aJob('g').whole(8).workers(3)) => {
  const state = new ClusterState(nodes);
  const placed = placeGang(state, job.build(), policy(), createRng(1));
  return { state, placed, nodes: placed?.map((p) => p.node) };
};

describe('topology-aware gang placement', () => {
  it('topology-blind, a 3-node gang spans both racks (lowest names first)', () => {
    expect(place(racks()).nodes).toEqual(['a1', 'a2', 'b1']);
  });

  it('required rack: all workers inside the one rack that has room', () => {
    const { nodes, state, placed } = place(racks(), aJob('g').whole(8).workers(3).topology('rack'));
    expect(nodes).toEqual(['b1', 'b2', 'b3']);
    expect(domainsTouched(state, placed!, { scope: 'rack', mode: 'required' })).toBe(1);
  });

  it('picks the tightest rack that fits, keeping the larger one whole', () => {
    expect(place(racks(), aJob('g').whole(8).workers(2).topology('rack')).nodes).toEqual(['a1', 'a2']);
  });

  it('required: no rack has room, nothing is placed and the state is untouched', () => {
    const { placed, state } = place(racks(), aJob('g').whole(8).workers(4).topology('rack'));
    expect(placed).toBeNull();
    expect(state.usedGpuMilli).toBe(0);
  });

  it('preferred: spills over the fewest racks when none has room', () => {
    const { placed, state } = place(racks(), aJob('g').whole(8).workers(4).topology('rack', 'preferred'));
    expect(placed).toHaveLength(4);
    expect(domainsTouched(state, placed!, { scope: 'rack', mode: 'preferred' })).toBe(2);
  });

  it('a configurable label names the domain', () => {
    const nodes = racks().map((n, i) => ({ ...n, labels: { ...n.labels, 'example.com/block': i < 3 ? 'x' : 'y' } }));
    expect(place(nodes, aJob('g').whole(8).workers(3).topology('rack', 'required', 'example.com/block')).nodes).toEqual(['a1', 'a2', 'b1']);
  });

  it('nvlink scope reads the NVLink clique label; unlabelled nodes are never used when required', () => {
    const nodes = [aNode('u1').gpus(8).build(), aNode('n1').gpus(8).label(NVLINK_LABEL, 'c1').build(), aNode('n2').gpus(8).label(NVLINK_LABEL, 'c1').build()];
    expect(place(nodes, aJob('g').whole(8).workers(2).topology('nvlink')).nodes).toEqual(['n1', 'n2']);
    expect(place(nodes, aJob('g').whole(8).workers(3).topology('nvlink')).placed).toBeNull();
  });

  it('node scope puts every worker on one node', () => {
    const nodes = [aNode('p').gpus(8).build(), aNode('q').gpus(8).build()];
    const state = new ClusterState(nodes);
    state.assign({ node: 'p', gpuIndexes: [0] }, aJob('x').whole(1).request());
    const placed = placeGang(state, aJob('g').whole(4).workers(2).topology('node').build(), policy(), createRng(1));
    expect(placed?.map((p) => p.node)).toEqual(['q', 'q']);
  });

  it('schedule() says why a required gang waits', () => {
    const r = schedule({
      snapshot: { nodes: racks(), running: [] },
      pending: [aJob('g').whole(8).workers(4).topology('rack').build()],
      queues: [aQueue('team-a', [{ product: 'A100-80GB', nominal: 64_000 }])],
      now: 0,
      seed: 1,
    });
    expect(r.decisions).toEqual([]);
    expect(r.pending[0].reason).toMatch(/inside one rack domain \(topology required\)/);
  });
});
