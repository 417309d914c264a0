import { describe, expect, it } from 'vitest';
import { ClusterState } from './cluster-state.js';
import { firstFailure, fits } from './filters.js';
import { NodeSpec, WorkerRequest } from './model.js';
import { aJob, aNode } from './testing/builders.js';

const node = (spec: NodeSpec, used: { cpu?: number; mem?: number; milli?: number[] } = {}) => {
  const state = new ClusterState([spec]);
  const n = state.nodes[0];
  n.cpuFree -= used.cpu ?? 0;
  n.memFree -= used.mem ?? 0;
  (used.milli ?? []).forEach((m, i) => (n.gpuFree[i] -= m));
  return n;
};

const a100x4 = aNode('n1').gpus(4, 'A100-80GB', 81_920).cpu(32_000).memory(128_000);

describe('filters', () => {
  const cases: { name: string; spec: NodeSpec; used?: Parameters<typeof node>[1]; req: WorkerRequest; failsOn: string | null }[] = [
    { name: 'whole GPUs fit', spec: a100x4.build(), req: aJob('j').whole(4).request(), failsOn: null },
    { name: 'too many whole GPUs', spec: a100x4.build(), req: aJob('j').whole(5).request(), failsOn: 'gpu-capacity' },
    { name: 'a partly used device is not a whole GPU', spec: a100x4.build(), used: { milli: [500] }, req: aJob('j').whole(4).request(), failsOn: 'gpu-capacity' },
    { name: 'share fits a partly used device', spec: a100x4.build(), used: { milli: [1000, 1000, 1000, 600] }, req: aJob('j').share(400).request(), failsOn: null },
    { name: 'share larger than any free remainder', spec: a100x4.build(), used: { milli: [1000, 1000, 1000, 700] }, req: aJob('j').share(400).request(), failsOn: 'gpu-capacity' },
    { name: 'CPU exhausted', spec: a100x4.build(), used: { cpu: 31_500 }, req: aJob('j').whole(1).cpu(1_000).request(), failsOn: 'cpu' },
    { name: 'memory exhausted', spec: a100x4.build(), used: { mem: 127_500 }, req: aJob('j').whole(1).memory(1_000).request(), failsOn: 'memory' },
    { name: 'product allowed', spec: a100x4.build(), req: aJob('j').whole(1).products('H100', 'A100-80GB').request(), failsOn: null },
    { name: 'product not allowed', spec: a100x4.build(), req: aJob('j').whole(1).products('H100').request(), failsOn: 'product' },
    { name: 'product list ignored for CPU-only work', spec: a100x4.build(), req: aJob('j').products('H100').request(), failsOn: null },
    { name: 'min GPU memory met', spec: a100x4.build(), req: aJob('j').whole(1).minGpuMemory(80_000).request(), failsOn: null },
    { name: 'min GPU memory not met', spec: aNode('n').gpus(2, 'T4', 15_360).build(), req: aJob('j').whole(1).minGpuMemory(40_000).request(), failsOn: 'gpu-memory' },
    { name: 'MIG profile present', spec: aNode('n').migDevice({ '1g.5gb': 7 }).build(), req: aJob('j').mig('1g.5gb').request(), failsOn: null },
    { name: 'MIG profile absent', spec: aNode('n').migDevice({ '3g.20gb': 2 }).build(), req: aJob('j').mig('1g.5gb').request(), failsOn: 'mig-profile' },
    { name: 'MIG device offers no whole GPU', spec: aNode('n').migDevice({ '1g.5gb': 7 }).build(), req: aJob('j').whole(1).request(), failsOn: 'gpu-capacity' },
    { name: 'a node lost by an earlier attempt', spec: a100x4.build(), req: aJob('j').whole(1).excluding('n1').request(), failsOn: 'excluded-node' },
    { name: 'another node excluded', spec: a100x4.build(), req: aJob('j').whole(1).excluding('n9').request(), failsOn: null },
    { name: 'node selector matches', spec: a100x4.label('zone', 'a').build(), req: aJob('j').selector('zone', 'a').request(), failsOn: null },
    { name: 'node selector mismatch', spec: aNode('n').label('zone', 'b').build(), req: aJob('j').selector('zone', 'a').request(), failsOn: 'node-selector' },
    { name: 'untolerated taint', spec: aNode('n').taint('nvidia.com/gpu').build(), req: aJob('j').request(), failsOn: 'taints' },
    { name: 'tolerated by Exists', spec: aNode('n').taint('nvidia.com/gpu').build(), req: aJob('j').tolerate({ key: 'nvidia.com/gpu', operator: 'Exists' }).request(), failsOn: null },
    { name: 'Equal needs the value', spec: aNode('n').taint('dedicated', 'NoSchedule', 'ml').build(), req: aJob('j').tolerate({ key: 'dedicated', value: 'web' }).request(), failsOn: 'taints' },
    { name: 'PreferNoSchedule never blocks', spec: aNode('n').taint('soft', 'PreferNoSchedule').build(), req: aJob('j').request(), failsOn: null },
    { name: 'effect must match', spec: aNode('n').taint('x', 'NoExecute').build(), req: aJob('j').tolerate({ key: 'x', operator: 'Exists', effect: 'NoSchedule' }).request(), failsOn: 'taints' },
  ];

  it.each(cases)('$name', ({ spec, used, req, failsOn }) => {
    const n = node(spec, used);
    expect(firstFailure(n, req)?.filter ?? null).toBe(failsOn);
    expect(fits(n, req)).toBe(failsOn === null);
  });
});
