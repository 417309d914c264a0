import { createHash } from 'node:crypto';
import { constants, createReadStream, createWriteStream } from 'node:fs';
import { chmod, copyFile, lstat, mkdir, open, readdir, realpath, rm, symlink } from 'node:fs/promises';
import { join, posix } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import { extract, type Header } from 'tar-stream';
import { statsOf, type DatasetStats, type ManifestEntry } from './dataset-manifest.js';

/** One entry as tar-stream yields it (a streamx Readable of its bytes). */
type Entry = AsyncIterable<unknown> & { header: Header; resume(): unknown };

/** The archive is refused as bad input; `message` names the entry. Nothing of it is kept. */
export class ArchiveRefused extends Error {
  constructor(message: string, readonly tooLarge = false) {
    super(message);
    this.name = 'ArchiveRefused';
  }
}

/** Why an entry's path is refused, or undefined; the path normalised ('' for the root). */
export function entryPath(name: string): { path: string } | { problem: string } {
  if (name.includes('\0')) return { problem: 'has a NUL in its name' };
  if (name.startsWith('/')) return { problem: 'is an absolute path' };
  const parts = name.split('/').filter((p) => p !== '' && p !== '.');
  if (parts.includes('..')) return { problem: "has '..' in its path (path traversal)" };
  return { path: parts.join('/') };
}

/** Why a symlink at `path` pointing at `target` is refused: only relative targets that stay inside the root. */
export function symlinkProblem(path: string, target: string): string | undefined {
  if (target === '' || target.includes('\0')) return 'has an empty or invalid target';
  if (target.startsWith('/')) return `points at the absolute path '${target}' (outside the archive)`;
  const resolved = posix.normalize(posix.join(posix.dirname(path), target));
  if (resolved === '..' || resolved.startsWith('../')) return `points at '${target}', which leaves the archive's root`;
  return undefined;
}

/**
 * Unpacks a .tar or .tar.gz (by its magic bytes) into `dest`, which must not exist, and
 * returns its stats and digest. Every entry is checked before anything of it is written:
 *   1. names: no absolute path, no `..`, no NUL, no entry twice, none below a symlink;
 *   2. types: files, directories, symlinks and hard links only (no devices, FIFOs);
 *   3. links: a hard link names an earlier file (copied, so the tree has no shared inodes);
 *      a symlink's target is relative and stays inside the root lexically, and after
 *      unpacking its real path is checked too (a lexical check alone can be fooled by
 *      `..` after another symlink); a dangling symlink is refused;
 *   4. size: the files may add up to `limit` bytes at most (a small .tar.gz can unpack huge);
 *   5. the tree is made read-only (dirs 0555, files 0444) whatever modes the archive had.
 * On any refusal `dest` is removed and ArchiveRefused thrown.
 */
export async function unpackArchive(archive: string, dest: string, limit: number): Promise<DatasetStats> {
  await mkdir(dest, { mode: 0o700 });
  try {
    const entries = await extractInto(archive, dest, limit);
    await checkSymlinks(dest, entries);
    await makeReadOnly(dest);
    return statsOf(entries);
  } catch (error) {
    await removeTree(dest);
    throw error;
  }
}

async function extractInto(archive: string, dest: string, limit: number): Promise<ManifestEntry[]> {
  const head = Buffer.alloc(2);
  const fh = await open(archive, 'r');
  await fh.read(head, 0, 2, 0).finally(() => fh.close());
  const tar = extract();
  const file = createReadStream(archive);
  const gunzip = head[0] === 0x1f && head[1] === 0x8b ? createGunzip() : undefined;
  // tar-stream is a streamx stream, not a Node one: errors upstream are handed on by hand.
  const fail = (error: Error) => tar.destroy(error);
  file.on('error', fail);
  gunzip?.on('error', fail);
  (gunzip ? file.pipe(gunzip) : file).pipe(tar as unknown as NodeJS.WritableStream);
  const kinds = new Map<string, 'file' | 'dir' | 'symlink'>();
  const manifest = new Map<string, ManifestEntry>();
  let total = 0;
  try {
    for await (const entry of tar) total += await addEntry(entry.header, entry, dest, kinds, manifest, limit - total);
  } catch (error) {
    tar.destroy();
    // An errno error (ENOSPC, EACCES) is ours; a tar or zlib parse error means the upload is not an archive.
    const code = (error as NodeJS.ErrnoException).code;
    if (error instanceof ArchiveRefused || (code !== undefined && !code.startsWith('Z_'))) throw error;
    throw new ArchiveRefused(`not a readable .tar or .tar.gz: ${(error as Error).message}`);
  } finally {
    file.destroy();
  }
  return [...manifest.values()];
}

