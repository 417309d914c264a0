import { accessSync, constants, realpathSync, statSync } from 'node:fs';
import { chmod, chown, lstat, mkdir, readdir } from 'node:fs/promises';
import { delimiter, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';

/**
 * What a local job may see of this machine. Layout of one attempt (root: the platform's user):
 *
 *   <home>/                 0711 root   enter, not list; its other entries go-rwx
 *   <home>/jobs/<id>/a<n>/  0711 root   spec.json (no secrets), worker-N.{log,pid,exit}: 0600 root
 *   .../a<n>/work/          0700 job    the job's own directory: HOME, cwd, workingDir resolves here
 *   .../a<n>/output/        0700 job    BEAMLINE_OUTPUT_DIR, read back by the controller (root)
 *   .../a<n>/scratch/<v>/   0700 job    a scratch volume (BEAMLINE_VOLUME_<V>)
 *   <home>/volumes/<claim>/ operator's  a claim volume, shared by the jobs that name it
 *   <home>/jobs/<id>/checkpoints/ 0700 job  BEAMLINE_CHECKPOINT_DIR, shared by every attempt
 */

/** The PATH every job gets: system directories only, never the platform's own. */
export const JOB_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

export interface Ids {
  uid: number;
  gid: number;
}

/** The worker's cwd: `workingDir` relative to the job's own directory, which it may not leave. */
export function resolveWorkingDir(workDir: string, workingDir: string | undefined, index: number): { dir: string } | { error: string } {
  if (workingDir === undefined) return { dir: join(workDir, `worker-${index}`) };
  const dir = resolve(workDir, workingDir);
  const rel = relative(workDir, dir);
  // Absolute values and `..` are refused at the API already; jobs stored before that rule end here.
  if (isAbsolute(workingDir) || workingDir.includes('\0') || rel === '..' || rel.startsWith(`..${sep}`) || isAbsolute(rel)) {
    return { error: `workingDir '${workingDir}' leaves the job's own directory (it must be a relative path without ..)` };
  }
  return { dir };
}

/**
 * The whole environment of a job: a fixed PATH, its own HOME, then the spec's env and
 * Beamline's variables (`beamline`, already merged by workerEnv). Nothing of the
 * platform's own process.env (DATABASE_URL, REDIS_URL, cloud keys) is passed on.
 */
export function jobEnv(cwd: string, beamline: Record<string, string>, outputDir: string): Record<string, string> {
  return { PATH: JOB_PATH, HOME: cwd, LANG: 'C.UTF-8', ...beamline, BEAMLINE_OUTPUT_DIR: outputDir };
}

/**
 * A bare command name (`python3`) means what it means to the operator who started the
 * platform (where the SDK was pip-installed), so it is looked up on the platform's PATH
 * here, before the job's fixed PATH replaces it. Relative PATH entries are skipped: they
 * would resolve inside the job's directory.
 */
export function resolveCommand(command: string, searchPath: string | undefined): string {
  if (command.includes('/')) return command;
  for (const dir of (searchPath ?? '').split(delimiter)) {
    if (!isAbsolute(dir)) continue;
    const candidate = join(dir, command);
    try {
      accessSync(candidate, constants.X_OK);
      if (statSync(candidate).isFile()) return candidate;
    } catch {
      /* not here */
    }
  }
  return command;
}

/**
 * The first directory on the way to `path` that `who` may not enter, for a clear failure
 * message instead of a bare EACCES (a pyenv under a 0700 /root is the usual case).
 * Checks the path as given and as resolved through symlinks.
 */
export function unreachableBy(path: string, who: Ids): string | undefined {
  if (who.uid === 0 || !isAbsolute(path)) return undefined;
  let real = path;
  try {
    real = realpathSync(path);
  } catch {
    /* missing: the spawn reports it */
  }
  for (const candidate of new Set([path, real])) {
    const ancestors: string[] = [];
    for (let dir = dirname(candidate); ; dir = dirname(dir)) {
      ancestors.unshift(dir);
      if (dirname(dir) === dir) break;
    }
    for (const dir of ancestors) {
      let st;
      try {
        st = statSync(dir);
      } catch {
        break;
      }
      // setgroups(0) at spawn drops supplementary groups: only the primary gid counts.
      const bits = st.uid === who.uid ? st.mode >> 6 : st.gid === who.gid ? st.mode >> 3 : st.mode;
      if ((bits & 0o1) === 0) return dir;
    }
  }
  return undefined;
}

/**
 * As root: <home> can be entered (the postgres user and the jobs need that) but not
 * listed, and each entry of it that the platform owns loses every group/other bit, so a
 * job cannot read the admin token, artifacts or serving files even by a guessed name.
 * The jobs tree is left to `ownedDir`, and `volumes/` (claims, made by an operator for jobs
 * to read: issue 15) to the operator. Run at start and before each job: the artifact
 * store and embedded PostgreSQL create or re-open entries later.
 */
export async function privatizeHome(home: string, keep: string[]): Promise<void> {
  await chmod(home, 0o711);
  for (const name of await readdir(home)) {
    const path = join(home, name);
    if (keep.includes(path)) continue;
    const st = await lstat(path);
    if (st.isSymbolicLink() || st.uid !== process.getuid?.()) continue; // postgres/ is the postgres user's, 0700 already
    if (st.mode & 0o077) await chmod(path, st.mode & 0o7700);
  }
}

/** mkdir -p with a mode (umask does not apply) and, when given, an owner for the last level. */
export async function ownedDir(path: string, mode: number, owner?: Ids): Promise<void> {
  await mkdir(path, { recursive: true });
  if (owner) await chown(path, owner.uid, owner.gid);
  await chmod(path, mode);
}
