import { posix } from 'node:path';
import { z } from 'zod';
import { parseMemoryMiB } from './quantity.js';

/**
 * Volumes in the job spec (issue 15, items 1 and 2): an existing claim, scratch space that
 * lives as long as the attempt (on disk, or in memory for /dev/shm, which PyTorch DataLoader
 * workers need), a dataset version, always read-only (src/datasets resolves it at submit),
 * or a new claim of the job's own (`newClaim`): made before its first attempt, kept by every
 * later one (retry, preemption, resume), deleted once the job is terminal unless `retain`.
 * Paths Beamline mounts itself are reserved.
 */
export const RESERVED_PATHS = ['/beamline', '/tmp', '/workspace', '/var/run/secrets'];
/** Largest scratch space one volume may ask for, in MiB (1 TiB). */
export const MAX_SCRATCH_MIB = 1024 * 1024;
/** Largest claim a job may make for itself, in MiB (16 TiB): a typo ('500Ti') is refused, not provisioned. */
export const MAX_NEW_CLAIM_MIB = 16 * 1024 * 1024;
export const ACCESS_MODES = ['ReadWriteOnce', 'ReadWriteMany', 'ReadWriteOncePod'] as const;
export type AccessMode = (typeof ACCESS_MODES)[number];

const pvcName = z
  .string()
  .min(1)
  .max(253)
  .regex(/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/, "must be the name of a PersistentVolumeClaim in the jobs' namespace (no namespace/ prefix)");

const size = (maxMiB: number, max: string) =>
  z.string().transform((value, ctx) => {
    const mib = parseMemoryMiB(value);
    if (mib === undefined) {
      ctx.addIssue({ code: 'custom', message: "must be a quantity such as '8Gi'" });
      return z.NEVER;
    }
    if (mib > maxMiB) {
      ctx.addIssue({ code: 'custom', message: `must be at most ${max}` });
      return z.NEVER;
    }
    return mib;
  });
const sizeLimit = size(MAX_SCRATCH_MIB, '1Ti');

/** A StorageClass name (a DNS subdomain); whether it exists is asked at submit (training-volume-checks.ts). */
const storageClass = z
  .string()
  .min(1)
  .max(253)
  .regex(/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/, 'must be the name of a StorageClass');

/** A claim the job makes for itself; accessMode unset: ReadWriteOnce for one worker, ReadWriteMany for a gang (as checkpoints). */
const newClaim = z.strictObject({
  size: size(MAX_NEW_CLAIM_MIB, '16Ti'),
  storageClass: storageClass.optional(),
  accessMode: z.enum(ACCESS_MODES).optional(),
  retain: z.boolean().default(false),
});

export const volumeSchema = z
  .strictObject({
    name: z.string().regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, 'must be lowercase letters, digits and dashes').max(40),
    mountPath: z.string().min(1).max(512),
    // Optional so that a dataset can refuse an explicit `false`; a claim or scratch defaults to writable.
    readOnly: z.boolean().optional(),
    claim: pvcName.optional(),
    dataset: z.strictObject({ name: z.string().min(1).max(128), version: z.number().int().min(1) }).optional(),
    scratch: z.strictObject({ sizeLimit: sizeLimit.optional(), medium: z.enum(['Disk', 'Memory']).default('Disk') }).optional(),
    newClaim: newClaim.optional(),
  })
  .superRefine((v, ctx) => {
    const kinds = [v.claim, v.scratch, v.dataset, v.newClaim].filter((k) => k !== undefined).length;
    if (kinds !== 1) ctx.addIssue({ code: 'custom', message: 'give exactly one of claim, scratch, dataset or newClaim', path: [] });
    if (v.dataset && v.readOnly === false) ctx.addIssue({ code: 'custom', message: 'a dataset is always mounted read-only', path: ['readOnly'] });
    const problem = mountPathProblem(v.mountPath);
    if (problem) ctx.addIssue({ code: 'custom', message: problem, path: ['mountPath'] });
    if (v.scratch?.medium === 'Memory' && v.scratch.sizeLimit === undefined) {
      ctx.addIssue({ code: 'custom', message: 'a Memory scratch volume needs a sizeLimit (it counts against the memory limit)', path: ['scratch', 'sizeLimit'] });
    }
  });
export type Volume = z.output<typeof volumeSchema>;

export const volumesSchema = z
  .array(volumeSchema)
  .max(16)
  .default([])
  .superRefine((volumes, ctx) => {
    const names = new Set<string>();
    volumes.forEach((v, i) => {
      if (names.has(v.name)) ctx.addIssue({ code: 'custom', message: `the name '${v.name}' is used twice`, path: [i, 'name'] });
      names.add(v.name);
      for (let j = 0; j < i; j++) {
        if (overlaps(v.mountPath, volumes[j].mountPath)) {
          ctx.addIssue({ code: 'custom', message: `overlaps volumes[${j}] (${volumes[j].mountPath})`, path: [i, 'mountPath'] });
        }
      }
    });
  });

