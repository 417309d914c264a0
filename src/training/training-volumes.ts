import { posix } from 'node:path';
import { z } from 'zod';
import { parseMemoryMiB } from './quantity.js';

/**
 * Volumes in the job spec (issue 15, items 1 and 2): an existing claim, scratch space that
 * lives as long as the attempt (on disk, or in memory for /dev/shm, which PyTorch DataLoader
 * workers need), or a dataset version, always read-only (src/datasets resolves it at submit).
 * Paths Beamline mounts itself are reserved.
 */
export const RESERVED_PATHS = ['/beamline', '/tmp', '/workspace', '/var/run/secrets'];
/** Largest scratch space one volume may ask for, in MiB (1 TiB). */
export const MAX_SCRATCH_MIB = 1024 * 1024;

const pvcName = z
  .string()
  .min(1)
  .max(253)
  .regex(/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/, "must be the name of a PersistentVolumeClaim in the jobs' namespace (no namespace/ prefix)");

const sizeLimit = z.string().transform((value, ctx) => {
  const mib = parseMemoryMiB(value);
  if (mib === undefined) {
    ctx.addIssue({ code: 'custom', message: "must be a quantity such as '8Gi'" });
    return z.NEVER;
  }
  if (mib > MAX_SCRATCH_MIB) {
    ctx.addIssue({ code: 'custom', message: `must be at most 1Ti` });
    return z.NEVER;
  }
  return mib;
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
  })
  .superRefine((v, ctx) => {
    const kinds = [v.claim, v.scratch, v.dataset].filter((k) => k !== undefined).length;
    if (kinds !== 1) ctx.addIssue({ code: 'custom', message: 'give exactly one of claim, scratch or dataset', path: [] });
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

/** The spec as stored; a dataset volume carries only its name and version until src/datasets resolves it. */
export function toVolumeSpecs(volumes: Volume[]): VolumeSpec[] {
  return volumes.map((v) => ({
    name: v.name,
    mountPath: v.mountPath,
    readOnly: v.dataset ? true : (v.readOnly ?? false),
    ...(v.claim !== undefined ? { claim: v.claim } : {}),
    ...(v.scratch ? { scratch: { medium: v.scratch.medium, ...(v.scratch.sizeLimit !== undefined ? { sizeLimitMiB: v.scratch.sizeLimit } : {}) } } : {}),
    ...(v.dataset ? { dataset: { name: v.dataset.name, version: v.dataset.version, versionId: '' } } : {}),
  }));
}
