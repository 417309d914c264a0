import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { volumeEnvName, type WorkloadSpec } from '../cluster-driver.js';
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
 *   <home>/volumes/<claim>/<path>, whose permissions are the operator's, as for claims.
 */
export async function localVolumes(spec: WorkloadSpec, home: string, attemptDir: string, owner: Ids | undefined): Promise<Record<string, string>> {
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
