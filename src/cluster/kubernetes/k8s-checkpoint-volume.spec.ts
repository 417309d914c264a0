import { describe, expect, it } from 'vitest';
import type { WorkloadSpec } from '../cluster-driver.js';
import { checkpointClaim, checkpointClaimName } from './k8s-checkpoint-volume.js';
import { workerPod } from './k8s-workload-objects.js';

const spec = (checkpoint: WorkloadSpec['checkpoint'], workers = 1): WorkloadSpec => ({
  jobId: '6f1c2f8e-6a53-4a5e-9a1c-0d6f3b1e2a7c',
  attempt: 2,
  project: 'lab',
  name: 'train',
  image: 'img',
  command: [],
  args: [],
  env: {},
  cpuMilli: 1000,
  memoryMiB: 1024,
  gpuCount: 0,
  workers: Array.from({ length: workers }, () => ({ node: 'n1', gpuIndexes: [] })),
  checkpoint,
});
const envOf = (s: WorkloadSpec) => Object.fromEntries((workerPod(s, 0, 'ns').spec!.containers[0].env ?? []).map((e) => [e.name, e.value]));

describe('checkpoint volume of a training pod', () => {
  it('with a StorageClass: the per-job claim, RWO for one worker and RWX for a gang, and the resume path', () => {
    const s = spec({ resumeFrom: 'step-7', keep: 3, storageClass: 'fast', size: '5Gi' });
    expect(checkpointClaim(s, 'ns')?.spec).toEqual({ storageClassName: 'fast', accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '5Gi' } } });
    expect(checkpointClaim(spec(s.checkpoint, 2), 'ns')?.spec?.accessModes).toEqual(['ReadWriteMany']);
    const pod = workerPod(s, 0, 'ns');
    expect(pod.spec!.volumes).toContainEqual({ name: 'beamline-checkpoints', persistentVolumeClaim: { claimName: checkpointClaimName(s.jobId) } });
    expect(envOf(s)).toMatchObject({ BEAMLINE_CHECKPOINT_DIR: '/beamline/checkpoints', BEAMLINE_RESUME_FROM: '/beamline/checkpoints/step-7', BEAMLINE_CHECKPOINT_KEEP: '3' });
  });

  it('without one: an emptyDir, no claim, and nothing offered to resume from (the emptyDir is new with every pod)', () => {
    const s = spec({ resumeFrom: 'step-7', keep: 3, size: '10Gi' });
    expect(checkpointClaim(s, 'ns')).toBeUndefined();
    expect(workerPod(s, 0, 'ns').spec!.volumes).toContainEqual({ name: 'beamline-checkpoints', emptyDir: {} });
    expect(envOf(s)).toMatchObject({ BEAMLINE_CHECKPOINT_DIR: '/beamline/checkpoints', BEAMLINE_RESUME_FROM: '' });
  });

  it('a spec without checkpoint settings gets neither volume nor env', () => {
    const s = spec(undefined);
    expect(workerPod(s, 0, 'ns').spec!.volumes!.map((v) => v.name)).not.toContain('beamline-checkpoints');
    expect(envOf(s).BEAMLINE_CHECKPOINT_DIR).toBeUndefined();
  });
});