/** Why a mount path is refused, or undefined: absolute, normal (no `..`, `.`, `//`, trailing /), not `/`, not Beamline's. */
export function mountPathProblem(path: string): string | undefined {
  if (!path.startsWith('/')) return 'must be an absolute path';
  if (path.includes('\0')) return 'must not contain NUL';
  if (path.split('/').some((part) => part === '..' || part === '.')) return "must not contain '.' or '..'";
  if (path === '/' || posix.normalize(path) !== path || path.endsWith('/')) return path === '/' ? "must not be '/'" : 'must be a normal path (no //, no trailing /)';
  const reserved = RESERVED_PATHS.find((r) => overlaps(path, r));
  if (reserved) return `overlaps ${reserved}, which Beamline mounts itself`;
  return undefined;
}

/** Whether one path is the other or lies inside it. */
export function overlaps(a: string, b: string): boolean {
  return a === b || a.startsWith(`${b}/`) || b.startsWith(`${a}/`);
}

/** What the driver mounts, as stored on the job. */
export interface VolumeSpec {
  name: string;
  mountPath: string;
  readOnly: boolean;
  claim?: string;
  scratch?: { sizeLimitMiB?: number; medium: 'Disk' | 'Memory' };
  /** Resolved at submit (src/datasets/dataset-mounts.ts), so the drivers need no database. */
  dataset?: DatasetMount;
  /** The job's own claim, named jobClaimName(jobId, name): one per job and volume, not per attempt. */
  newClaim?: NewClaimSpec;
}

export interface NewClaimSpec {
  sizeMiB: number;
  /** Unset: the cluster's default StorageClass (Kubernetes); the local driver has none. */
  storageClass?: string;
  accessMode: AccessMode;
  /** Kept when the job ends, to be mounted as `claim` by later jobs (and deleted by a person). */
  retain: boolean;
}

/**
 * The name of a job's own claim for volume `volume`: a PVC on Kubernetes, a directory
 * <home>/volumes/<name> on the local driver, so a retained one is mounted by a later job as
 * `claim: <name>` on either. Both parts are already DNS-safe (a lowercase uuid, a volume
 * name), so the name is deterministic and unique without hashing: a repeated create after a
 * restart meets the same object. `-v-` keeps it apart from the checkpoint claim (bl-<id>-ckpt).
 */
export const jobClaimName = (jobId: string, volume: string) => `bl-${jobId}-v-${volume}`;

/** The job's own claims that go when it ends (newClaim without retain), by claim name. */
export function claimsToDelete(jobId: string, volumes: VolumeSpec[]): string[] {
  return volumes.filter((v) => v.newClaim && !v.newClaim.retain).map((v) => jobClaimName(jobId, v.name));
}

/**
 * A dataset version as a driver mounts it: either a path in a claim (`claim` + `path`,
 * relative, '' for the whole claim) or an uploaded archive (`archiveSha256`), which the
 * local driver finds unpacked under <home>/datasets and a Kubernetes init container fetches
 * from the API with the job's token, using `fetchImage`.
 */
export interface DatasetMount {
  name: string;
  version: number;
  versionId: string;
  claim?: string;
  path?: string;
  archiveSha256?: string;
  fetchImage?: string;
}

/**
 * The spec as stored; a dataset volume carries only its name and version until src/datasets
 * resolves it. `workers` picks a new claim's default access mode: a gang's workers may sit
 * on different nodes, so they need ReadWriteMany.
 */
export function toVolumeSpecs(volumes: Volume[], workers = 1): VolumeSpec[] {
  return volumes.map((v) => ({
    name: v.name,
    mountPath: v.mountPath,
    readOnly: v.dataset ? true : (v.readOnly ?? false),
    ...(v.claim !== undefined ? { claim: v.claim } : {}),
    ...(v.scratch ? { scratch: { medium: v.scratch.medium, ...(v.scratch.sizeLimit !== undefined ? { sizeLimitMiB: v.scratch.sizeLimit } : {}) } } : {}),
    ...(v.dataset ? { dataset: { name: v.dataset.name, version: v.dataset.version, versionId: '' } } : {}),
    ...(v.newClaim ? { newClaim: toNewClaimSpec(v.newClaim, workers) } : {}),
  }));
}

function toNewClaimSpec(c: NonNullable<Volume['newClaim']>, workers: number): NewClaimSpec {
  const accessMode = c.accessMode ?? (workers > 1 ? 'ReadWriteMany' : 'ReadWriteOnce');
  return { sizeMiB: c.size, ...(c.storageClass !== undefined ? { storageClass: c.storageClass } : {}), accessMode, retain: c.retain };
}
