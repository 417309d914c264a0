import { lstat, readdir } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * The checkpoint contract (issue 15), in one place. A complete checkpoint is an entry of
 * BEAMLINE_CHECKPOINT_DIR named `step-<n>` (a file or a directory). A job writes it under
 * another name (the SDK uses `.tmp-step-<n>-<pid>`) and renames it: rename is atomic, so an
 * entry with this name is whole, and anything else in the directory (a temp file left by a
 * kill mid-write) is never offered as BEAMLINE_RESUME_FROM.
 */
export const CHECKPOINT_NAME = /^step-(0|[1-9]\d{0,8})$/;

export const checkpointName = (step: number) => `step-${step}`;

export function stepOf(name: string): number | undefined {
  const match = CHECKPOINT_NAME.exec(name);
  return match ? Number(match[1]) : undefined;
}

export interface FoundCheckpoint {
  step: number;
  name: string;
  sizeBytes: number;
}

/**
 * The checkpoint the next attempt resumes from: the highest step among those recorded that
 * still exist (`exists` undefined: the platform cannot look, as on Kubernetes, and trusts
 * the record). Pure.
 */
export function resumeName(recorded: { step: number; name: string }[], exists?: ReadonlySet<string>): string | undefined {
  const candidates = recorded.filter((c) => CHECKPOINT_NAME.test(c.name) && (exists === undefined || exists.has(c.name)));
  candidates.sort((a, b) => b.step - a.step);
  return candidates[0]?.name;
}

/**
 * The complete checkpoints in a directory on this machine (local driver), with their size.
 * lstat, not stat: a symlink the job planted is neither followed nor offered.
 */
export async function scanCheckpoints(dir: string): Promise<FoundCheckpoint[]> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return [];
  }
  const found: FoundCheckpoint[] = [];
  for (const name of names) {
    const step = stepOf(name);
    if (step === undefined) continue;
    const size = await sizeOf(join(dir, name));
    if (size !== undefined) found.push({ step, name, sizeBytes: size });
  }
  return found.sort((a, b) => a.step - b.step);
}

/** Bytes of a file, or of the regular files under a directory; undefined for anything else. */
async function sizeOf(path: string, depth = 0): Promise<number | undefined> {
  const st = await lstat(path).catch(() => undefined);
  if (!st) return undefined;
  if (st.isFile()) return st.size;
  if (!st.isDirectory() || depth > 16) return undefined;
  let total = 0;
  for (const entry of await readdir(path).catch(() => [] as string[])) total += (await sizeOf(join(path, entry), depth + 1)) ?? 0;
  return total;
}
