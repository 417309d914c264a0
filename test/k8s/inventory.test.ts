import { CoreV1Api, PatchStrategy, setHeaderOptions, type KubeConfig, type V1Pod } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ForeignAllocation, WorkloadSpec } from '../../src/cluster/cluster-driver.js';
import { workloadSpec } from '../../src/cluster/testing/workload-spec.js';
import { KubernetesDriver } from '../../src/cluster/kubernetes/kubernetes-driver.js';
import { adminKubeConfig, createTestNamespace, deleteTestNamespace, uniqueSuffix, untilDriver } from '../helpers/k8s-namespace.js';
import { createGpuNodes, deleteNodes } from '../helpers/k8s-nodes.js';

// Inventory from the informer cache: fake GPU nodes as NVIDIA's device plugin + GFD
// publish them, foreign GPU pods with a best-effort device guess, updates through watches.
const s = uniqueSuffix();
const H100 = `inv-${s}-h100`;
const A100 = `inv-${s}-a100-mig`;
const CPU = `inv-${s}-cpu`;
const LATE = `inv-${s}-late`;
let kc: KubeConfig;
let core: CoreV1Api;
let ns: string;
let other: string;
let driver: KubernetesDriver;

const nodeOf = (name: string) => driver.inventory().nodes.find((n) => n.name === name);
const foreignOf = (owner: string) => untilDriver(driver, () => driver.inventory().foreign.find((f) => f.owner === owner));

