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

  it('mounts a claim dataset read-only at its subPath, and fetches an uploaded one in an init container with the job token', () => {
    const sha = 'a'.repeat(64);
    const pod = workerPod(
      {
        ...spec,
        env: { BEAMLINE_URL: 'http://beamline:8080' },
        secretEnv: { BEAMLINE_TOKEN: 'secret' },
        volumes: [
          { name: 'imgs', mountPath: '/imgs', readOnly: true, dataset: { name: 'images', version: 3, versionId: 'x', claim: 'lab-data', path: 'images/2026' } },
          { name: 'train', mountPath: '/train', readOnly: true, dataset: { name: 'digits', version: 1, versionId: 'y', archiveSha256: sha, fetchImage: 'curl:1' } },
        ],
      },
      0,
      'ns',
    );
    expect(pod.spec!.volumes).toEqual(expect.arrayContaining([{ name: 'v-imgs', persistentVolumeClaim: { claimName: 'lab-data', readOnly: true } }, { name: 'v-train', emptyDir: {} }]));
    expect(pod.spec!.containers[0].volumeMounts).toEqual(
      expect.arrayContaining([
        { name: 'v-imgs', mountPath: '/imgs', subPath: 'images/2026', readOnly: true },
        { name: 'v-train', mountPath: '/train', readOnly: true },
      ]),
    );
    const [init] = pod.spec!.initContainers!;
    expect(init).toMatchObject({ name: 'dataset-train', image: 'curl:1', volumeMounts: [{ name: 'v-train', mountPath: '/dataset' }] });
    expect(init.env).toEqual(
      expect.arrayContaining([
        { name: 'DATASET_SHA256', value: sha },
        { name: 'BEAMLINE_URL', value: 'http://beamline:8080' },
        { name: 'BEAMLINE_TOKEN', valueFrom: { secretKeyRef: { name: expect.any(String), key: 'BEAMLINE_TOKEN' } } },
      ]),
    );
    expect(JSON.stringify(init)).not.toContain('secret"'); // the token is never a plain value
    expect(init.command!.join(' ')).toContain('sha256sum -c');
  });
});
