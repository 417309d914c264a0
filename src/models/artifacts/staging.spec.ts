import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FilesystemArtifactStore } from './filesystem-artifact-store.js';
import { stageUpload, TooLargeError } from './staging.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'staging-'));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

function chunks(count: number, size: number): Readable {
  return Readable.from(Array.from({ length: count }, (_, i) => Buffer.alloc(size, i)));
}

describe('stageUpload', () => {
  it('writes the stream to a file while hashing and counting it', async () => {
    const staged = await stageUpload(chunks(10, 1000), join(dir, 'in'), 1_000_000);
    const bytes = await readFile(staged.path);
    expect(staged.size).toBe(10_000);
    expect(staged.sha256).toBe(createHash('sha256').update(bytes).digest('hex'));
    await staged.discard();
    expect(await readdir(join(dir, 'in'))).toEqual([]);
  });

  it('stops past the limit and leaves no partial file', async () => {
    const source = chunks(10, 1000);
    await expect(stageUpload(source, dir, 4_500)).rejects.toBeInstanceOf(TooLargeError);
    expect(await readdir(dir)).toEqual([]);
    expect(source.destroyed).toBe(false);
  });
});

describe('FilesystemArtifactStore', () => {
  it('publishes a digest once: the second put of the same content reports stored=false', async () => {
    const store = new FilesystemArtifactStore(dir);
    const a = await stageUpload(chunks(3, 10), store.stagingDir, 1000);
    const b = await stageUpload(chunks(3, 10), store.stagingDir, 1000);
    const results = await Promise.all([store.putFile(a.sha256, a.path), store.putFile(b.sha256, b.path)]);
    expect(results.map((r) => r.stored).sort()).toEqual([false, true]);
    expect(await store.stat(a.sha256)).toEqual({ size: 30 });
    const ranged = await store.open(a.sha256, { start: 10, end: 19 });
    const got: Buffer[] = [];
    for await (const chunk of ranged) got.push(chunk as Buffer);
    expect(Buffer.concat(got)).toEqual(Buffer.alloc(10, 1));
    await store.delete(a.sha256);
    expect(await store.stat(a.sha256)).toBeUndefined();
    await expect(store.open('f'.repeat(64))).rejects.toThrow(/ENOENT/);
    expect(() => store.pathOf('../etc/passwd')).toThrow(/not a sha256/);
  });
});
