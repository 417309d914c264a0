import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { pack, type Header } from 'tar-stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ArchiveRefused, entryPath, symlinkProblem, unpackArchive } from './archive-unpack.js';
import { manifestDigest, scanDirectory } from './dataset-manifest.js';

type Item = Partial<Header> & { name: string; body?: string };

async function tarOf(items: Item[]): Promise<Buffer> {
  const p = pack();
  for (const { body, ...header } of items) p.entry({ type: 'file', ...header } as Header, body ?? '');
  p.finalize();
  const chunks: Buffer[] = [];
  for await (const chunk of p) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'unpack-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

async function unpack(items: Item[], gzip = false, limit = 1 << 20) {
  const archive = join(dir, 'a.tar');
  const bytes = await tarOf(items);
  writeFileSync(archive, gzip ? gzipSync(bytes) : bytes);
  return unpackArchive(archive, join(dir, 'out'), limit);
}

describe('entryPath and symlinkProblem', () => {
  it.each([
    ['./data/x.txt', { path: 'data/x.txt' }],
    ['data/', { path: 'data' }],
    ['./', { path: '' }],
    ['../etc/passwd', { problem: expect.stringContaining('path traversal') }],
    ['a/../../b', { problem: expect.stringContaining('path traversal') }],
    ['/etc/passwd', { problem: 'is an absolute path' }],
  ])('%s', (name, expected) => expect(entryPath(name)).toEqual(expected));

  it('accepts links that stay inside and refuses those that leave', () => {
    expect(symlinkProblem('a/b', '../c')).toBeUndefined();
    expect(symlinkProblem('a/b', '../../c')).toMatch(/leaves the archive's root/);
    expect(symlinkProblem('a', '/etc/passwd')).toMatch(/absolute/);
  });
});

describe('unpackArchive', () => {
  it('unpacks a .tar.gz read-only and digests it the same as a .tar and as a directory scan', async () => {
    const items: Item[] = [
      { name: 'data/', type: 'directory' },
      { name: 'data/b.csv', body: 'x,y\n1,2\n' },
      { name: './a.txt', body: 'hello' },
      { name: 'data/copy.csv', type: 'link', linkname: 'data/b.csv' },
      { name: 'latest', type: 'symlink', linkname: 'data/b.csv' },
    ];
    const stats = await unpack(items, true);
    expect(stats).toMatchObject({ sizeBytes: 5 + 8 + 8, fileCount: 3, digestNote: null });
    expect(readFileSync(join(dir, 'out', 'latest'), 'utf8')).toBe('x,y\n1,2\n');
    expect(statSync(join(dir, 'out', 'a.txt')).mode & 0o777).toBe(0o444);
    expect(statSync(join(dir, 'out', 'data')).mode & 0o777).toBe(0o555);
    expect(await scanDirectory(join(dir, 'out'), 1 << 20)).toEqual(stats);
    rmSync(join(dir, 'out'), { recursive: true, force: true });
    expect((await unpack([...items].reverse().filter((i) => i.type !== 'link'), false)).digest).not.toBe(stats.digest);
  });

  it('digests a sorted manifest, whatever the order', () => {
    const a = { path: 'a', size: 1, sha256: 'f'.repeat(64) };
    const b = { path: 'b', symlink: 'a' };
    expect(manifestDigest([a, b])).toBe(manifestDigest([b, a]));
  });

  it.each<[string, Item[], RegExp]>([
    ['a ../ entry', [{ name: '../evil', body: 'x' }], /path traversal/],
    ['an absolute entry', [{ name: '/etc/evil', body: 'x' }], /absolute path/],
    ['a symlink out of the root', [{ name: 'l', type: 'symlink', linkname: '../../etc/passwd' }], /leaves the archive's root/],
    ['an absolute symlink', [{ name: 'l', type: 'symlink', linkname: '/etc/passwd' }], /absolute path/],
    ['a symlink out through another symlink', [{ name: 'x', type: 'symlink', linkname: '.' }, { name: 'd/', type: 'directory' }, { name: 'd/l', type: 'symlink', linkname: '../x/..' }], /leaves the archive's root/],
    ['a hard link out of the root', [{ name: 'h', type: 'link', linkname: '../../etc/shadow' }], /leaves the archive's root/],
    ['a file below a symlink', [{ name: 'l', type: 'symlink', linkname: '.' }, { name: 'l/f', body: 'x' }], /below the symlink/],
    ['an entry twice', [{ name: 'f', body: 'x' }, { name: './f', body: 'y' }], /appears twice/],
    ['a device', [{ name: 'dev', type: 'character-device' }], /character-device/],
    ['a dangling symlink', [{ name: 'l', type: 'symlink', linkname: 'nothing' }], /points at nothing/],
  ])('refuses %s and leaves nothing behind', async (_what, items, message) => {
    await expect(unpack(items)).rejects.toThrow(message);
    expect(existsSync(join(dir, 'out'))).toBe(false);
  });

  it('refuses files adding up past the limit, and bytes that are not an archive', async () => {
    const big = unpack([{ name: 'a', body: 'x'.repeat(600) }, { name: 'b', body: 'y'.repeat(600) }], true, 1000);
    await expect(big).rejects.toMatchObject({ tooLarge: true });
    writeFileSync(join(dir, 'junk'), 'not a tar at all'.repeat(100));
    await expect(unpackArchive(join(dir, 'junk'), join(dir, 'out'), 1000)).rejects.toBeInstanceOf(ArchiveRefused);
    expect(existsSync(join(dir, 'out'))).toBe(false);
  });
});
