import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { volumeEnvName, type JobClaim, type WorkloadSpec } from '../cluster-driver.js';
import { jobClaimName } from '../../training/training-volumes.js';
import { ownedDir, type Ids } from './job-sandbox.js';

/**
 * A job's volumes on the local driver (issue 15). Workers are plain processes, so nothing
 * is mounted at `mountPath`: each volume is a directory whose path the worker finds in
 * BEAMLINE_VOLUME_<NAME> (upper case, dashes as underscores):
 * - claim: <home>/volumes/<claim>, made by an operator (checked to exist at submit); shared
 *   by every job that names it; `readOnly` is not enforced here (file permissions decide);
 * - scratch: <attempt>/scratch/<name>, the job user's, gone with the attempt's files; a
 *   `Memory` medium and `sizeLimit` are not enforced here (no tmpfs, no quota);
 * - dataset: an uploaded archive is <home>/datasets/<sha256>, unpacked by the API at upload,
 *   owned by the platform with dirs 0555 and files 0444, so the job user can read but not
 *   write it (read-only by permissions: there is no mount); a claim path is
 *   <home>/volumes/<claim>/<path>, whose permissions are the operator's, as for claims;
 * - newClaim: <home>/volumes/<jobClaimName>, the job user's (0700), made by the first attempt
 *   and found by every later one; the controller removes it when the job ends unless it is
 *   retained, and a retained one is then an ordinary claim for later jobs. Size, StorageClass
 *   and access mode are not enforced here.
 * `made` collects the new-claim directories this call created, so a failed start can remove them.
 */
export async function localVolumes(spec: WorkloadSpec, home: string, attemptDir: string, owner: Ids | undefined, made: string[] = []): Promise<Record<string, string>> {
  const env: Record<string, string> = {};
  const claimsRoot = resolve(home, 'volumes');
  for (const v of spec.volumes ?? []) {
    let path: string;
    if (v.dataset) {
      path = v.dataset.archiveSha256 ? localDatasetDir(home, v.dataset.archiveSha256) : join(claimsRoot, v.dataset.claim ?? '', v.dataset.path ?? '');
      // Checked at submit; gone since only if someone removed it by hand.
      if (!existsSync(path)) throw new Error(`dataset ${v.dataset.name} v${v.dataset.version}: ${path} is missing on this machine`);
    } else if (v.claim !== undefined) {
      path = join(claimsRoot, v.claim);
    } else if (v.newClaim) {
      path = join(claimsRoot, jobClaimName(spec.jobId, v.name));
      if (!existsSync(claimsRoot)) await ownedDir(claimsRoot, 0o711); // never re-moded when an operator made it
      if (!existsSync(path)) made.push(path);
      await ownedDir(path, 0o700, owner);
    } else {
      path = join(attemptDir, 'scratch', v.name);
      await ownedDir(join(attemptDir, 'scratch'), 0o711);
      await ownedDir(path, 0o700, owner);
    }
    env[volumeEnvName(v.name)] = path;
  }
  return env;
}

/** Where the API unpacks uploaded dataset archives (src/datasets/dataset-intake.ts), one directory per archive sha256. */
export function datasetsRoot(home: string): string {
  return resolve(home, 'datasets');
}

export function localDatasetDir(home: string, archiveSha256: string): string {
  if (!/^[0-9a-f]{64}$/.test(archiveSha256)) throw new Error(`not a sha256: ${archiveSha256}`);
  return join(datasetsRoot(home), archiveSha256);
}

/** A job's own claim directory: bl-<job uuid>-v-<volume> (jobClaimName). */
const JOB_CLAIM = /^bl-([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})-v-[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** The job claims under <home>/volumes, by their names. */
export function localJobClaims(names: string[]): JobClaim[] {
  return names.flatMap((claim) => {
    const match = JOB_CLAIM.exec(claim);
    return match ? [{ jobId: match[1], claim }] : [];
  });
}
