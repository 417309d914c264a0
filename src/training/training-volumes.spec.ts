import { describe, expect, it } from 'vitest';
import { toFieldProblems } from '../common/validation/zod.js';
import { submitTrainingJobSchema } from './training.dto.js';
import { claimsToDelete, jobClaimName, mountPathProblem, toVolumeSpecs, volumesSchema } from './training-volumes.js';

const job = (volumes: unknown[], memory = '2Gi', workers = 1) => ({ name: 'j', image: 'i', resources: { cpu: '1', memory }, workers, volumes });
const fields = (volumes: unknown[], memory?: string, workers?: number) => {
  const result = submitTrainingJobSchema.safeParse(job(volumes, memory, workers));
  return result.success ? [] : toFieldProblems(result.error).map((p) => p.field);
};

describe('job volumes', () => {
  it.each([
    ['relative path', [{ name: 'a', mountPath: 'data', claim: 'c' }], ['volumes.0.mountPath']],
    ['/', [{ name: 'a', mountPath: '/', claim: 'c' }], ['volumes.0.mountPath']],
    ['..', [{ name: 'a', mountPath: '/data/../etc', claim: 'c' }], ['volumes.0.mountPath']],
    ['trailing slash', [{ name: 'a', mountPath: '/data/', claim: 'c' }], ['volumes.0.mountPath']],
    ['a Beamline path', [{ name: 'a', mountPath: '/beamline/checkpoints/x', claim: 'c' }], ['volumes.0.mountPath']],
    ['overlap', [{ name: 'a', mountPath: '/data', claim: 'c' }, { name: 'b', mountPath: '/data/x', scratch: {} }], ['volumes.1.mountPath']],
    ['same name', [{ name: 'a', mountPath: '/d1', claim: 'c' }, { name: 'a', mountPath: '/d2', claim: 'c' }], ['volumes.1.name']],
    ['neither claim nor scratch', [{ name: 'a', mountPath: '/d' }], ['volumes.0']],
    ['both', [{ name: 'a', mountPath: '/d', claim: 'c', scratch: {} }], ['volumes.0']],
    ['a claim in another namespace', [{ name: 'a', mountPath: '/d', claim: 'other/c' }], ['volumes.0.claim']],
    ['a dataset given as a bare name', [{ name: 'a', mountPath: '/d', dataset: 'mnist' }], ['volumes.0.dataset']],
    ['a bad size', [{ name: 'a', mountPath: '/d', scratch: { sizeLimit: 'lots' } }], ['volumes.0.scratch.sizeLimit']],
    ['over 1Ti', [{ name: 'a', mountPath: '/d', scratch: { sizeLimit: '2Ti' } }], ['volumes.0.scratch.sizeLimit']],
    ['memory without a limit', [{ name: 'shm', mountPath: '/dev/shm', scratch: { medium: 'Memory' } }], ['volumes.0.scratch.sizeLimit']],
    ['memory over the memory limit', [{ name: 'shm', mountPath: '/dev/shm', scratch: { medium: 'Memory', sizeLimit: '4Gi' } }], ['volumes.0.scratch.sizeLimit']],
    ['a new claim without a size', [{ name: 'a', mountPath: '/d', newClaim: {} }], ['volumes.0.newClaim.size']],
    ['a new claim of a bad size', [{ name: 'a', mountPath: '/d', newClaim: { size: '10 gigs' } }], ['volumes.0.newClaim.size']],
    ['a new claim over 16Ti', [{ name: 'a', mountPath: '/d', newClaim: { size: '17Ti' } }], ['volumes.0.newClaim.size']],
    ['a bad StorageClass name', [{ name: 'a', mountPath: '/d', newClaim: { size: '1Gi', storageClass: 'Fast SSD' } }], ['volumes.0.newClaim.storageClass']],
    ['an unknown access mode', [{ name: 'a', mountPath: '/d', newClaim: { size: '1Gi', accessMode: 'ReadOnlyMany' } }], ['volumes.0.newClaim.accessMode']],
    ['an unknown newClaim field', [{ name: 'a', mountPath: '/d', newClaim: { size: '1Gi', reclaimPolicy: 'Retain' } }], ['volumes.0.newClaim.reclaimPolicy']],
    ['newClaim and claim', [{ name: 'a', mountPath: '/d', claim: 'c', newClaim: { size: '1Gi' } }], ['volumes.0']],
  ])('refuses %s, naming the field', (_name, volumes, expected) => {
    expect(fields(volumes)).toEqual(expected);
  });

  it('accepts a read-only claim, disk scratch and a memory-backed /dev/shm within the memory limit', () => {
    const parsed = volumesSchema.parse([
      { name: 'data', mountPath: '/data', claim: 'imagenet', readOnly: true },
      { name: 'scratch', mountPath: '/scratch', scratch: { sizeLimit: '50Gi' } },
      { name: 'shm', mountPath: '/dev/shm', scratch: { medium: 'Memory', sizeLimit: '1Gi' } },
    ]);
    expect(toVolumeSpecs(parsed)).toEqual([
      { name: 'data', mountPath: '/data', readOnly: true, claim: 'imagenet' },
      { name: 'scratch', mountPath: '/scratch', readOnly: false, scratch: { medium: 'Disk', sizeLimitMiB: 51200 } },
      { name: 'shm', mountPath: '/dev/shm', readOnly: false, scratch: { medium: 'Memory', sizeLimitMiB: 1024 } },
    ]);
    expect(fields([{ name: 'shm', mountPath: '/dev/shm', scratch: { medium: 'Memory', sizeLimit: '1Gi' } }])).toEqual([]);
    expect(mountPathProblem('/data/set-1')).toBeUndefined();
  });

  it('takes a dataset by name and version, always read-only; refuses readOnly: false and a second kind', () => {
    const parsed = volumesSchema.parse([{ name: 'train', mountPath: '/data', dataset: { name: 'digits', version: 2 } }]);
    expect(toVolumeSpecs(parsed)).toEqual([{ name: 'train', mountPath: '/data', readOnly: true, dataset: { name: 'digits', version: 2, versionId: '' } }]);
    expect(fields([{ name: 'd', mountPath: '/d', readOnly: false, dataset: { name: 'digits', version: 1 } }])).toEqual(['volumes.0.readOnly']);
    expect(fields([{ name: 'd', mountPath: '/d', claim: 'c', dataset: { name: 'digits', version: 1 } }])).toEqual(['volumes.0']);
    expect(fields([{ name: 'd', mountPath: '/d', dataset: { name: 'digits', version: 0 } }])).toEqual(['volumes.0.dataset.version']);
  });

  it('makes a new claim: size in MiB, RWO for one worker and RWX for a gang unless asked, not retained unless asked', () => {
    const one = volumesSchema.parse([{ name: 'out', mountPath: '/out', newClaim: { size: '50Gi', storageClass: 'fast' } }]);
    expect(toVolumeSpecs(one)).toEqual([{ name: 'out', mountPath: '/out', readOnly: false, newClaim: { sizeMiB: 51200, storageClass: 'fast', accessMode: 'ReadWriteOnce', retain: false } }]);
    expect(toVolumeSpecs(one, 4)[0].newClaim?.accessMode).toBe('ReadWriteMany');
    const kept = volumesSchema.parse([{ name: 'out', mountPath: '/out', newClaim: { size: '1Gi', accessMode: 'ReadWriteOncePod', retain: true } }]);
    expect(toVolumeSpecs(kept, 1)[0].newClaim).toEqual({ sizeMiB: 1024, accessMode: 'ReadWriteOncePod', retain: true });
    expect(fields([{ name: 'out', mountPath: '/out', newClaim: { size: '16Ti' } }])).toEqual([]);
  });

  it('refuses ReadWriteOncePod for a gang: only one pod may mount it', () => {
    const volumes = [{ name: 'out', mountPath: '/out', newClaim: { size: '1Gi', accessMode: 'ReadWriteOncePod' } }];
    expect(fields(volumes, '2Gi', 2)).toEqual(['volumes.0.newClaim.accessMode']);
    expect(fields(volumes, '2Gi', 1)).toEqual([]);
  });

  it('names a job claim after the job and the volume, and deletes only those not retained', () => {
    const id = '6f1c2f8e-6a53-4a5e-9a1c-0d6f3b1e2a7c';
    expect(jobClaimName(id, 'out')).toBe(`bl-${id}-v-out`);
    const specs = toVolumeSpecs(
      volumesSchema.parse([
        { name: 'out', mountPath: '/out', newClaim: { size: '1Gi' } },
        { name: 'keep', mountPath: '/keep', newClaim: { size: '1Gi', retain: true } },
        { name: 'data', mountPath: '/data', claim: 'imagenet' },
      ]),
    );
    expect(claimsToDelete(id, specs)).toEqual([`bl-${id}-v-out`]);
  });
});
