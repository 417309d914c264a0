import { join } from 'node:path';
import { volumeEnvName, type WorkloadSpec } from '../cluster-driver.js';
import { ownedDir, type Ids } from './job-sandbox.js';

/**
 * A job's volumes on the local driver (issue 15). Workers are plain processes, so nothing
 * is mounted at `mountPath`: each volume is a directory whose path the worker finds in
 * BEAMLINE_VOLUME_<NAME> (upper case, dashes as underscores):
 * - claim: <home>/volumes/<claim>, made by an operator (checked to exist at submit); shared
 *   by every job that names it; `readOnly` is not enforced here (file permissions decide);
 * - scratch: <attempt>/scratch/<name>, the job user's, gone with the attempt's files; a
 *   `Memory` medium and `sizeLimit` are not enforced here (no tmpfs, no quota).
 */
export async function localVolumes(spec: WorkloadSpec, claimsRoot: string, attemptDir: string, owner: Ids | undefined): Promise<Record<string, string>> {
  const env: Record<string, string> = {};
  for (const v of spec.volumes ?? []) {
    let path: string;
    if (v.claim !== undefined) {
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
