import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { lstat, readdir, readlink } from 'node:fs/promises';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';

/** One line of a dataset's manifest: a regular file (size, sha256) or a symbolic link (its target). */
export type ManifestEntry = { path: string; size: number; sha256: string } | { path: string; symlink: string };

/**
 * The content digest of a dataset: sha256 over its manifest, one line per entry sorted by
 * the bytes of the path, `<path>\t<size>\t<sha256>\n` for a file and `<path>\tsymlink\t<target>\n`
 * for a link. Directories add nothing (an empty one is not data). The same tree gives the
 * same digest whether it came as .tar, .tar.gz or a directory, whatever the entry order.
 */
export function manifestDigest(entries: ManifestEntry[]): string {
  const sorted = [...entries].sort((a, b) => Buffer.compare(Buffer.from(a.path), Buffer.from(b.path)));
  const hash = createHash('sha256');
  for (const e of sorted) hash.update('symlink' in e ? `${e.path}\tsymlink\t${e.symlink}\n` : `${e.path}\t${e.size}\t${e.sha256}\n`);
  return hash.digest('hex');
}

export interface DatasetStats {
  sizeBytes: number;
  fileCount: number;
  /** null with `digestNote` saying why (e.g. larger than the limit, so not read). */
  digest: string | null;
  digestNote: string | null;
}

export function statsOf(entries: ManifestEntry[]): DatasetStats {
  const files = entries.filter((e): e is Extract<ManifestEntry, { size: number }> => 'size' in e);
  return { sizeBytes: files.reduce((n, f) => n + f.size, 0), fileCount: files.length, digest: manifestDigest(entries), digestNote: null };
}

/**
 * Size, file count and digest of a directory on this machine (a claim path on the local
 * driver). Links are recorded, never followed; sockets, FIFOs and devices are skipped.
 * Past `limit` bytes the files are still counted but not read: the digest is then null.
 */
export async function scanDirectory(root: string, limit: number): Promise<DatasetStats> {
  const found: Array<{ path: string; size: number } | { path: string; symlink: string }> = [];
  const walk = async (rel: string): Promise<void> => {
    for (const d of await readdir(join(root, rel), { withFileTypes: true })) {
      const path = rel ? `${rel}/${d.name}` : d.name;
      if (d.isDirectory()) await walk(path);
      else if (d.isSymbolicLink()) found.push({ path, symlink: await readlink(join(root, path)) });
      else if (d.isFile()) found.push({ path, size: (await lstat(join(root, path))).size });
    }
  };
  await walk('');
  const files = found.filter((e): e is { path: string; size: number } => 'size' in e);
  const sizeBytes = files.reduce((n, f) => n + f.size, 0);
  if (sizeBytes > limit) {
    return { sizeBytes, fileCount: files.length, digest: null, digestNote: `not hashed: ${sizeBytes} bytes is over BEAMLINE_DATASET_MAX_BYTES (${limit})` };
  }
  const entries: ManifestEntry[] = [];
  for (const e of found) entries.push('size' in e ? { ...e, sha256: await sha256File(join(root, e.path)) } : e);
  return statsOf(entries);
}

export async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  await pipeline(createReadStream(path), hash);
  return hash.digest('hex');
}
