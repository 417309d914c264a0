import type { V1Node, V1Pod } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { buildInventory, gpuDevicesOf, nodeSignature } from './k8s-inventory.js';
import { dnsLabel, labelValue, podName } from './k8s-names.js';
import { mibOf, milliOf } from './quantity.js';

const node = (name: string, alloc: Record<string, string>, labels: Record<string, string> = {}): V1Node => ({
  metadata: { name, labels },
  status: { allocatable: alloc },
});
const gfd = (count: number) => ({ 'nvidia.com/gpu.product': 'H100', 'nvidia.com/gpu.memory': '81559', 'nvidia.com/gpu.count': String(count) });
const pod = (ns: string, name: string, nodeName: string, limits: Record<string, string>, extra: Partial<V1Pod['metadata']> = {}, created = 0): V1Pod => ({
  metadata: { namespace: ns, name, creationTimestamp: new Date(created), ...extra },
  spec: { nodeName, containers: [{ name: 'c', resources: { requests: { cpu: '500m', memory: '1Gi' }, limits } }] },
  status: { phase: 'Running' },
});

describe('quantities', () => {
  it.each([
    ['500m', 500],
    ['2', 2000],
    ['1k', 1_000_000],
    ['bad', 0],
  ])('cpu %s → %i milli', (q, m) => expect(milliOf(q)).toBe(m));
  it.each([
    ['1Gi', 1024],
    ['1Ti', 1024 * 1024],
    ['1G', 953],
    ['134217728', 128],
  ])('memory %s → %i MiB', (q, m) => expect(mibOf(q)).toBe(m));
});

describe('names', () => {
  it('keeps valid names and hashes changed ones so they never collide', () => {
    expect(podName('job-1', 2, 3)).toBe('bl-job-1-a2-w3');
    expect(dnsLabel('Job_1')).not.toBe(dnsLabel('job-1'));
    expect(dnsLabel('x'.repeat(100))).toHaveLength(63);
    expect(labelValue('ok.value_1')).toBe('ok.value_1');
    expect(labelValue('my project!')).toMatch(/^my-project-[0-9a-f]{8}$/);
  });
});

describe('gpuDevicesOf', () => {
  it('derives whole devices from allocatable nvidia.com/gpu and GFD labels', () => {
    expect(gpuDevicesOf(node('a', { 'nvidia.com/gpu': '2' }, gfd(2)))).toEqual([
      { index: 0, product: 'H100', memoryMiB: 81559, sharing: { mode: 'none', replicas: 1 } },
      { index: 1, product: 'H100', memoryMiB: 81559, sharing: { mode: 'none', replicas: 1 } },
    ]);
  });
  it('reads time-slicing from GFD: replicas per device, devices = advertised / replicas', () => {
    const labels = { ...gfd(2), 'nvidia.com/gpu.sharing-strategy': 'time-slicing', 'nvidia.com/gpu.replicas': '4' };
    expect(gpuDevicesOf(node('ts', { 'nvidia.com/gpu': '8' }, labels)).map((d) => [d.index, d.sharing])).toEqual([
      [0, { mode: 'time-slicing', replicas: 4, resource: 'nvidia.com/gpu' }],
      [1, { mode: 'time-slicing', replicas: 4, resource: 'nvidia.com/gpu' }],
    ]);
  });
  it('uses the renamed nvidia.com/gpu.shared resource, and the lab label over GFD', () => {
    const labels = { ...gfd(1), 'nvidia.com/gpu.sharing-strategy': 'time-slicing', 'beamline.dev/gpu-sharing': 'mps', 'nvidia.com/gpu.replicas': '2' };
    expect(gpuDevicesOf(node('mps', { 'nvidia.com/gpu.shared': '2' }, labels))).toEqual([
      { index: 0, product: 'H100', memoryMiB: 81559, sharing: { mode: 'mps', replicas: 2, resource: 'nvidia.com/gpu.shared' } },
    ]);
  });
  it('treats an unknown mode or a missing replica count as no sharing', () => {
    const cases: Record<string, string>[] = [{ 'nvidia.com/gpu.sharing-strategy': 'hami', 'nvidia.com/gpu.replicas': '4' }, { 'nvidia.com/gpu.sharing-strategy': 'mps' }];
    for (const labels of cases) {
      expect(gpuDevicesOf(node('x', { 'nvidia.com/gpu': '2' }, { ...gfd(2), ...labels })).map((d) => d.sharing)).toEqual([
        { mode: 'none', replicas: 1 },
        { mode: 'none', replicas: 1 },
      ]);
    }
  });
  it('spreads MIG slices over the devices not offered whole', () => {
    const g = gpuDevicesOf(node('a', { 'nvidia.com/gpu': '1', 'nvidia.com/mig-1g.10gb': '7', 'nvidia.com/mig-2g.20gb': '3' }, gfd(3)));
    expect(g.map((d) => [d.index, d.mig])).toEqual([
      [0, undefined],
      [1, { '1g.10gb': 4, '2g.20gb': 2 }],
      [2, { '1g.10gb': 3, '2g.20gb': 1 }],
    ]);
  });
  it('gives a node without GPU resources no devices', () => {
    expect(gpuDevicesOf(node('cpu', { cpu: '4' }))).toEqual([]);
  });
});

