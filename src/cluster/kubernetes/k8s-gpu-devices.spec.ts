import type { V1Pod } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import type { WorkloadSpec } from '../cluster-driver.js';
import { hostDeviceEnv } from '../cluster-driver.js';
import { workloadSpec } from '../testing/workload-spec.js';
import { workerPod } from './k8s-workload-objects.js';

const spec = (over: Partial<WorkloadSpec> = {}): WorkloadSpec => workloadSpec({ gpuCount: 1, workers: [{ node: 'a', gpuIndexes: [3] }], ...over });

const envOf = (pod: V1Pod) => Object.fromEntries((pod.spec!.containers[0].env ?? []).map((e) => [e.name, e.value]));
const visibility = (pod: V1Pod) => {
  const env = envOf(pod);
  return { CUDA_VISIBLE_DEVICES: env.CUDA_VISIBLE_DEVICES, NVIDIA_VISIBLE_DEVICES: env.NVIDIA_VISIBLE_DEVICES };
};
const gpuAnnotations = (pod: V1Pod) =>
  Object.fromEntries(Object.entries(pod.metadata!.annotations ?? {}).filter(([k]) => k !== 'beamline.dev/training-job-id'));

// Issue 20, item 1: inside a container the device plugin's devices are numbered from 0, so a
// host index in CUDA_VISIBLE_DEVICES would hide them. Resources decide; indexes are advisory.
describe('GPU devices in the worker pod (issue 20)', () => {
  it.each([
    {
      case: 'two whole GPUs: the nvidia.com/gpu limit only',
      over: { gpuCount: 2, workers: [{ node: 'a', gpuIndexes: [3, 5] }] },
      limits: { memory: '1024Mi', 'nvidia.com/gpu': '2' },
      annotations: { 'beamline.dev/gpu-indexes': '3,5' },
      visible: { CUDA_VISIBLE_DEVICES: undefined, NVIDIA_VISIBLE_DEVICES: undefined },
    },
    {
      case: 'a MIG slice chosen per worker: the mig-<profile> resource only',
      over: { gpuCount: 0, workers: [{ node: 'a', gpuIndexes: [7], migProfile: '1g.10gb' }] },
      limits: { memory: '1024Mi', 'nvidia.com/mig-1g.10gb': '1' },
      annotations: { 'beamline.dev/gpu-indexes': '7', 'beamline.dev/mig-profile': '1g.10gb' },
      visible: { CUDA_VISIBLE_DEVICES: undefined, NVIDIA_VISIBLE_DEVICES: undefined },
    },
    {
      case: 'a MIG profile given on the job only: still no host index in the env',
      over: { gpuCount: 0, migProfile: '3g.40gb', workers: [{ node: 'a', gpuIndexes: [2] }] },
      limits: { memory: '1024Mi', 'nvidia.com/mig-3g.40gb': '1' },
      annotations: { 'beamline.dev/gpu-indexes': '2', 'beamline.dev/mig-profile': '3g.40gb' },
      visible: { CUDA_VISIBLE_DEVICES: undefined, NVIDIA_VISIBLE_DEVICES: undefined },
    },
    {
      case: 'a fractional share on a sharing node: one replica of its resource, no visibility env (the plugin picks)',
      over: { gpuCount: 0, workers: [{ node: 'a', gpuIndexes: [1], gpuMilli: 250, sharedResource: 'nvidia.com/gpu.shared' }] },
      limits: { memory: '1024Mi', 'nvidia.com/gpu.shared': '1' },
      annotations: { 'beamline.dev/gpu-indexes': '1', 'beamline.dev/gpu-milli': '250' },
      visible: { CUDA_VISIBLE_DEVICES: undefined, NVIDIA_VISIBLE_DEVICES: undefined },
    },
    {
      case: 'a share placed by an older controller (no sharedResource): no resource, pinned by NVIDIA_VISIBLE_DEVICES, index 0 inside so no CUDA_VISIBLE_DEVICES',
      over: { gpuCount: 0, workers: [{ node: 'a', gpuIndexes: [5], gpuMilli: 500 }] },
      limits: { memory: '1024Mi' },
      annotations: { 'beamline.dev/gpu-indexes': '5', 'beamline.dev/gpu-milli': '500' },
      visible: { CUDA_VISIBLE_DEVICES: undefined, NVIDIA_VISIBLE_DEVICES: '5' },
    },
    {
      case: 'a CPU-only worker: no GPU resource and no visibility env',
      over: { gpuCount: 0, workers: [{ node: 'a', gpuIndexes: [] }] },
      limits: { memory: '1024Mi' },
      annotations: { 'beamline.dev/gpu-indexes': '' },
      visible: { CUDA_VISIBLE_DEVICES: undefined, NVIDIA_VISIBLE_DEVICES: undefined },
    },
  ])('$case', ({ over, limits, annotations, visible }) => {
    const pod = workerPod(spec(over), 0, 'ns');
    expect(pod.spec!.containers[0].resources!.limits).toEqual(limits);
    expect(gpuAnnotations(pod)).toEqual(annotations);
    expect(visibility(pod)).toEqual(visible);
  });

  it('keeps the share in BEAMLINE_GPU_MILLI and lets the job set its own CUDA_VISIBLE_DEVICES', () => {
    const share = workerPod(spec({ gpuCount: 0, workers: [{ node: 'a', gpuIndexes: [1], gpuMilli: 250 }] }), 0, 'ns');
    expect(envOf(share).BEAMLINE_GPU_MILLI).toBe('250');
    const own = workerPod(spec({ env: { CUDA_VISIBLE_DEVICES: '0' } }), 0, 'ns');
    expect(envOf(own).CUDA_VISIBLE_DEVICES).toBe('0');
  });

  it('a process on the host (local driver) still sees the host indexes Beamline chose', () => {
    expect(hostDeviceEnv({ node: 'a', gpuIndexes: [3, 5] })).toEqual({ NVIDIA_VISIBLE_DEVICES: '3,5', CUDA_VISIBLE_DEVICES: '3,5' });
    expect(hostDeviceEnv({ node: 'a', gpuIndexes: [7], migProfile: '1g.10gb' })).toEqual({});
    expect(hostDeviceEnv({ node: 'a', gpuIndexes: [] })).toEqual({});
  });
});
