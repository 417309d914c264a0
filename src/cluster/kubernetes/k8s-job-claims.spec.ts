import { describe, expect, it } from 'vitest';
import { workloadSpec } from '../testing/workload-spec.js';
import { jobClaims } from './k8s-job-claims.js';
import { userVolumes } from './k8s-job-volumes.js';

const jobId = '6f1c2f8e-6a53-4a5e-9a1c-0d6f3b1e2a7c';
const spec = workloadSpec({
  jobId,
  volumes: [
    { name: 'out', mountPath: '/out', readOnly: false, newClaim: { sizeMiB: 51200, storageClass: 'fast', accessMode: 'ReadWriteMany', retain: true } },
    { name: 'tmp2', mountPath: '/t', readOnly: false, newClaim: { sizeMiB: 100, accessMode: 'ReadWriteOnce', retain: false } },
    { name: 'data', mountPath: '/data', readOnly: true, claim: 'imagenet' },
  ],
});

describe("a job's own claims on Kubernetes", () => {
  it('one PVC per newClaim volume, labelled with the job (not the attempt), the volume and retain', () => {
    const claims = jobClaims(spec, 'jobs');
    expect(claims.map((c) => c.metadata!.name)).toEqual([`bl-${jobId}-v-out`, `bl-${jobId}-v-tmp2`]);
    expect(claims[0].metadata).toMatchObject({
      namespace: 'jobs',
      labels: { 'app.kubernetes.io/managed-by': 'beamline', 'beamline.dev/project': 'vision', 'beamline.dev/training-job': jobId, 'beamline.dev/volume': 'out', 'beamline.dev/retain': 'true' },
      annotations: { 'beamline.dev/training-job-id': jobId },
    });
    expect(claims[0].metadata!.labels!['beamline.dev/attempt']).toBeUndefined();
    expect(claims[0].spec).toEqual({ storageClassName: 'fast', accessModes: ['ReadWriteMany'], resources: { requests: { storage: '51200Mi' } } });
    // No StorageClass asked for: the field is left out, so the cluster's default provisions it.
    expect(claims[1].spec).toEqual({ accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '100Mi' } } });
  });

  it('mounts the PVC in every worker under its volume name, with BEAMLINE_VOLUME_<NAME>', () => {
    const { volumes, mounts, env } = userVolumes(spec);
    expect(volumes).toContainEqual({ name: 'v-out', persistentVolumeClaim: { claimName: `bl-${jobId}-v-out` } });
    expect(mounts).toContainEqual({ name: 'v-out', mountPath: '/out' });
    expect(env).toMatchObject({ BEAMLINE_VOLUME_OUT: '/out', BEAMLINE_VOLUME_TMP2: '/t' });
  });

  it('makes none for a job without newClaim volumes', () => {
    expect(jobClaims(workloadSpec(), 'jobs')).toEqual([]);
  });
});
