import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { WorkloadSpec } from '../cluster-driver.js';

/**
 * What an attempt's folder (<home>/jobs/<jobId>/a<attempt>/) says about it, for a controller
 * that adopts the disk after another one died at any moment of createWorkload. The chaos
 * suite (issue 19) killed the leader right after spec.json was created: the next leaders
 * found it empty, every controller cycle failed on it, and no job of the platform moved
 * again. Here an attempt is made once its spec is whole; it has started once a worker has a
 * pid file, an exit record, or a supervisor still running for it.
 */

/** The attempt's spec; undefined when absent or unreadable (a damaged file counts as never written). */
export function readSpec(dir: string): WorkloadSpec | undefined {
  try {
    const spec = JSON.parse(readFileSync(join(dir, 'spec.json'), 'utf8')) as WorkloadSpec;
    return Array.isArray(spec?.workers) ? spec : undefined;
  } catch {
    return undefined;
  }
}

/** Written whole or not at all (a temporary file renamed over it): a kill in the middle leaves no torn spec.json. */
export async function writeSpec(dir: string, spec: Omit<WorkloadSpec, 'secretEnv'>): Promise<void> {
  const tmp = join(dir, 'spec.json.tmp');
  await writeFile(tmp, JSON.stringify(spec), { mode: 0o600 });
  await rename(tmp, join(dir, 'spec.json'));
}

/** Whether any worker of the attempt was started: a pid file, an exit record, or a live supervisor. */
export function startedOnDisk(dir: string, workers: number): boolean {
  for (let index = 0; index < workers; index++) {
    if (existsSync(join(dir, `worker-${index}.pid`)) || existsSync(join(dir, `worker-${index}.exit`))) return true;
    if (supervisorOf(join(dir, `worker-${index}.exit`)) !== undefined) return true;
  }
  return false;
}

/**
 * The pid of a live supervisor whose command line names this exit file (spawnWorker passes
 * it as an argument): a controller killed between the spawn and the pid file leaves such a
 * worker running with nothing on disk saying so. Linux only (/proc); elsewhere undefined.
 */
export function supervisorOf(exitFile: string): number | undefined {
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return undefined;
  }
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const args = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0');
      if (!args.includes(exitFile)) continue;
      if (/\) [ZX] /.test(readFileSync(`/proc/${entry}/stat`, 'utf8'))) continue; // ended, not yet reaped
      return Number(entry);
    } catch {
      /* gone meanwhile, or not ours to read */
    }
  }
  return undefined;
}
