import { CoreV1Api, type KubeConfig, type V1Node } from '@kubernetes/client-node';

export interface FakeGpuNode {
  name: string;
  /** GFD's `nvidia.com/gpu.product`. */
  product?: string;
  /** Per device, MiB (GFD's `nvidia.com/gpu.memory`). */
  memoryMiB?: number;
  /** Physical devices (`nvidia.com/gpu.count`); default 8. */
  gpus?: number;
  /** Devices in MIG mode and their slices in total per profile, e.g. {devices: 1, slices: {'1g.10gb': 7}}. */
  mig?: { devices: number; slices: Record<string, number> };
  cpu?: string;
  memory?: string;
  labels?: Record<string, string>;
  /** The device plugin shares each GPU `replicas` ways (GFD's sharing labels); `renamed`: as `nvidia.com/gpu.shared`. */
  sharing?: { mode: 'time-slicing' | 'mps'; replicas: number; renamed?: boolean };
}

/**
 * A Node as NVIDIA's device plugin and GPU Feature Discovery would leave it, managed by
 * KWOK (the `kwok.x-k8s.io/node: fake` annotation): allocatable `nvidia.com/gpu` for the
 * devices not in MIG mode, `nvidia.com/mig-<profile>` slices (mixed strategy), the GFD
 * labels, and the `nvidia.com/gpu` NoSchedule taint GPU clusters put on GPU nodes.
 * Nodes accept `status` on create, which stands in for the kubelet's first report.
 */
export function fakeGpuNode(n: FakeGpuNode): V1Node {
  const gpus = n.gpus ?? 8;
  const migDevices = n.mig?.devices ?? 0;
  const resources: Record<string, string> = {
    cpu: n.cpu ?? '96',
    memory: n.memory ?? '1Ti',
    pods: '110',
    'ephemeral-storage': '1Ti',
  };
  const labels: Record<string, string> = {
    'kubernetes.io/hostname': n.name,
    'kubernetes.io/os': 'linux',
    'kubernetes.io/arch': 'amd64',
    type: 'kwok',
    ...n.labels,
  };
  if (gpus > 0) {
    resources['nvidia.com/gpu'] = String(gpus - migDevices);
    Object.assign(labels, {
      'nvidia.com/gpu.present': 'true',
      'nvidia.com/gpu.product': n.product ?? 'NVIDIA-H100-80GB-HBM3',
      'nvidia.com/gpu.memory': String(n.memoryMiB ?? 81559),
      'nvidia.com/gpu.count': String(gpus),
    });
  }
  if (gpus > 0 && n.sharing) {
    const advertised = String((gpus - migDevices) * n.sharing.replicas);
    delete resources['nvidia.com/gpu'];
    resources[n.sharing.renamed ? 'nvidia.com/gpu.shared' : 'nvidia.com/gpu'] = advertised;
    labels['nvidia.com/gpu.sharing-strategy'] = n.sharing.mode;
    labels['nvidia.com/gpu.replicas'] = String(n.sharing.replicas);
  }
  if (n.mig) {
    labels['nvidia.com/mig.strategy'] = 'mixed';
    for (const [profile, count] of Object.entries(n.mig.slices)) {
      resources[`nvidia.com/mig-${profile}`] = String(count);
      labels[`nvidia.com/mig-${profile}.count`] = String(count);
    }
  }
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name: n.name,
      labels,
      annotations: { 'kwok.x-k8s.io/node': 'fake', 'node.alpha.kubernetes.io/ttl': '0' },
    },
    spec: gpus > 0 ? { taints: [{ key: 'nvidia.com/gpu', value: 'present', effect: 'NoSchedule' }] } : {},
    status: { capacity: resources, allocatable: resources },
  };
}

export async function createGpuNodes(kc: KubeConfig, nodes: FakeGpuNode[]): Promise<V1Node[]> {
  const core = kc.makeApiClient(CoreV1Api);
  return Promise.all(nodes.map((n) => core.createNode({ body: fakeGpuNode(n) })));
}

export async function deleteNodes(kc: KubeConfig, names: string[]): Promise<void> {
  const core = kc.makeApiClient(CoreV1Api);
  await Promise.all(names.map((name) => core.deleteNode({ name }).catch(() => undefined)));
}