/** Writes one entry; returns the bytes it added. */
async function addEntry(h: Header, body: Entry, dest: string, kinds: Map<string, 'file' | 'dir' | 'symlink'>, manifest: Map<string, ManifestEntry>, room: number): Promise<number> {
  const drain = () => body.resume();
  if ((h.type as string) === 'pax-global-header') return (drain(), 0);
  const named = entryPath(h.name);
  if ('problem' in named) throw new ArchiveRefused(`entry '${h.name}' ${named.problem}`);
  const path = named.path;
  if (path === '') return (drain(), 0);
  if (kinds.has(path) && !(h.type === 'directory' && kinds.get(path) === 'dir')) throw new ArchiveRefused(`entry '${path}' appears twice`);
  const parts = path.split('/');
  for (let i = 1; i < parts.length; i++) {
    const parent = parts.slice(0, i).join('/');
    const kind = kinds.get(parent);
    if (kind === 'symlink') throw new ArchiveRefused(`entry '${path}' lies below the symlink '${parent}'`);
    if (kind === 'file') throw new ArchiveRefused(`entry '${path}' lies below the file '${parent}'`);
    kinds.set(parent, 'dir');
  }
  const target = join(dest, path);
  await mkdir(join(target, '..'), { recursive: true, mode: 0o700 });
  switch (h.type) {
    case 'directory':
      kinds.set(path, 'dir');
      await mkdir(target, { recursive: true, mode: 0o700 });
      return (drain(), 0);
    case 'file':
    case 'contiguous-file': {
      const size = h.size ?? 0;
      if (size > room) throw new ArchiveRefused(`entry '${path}' takes the unpacked size over the limit (BEAMLINE_DATASET_MAX_BYTES)`, true);
      kinds.set(path, 'file');
      const hash = createHash('sha256');
      const meter = new Transform({ transform: (chunk: Buffer, _e, cb) => (hash.update(chunk), cb(null, chunk)) });
      // 'wx': never through something already there (the name checks above make that impossible; this makes it certain).
      await pipeline(body, meter, createWriteStream(target, { flags: 'wx', mode: 0o600 }));
      manifest.set(path, { path, size, sha256: hash.digest('hex') });
      return size;
    }
    case 'link': {
      const linked = entryPath(h.linkname ?? '');
      const source = 'path' in linked ? manifest.get(linked.path) : undefined;
      if ('problem' in linked) throw new ArchiveRefused(`hard link '${path}' leaves the archive's root: its target ${linked.problem}`);
      if (!source || !('size' in source)) throw new ArchiveRefused(`hard link '${path}' names '${h.linkname}', which is not a file earlier in the archive`);
      if (source.size > room) throw new ArchiveRefused(`entry '${path}' takes the unpacked size over the limit (BEAMLINE_DATASET_MAX_BYTES)`, true);
      kinds.set(path, 'file');
      await copyFile(join(dest, source.path), target, constants.COPYFILE_EXCL);
      manifest.set(path, { ...source, path });
      drain();
      return source.size;
    }
    case 'symlink': {
      const problem = symlinkProblem(path, h.linkname ?? '');
      if (problem) throw new ArchiveRefused(`symlink '${path}' ${problem}`);
      kinds.set(path, 'symlink');
      await symlink(h.linkname!, target);
      manifest.set(path, { path, symlink: h.linkname! });
      return (drain(), 0);
    }
    default:
      throw new ArchiveRefused(`entry '${path}' is a ${h.type}; only files, directories and links are accepted`);
  }
}

/** Step 3's second half: each symlink's real path must be inside the root, and exist. */
async function checkSymlinks(dest: string, entries: ManifestEntry[]): Promise<void> {
  const root = await realpath(dest);
  for (const e of entries) {
    if (!('symlink' in e)) continue;
    const real = await realpath(join(dest, e.path)).catch((error: NodeJS.ErrnoException) => {
      throw new ArchiveRefused(`symlink '${e.path}' points at nothing in the archive (${error.code})`);
    });
    if (real !== root && !real.startsWith(`${root}/`)) throw new ArchiveRefused(`symlink '${e.path}' leaves the archive's root`);
  }
}

async function makeReadOnly(dir: string): Promise<void> {
  for (const d of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, d.name);
    if (d.isDirectory()) await makeReadOnly(path);
    else if (d.isFile()) await chmod(path, 0o444);
  }
  await chmod(dir, 0o555);
}

/** rm -rf that also works on a read-only tree when the platform is not root. */
export async function removeTree(dir: string): Promise<void> {
  const st = await lstat(dir).catch(() => undefined);
  if (!st) return;
  if (st.isDirectory()) {
    await chmod(dir, 0o700);
    for (const name of await readdir(dir)) await removeTree(join(dir, name));
  }
  await rm(dir, { recursive: true, force: true });
}
