import { describe, expect, it } from 'vitest';
import type { WorkloadSpec } from '../cluster-driver.js';
import { workerPod } from './k8s-workload-objects.js';

const spec: WorkloadSpec = {
  jobId: '6f1c2f8e-6a53-4a5e-9a1c-0d6f3b1e2a7c',
  attempt: 0,
  project: 'lab',
  name: 'train',
  image: 'img',
  command: [],
  args: [],
  env: {},
  cpuMilli: 1000,
  memoryMiB: 4096,
  gpuCount: 0,
  workers: [{ node: 'n1', gpuIndexes: [] }],
  volumes: [
    { name: 'data', mountPath: '/data', readOnly: true, claim: 'imagenet' },
    { name: 'scratch', mountPath: '/scratch', readOnly: false, scratch: { medium: 'Disk' } },
    { name: 'shm', mountPath: '/dev/shm', readOnly: false, scratch: { medium: 'Memory', sizeLimitMiB: 1024 } },
  ],
};

describe('the volumes of a job spec in its pods', () => {
  it('mounts a read-only claim, a disk emptyDir and a memory-backed /dev/shm, and names each in BEAMLINE_VOLUME_*', () => {
    const pod = workerPod(spec, 0, 'ns');
    expect(pod.spec!.volumes).toEqual(
      expect.arrayContaining([
        { name: 'v-data', persistentVolumeClaim: { claimName: 'imagenet', readOnly: true } },
        { name: 'v-scratch', emptyDir: {} },
        { name: 'v-shm', emptyDir: { medium: 'Memory', sizeLimit: '1024Mi' } },
      ]),
    );
    expect(pod.spec!.containers[0].volumeMounts).toEqual(
      expect.arrayContaining([
        { name: 'v-data', mountPath: '/data', readOnly: true },
        { name: 'v-scratch', mountPath: '/scratch' },
        { name: 'v-shm', mountPath: '/dev/shm' },
      ]),
    );
    const env = Object.fromEntries(pod.spec!.containers[0].env!.map((e) => [e.name, e.value]));
    expect(env).toMatchObject({ BEAMLINE_VOLUME_DATA: '/data', BEAMLINE_VOLUME_SCRATCH: '/scratch', BEAMLINE_VOLUME_SHM: '/dev/shm' });
  });
});
