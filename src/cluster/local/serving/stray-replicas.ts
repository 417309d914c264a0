import { readdir, readFile } from 'node:fs/promises';

/**
 * Replica supervisors that run although no record names their pid: the controller died
 * between spawning one and saving its pid (local-endpoint.ts saves the record first, without
 * a pid, so the replica's exit file is known). A supervisor carries its exit file's path as
 * an argument (worker-process.ts), so /proc finds it. Linux only, like the local driver's
 * other process checks; elsewhere nothing is found.
 */
export async function supervisorsCarrying(exitFiles: readonly string[]): Promise<Map<string, number[]>> {
  const found = new Map<string, number[]>();
  if (exitFiles.length === 0) return found;
  const wanted = new Set(exitFiles);
  const entries = await readdir('/proc').catch(() => [] as string[]);
  await Promise.all(
    entries
      .filter((e) => /^\d+$/.test(e) && Number(e) !== process.pid)
      .map(async (e) => {
        const argv = (await readFile(`/proc/${e}/cmdline`, 'utf8').catch(() => '')).split('\0');
        for (const arg of argv) {
          if (!wanted.has(arg)) continue;
          found.set(arg, [...(found.get(arg) ?? []), Number(e)]);
          break;
        }
      }),
  );
  return found;
}