describe('buildInventory', () => {
  const nodes = [node('n', { 'nvidia.com/gpu': '4' }, gfd(4))];
  const ours = pod('beamline', 'w0', 'n', { 'nvidia.com/gpu': '2' }, {
    labels: { 'app.kubernetes.io/managed-by': 'beamline' },
    annotations: { 'beamline.dev/gpu-indexes': '0,2' },
  });

  it('guesses foreign devices around Beamline-held ones, oldest pod first', () => {
    const inv = buildInventory(nodes, [pod('x', 'late', 'n', { 'nvidia.com/gpu': '1' }, {}, 2), pod('x', 'early', 'n', { 'nvidia.com/gpu': '1' }, {}, 1), ours], 'beamline');
    expect(inv.foreign).toEqual([
      { owner: 'x/early', placement: { node: 'n', gpuIndexes: [1] }, cpuMilli: 500, memoryMiB: 1024 },
      { owner: 'x/late', placement: { node: 'n', gpuIndexes: [3] }, cpuMilli: 500, memoryMiB: 1024 },
    ]);
  });
  it('keeps a guess while its pod lives, even when devices below it are freed', () => {
    const guesses = new Map();
    const early = pod('x', 'early', 'n', { 'nvidia.com/gpu': '1' }, {}, 1);
    expect(buildInventory(nodes, [ours, early], 'beamline', guesses).foreign[0].placement.gpuIndexes).toEqual([1]);
    const later = buildInventory(nodes, [early, pod('x', 'new', 'n', { 'nvidia.com/gpu': '1' }, {}, 3)], 'beamline', guesses);
    expect(later.foreign.map((f) => [f.owner, f.placement.gpuIndexes])).toEqual([
      ['x/early', [1]],
      ['x/new', [0]],
    ]);
    buildInventory(nodes, [], 'beamline', guesses);
    expect(guesses.size).toBe(0);
  });
  it('keeps the annotated devices of another namespace’s Beamline pods', () => {
    const theirs = { ...ours, metadata: { ...ours.metadata, namespace: 'other' } };
    expect(buildInventory(nodes, [theirs], 'beamline').foreign[0].placement).toEqual({ node: 'n', gpuIndexes: [0, 2] });
  });
  it('skips unbound, finished and GPU-less pods', () => {
    const unbound = pod('x', 'u', '', { 'nvidia.com/gpu': '1' });
    const done = { ...pod('x', 'd', 'n', { 'nvidia.com/gpu': '1' }), status: { phase: 'Succeeded' } };
    expect(buildInventory(nodes, [unbound, done, pod('x', 'cpu', 'n', {})], 'beamline').foreign).toEqual([]);
  });
});

describe('nodeSignature', () => {
  it('ignores heartbeats and sees what NodeSpec is built from', () => {
    const n = node('n', { 'nvidia.com/gpu': '4' }, gfd(4));
    const beat: V1Node = { ...n, status: { ...n.status, conditions: [{ type: 'Ready', status: 'True', lastHeartbeatTime: new Date() }] } };
    expect(nodeSignature(beat)).toBe(nodeSignature(n));
    expect(nodeSignature({ ...n, spec: { unschedulable: true } })).not.toBe(nodeSignature(n));
    expect(nodeSignature(node('n', { 'nvidia.com/gpu': '3' }, gfd(4)))).not.toBe(nodeSignature(n));
  });
});