function gpuPod(name: string, node: string, resources: Record<string, string>): V1Pod {
  return {
    metadata: { name },
    spec: {
      nodeName: node,
      tolerations: [{ key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' }],
      containers: [{ name: 'c', image: 'cuda:12', resources: { requests: { cpu: '2', memory: '4Gi' }, limits: resources } }],
    },
  };
}

const oneGpuJob = (jobId: string, gpuIndexes: number[]): WorkloadSpec =>
  workloadSpec({ jobId, project: 'inventory', name: jobId, gpuCount: gpuIndexes.length, workers: [{ node: H100, gpuIndexes }] });

beforeAll(async () => {
  kc = adminKubeConfig();
  core = kc.makeApiClient(CoreV1Api);
  [ns, other] = await Promise.all([createTestNamespace(kc, 'inv'), createTestNamespace(kc, 'inv-foreign')]);
  await createGpuNodes(kc, [
    { name: H100, product: 'NVIDIA-H100-80GB-HBM3', memoryMiB: 81559, gpus: 8 },
    { name: A100, product: 'NVIDIA-A100-SXM4-80GB', memoryMiB: 81920, gpus: 8, mig: { devices: 2, slices: { '1g.10gb': 14, '3g.40gb': 2 } } },
    { name: CPU, gpus: 0, cpu: '32', memory: '128Gi' },
  ]);
  driver = new KubernetesDriver({ namespace: ns, kubeConfig: kc });
  await driver.start();
});

afterAll(async () => {
  await driver?.stop();
  await deleteNodes(kc, [H100, A100, CPU, LATE]);
  await Promise.all([deleteTestNamespace(kc, ns), deleteTestNamespace(kc, other)]);
});

describe('kubernetes driver inventory', () => {
  it('turns GFD labels and device-plugin resources into GPU devices', () => {
    const h100 = nodeOf(H100)!;
    expect(h100.cpuMilli).toBe(96_000);
    expect(h100.memoryMiB).toBe(1024 * 1024);
    // No sharing labels: the devices are exclusive, so no fractional share goes there (engine/sharing.ts).
    const exclusive = { mode: 'none', replicas: 1 };
    expect(h100.gpus).toEqual([0, 1, 2, 3, 4, 5, 6, 7].map((index) => ({ index, product: 'NVIDIA-H100-80GB-HBM3', memoryMiB: 81559, sharing: exclusive })));
    expect(h100.taints).toContainEqual({ key: 'nvidia.com/gpu', value: 'present', effect: 'NoSchedule' });
    expect(h100.labels['nvidia.com/gpu.count']).toBe('8');
  });

  it('puts MIG slices on the devices after the whole ones (mixed strategy)', () => {
    const a100 = nodeOf(A100)!;
    expect(a100.gpus.filter((g) => !g.mig).map((g) => g.index)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(a100.gpus.filter((g) => g.mig)).toEqual([
      { index: 6, product: 'NVIDIA-A100-SXM4-80GB', memoryMiB: 81920, mig: { '1g.10gb': 7, '3g.40gb': 1 }, sharing: { mode: 'none', replicas: 1 } },
      { index: 7, product: 'NVIDIA-A100-SXM4-80GB', memoryMiB: 81920, mig: { '1g.10gb': 7, '3g.40gb': 1 }, sharing: { mode: 'none', replicas: 1 } },
    ]);
  });

  it('lists a node without GPUs with no devices', () => {
    expect(nodeOf(CPU)).toMatchObject({ cpuMilli: 32_000, memoryMiB: 128 * 1024, gpus: [] });
  });

  it('sees a node added later through the watch', async () => {
    const seen = untilDriver(driver, () => nodeOf(LATE));
    await createGpuNodes(kc, [{ name: LATE, product: 'NVIDIA-L40S', memoryMiB: 46068, gpus: 4 }]);
    const late = await seen;
    expect(late.gpus.map((g) => g.product)).toEqual(['NVIDIA-L40S', 'NVIDIA-L40S', 'NVIDIA-L40S', 'NVIDIA-L40S']);
  });

  it('sees a cordon and a node deletion through the watch', async () => {
    await core.patchNode({ name: LATE, body: { spec: { unschedulable: true } } }, setHeaderOptions('Content-Type', PatchStrategy.MergePatch));
    const cordoned = await untilDriver(driver, () => nodeOf(LATE)?.taints.find((t) => t.key === 'node.kubernetes.io/unschedulable'));
    expect(cordoned.effect).toBe('NoSchedule');
    await core.deleteNode({ name: LATE });
    await untilDriver(driver, () => !nodeOf(LATE));
  });

  it('reports foreign GPU pods, guessing devices around the ones Beamline holds', async () => {
    // Beamline holds device 0 of the H100 node; a foreign 2-GPU pod then gets 1 and 2.
    await driver.createWorkload(oneGpuJob(`inv-${s}-holder`, [0]));
    await untilDriver(driver, () => driver.workloads().some((w) => w.jobId === `inv-${s}-holder`));
    await core.createNamespacedPod({ namespace: other, body: gpuPod('trainer', H100, { 'nvidia.com/gpu': '2' }) });
    const f = await foreignOf(`${other}/trainer`);
    expect(f).toEqual<ForeignAllocation>({ owner: `${other}/trainer`, placement: { node: H100, gpuIndexes: [1, 2] }, cpuMilli: 2000, memoryMiB: 4096 });
    // Beamline's own pods never show up as foreign.
    expect(driver.inventory().foreign.filter((x) => x.owner.startsWith(`${ns}/`))).toEqual([]);
  });

  it('reports a foreign MIG pod on a device that has the profile', async () => {
    await core.createNamespacedPod({ namespace: other, body: gpuPod('mig-user', A100, { 'nvidia.com/mig-3g.40gb': '1' }) });
    const f = await foreignOf(`${other}/mig-user`);
    expect(f.placement).toEqual({ node: A100, gpuIndexes: [6], migProfile: '3g.40gb' });
  });

  it('frees the devices of a deleted Beamline workload', async () => {
    await driver.deleteWorkload(`inv-${s}-holder`);
    await untilDriver(driver, () => !driver.workloads().some((w) => w.jobId === `inv-${s}-holder`));
    await core.createNamespacedPod({ namespace: other, body: gpuPod('after-delete', H100, { 'nvidia.com/gpu': '1' }) });
    const f = await foreignOf(`${other}/after-delete`);
    expect(f.placement.gpuIndexes).toEqual([0]);
  });

  it('ignores foreign pods without GPUs and forgets deleted ones', async () => {
    await core.createNamespacedPod({ namespace: other, body: gpuPod('cpu-only', H100, {}) });
    await core.deleteNamespacedPod({ name: 'trainer', namespace: other });
    await untilDriver(driver, () => !driver.inventory().foreign.some((f) => f.owner === `${other}/trainer`));
    expect(driver.inventory().foreign.map((f) => f.owner)).not.toContain(`${other}/cpu-only`);
  });
});
