import { createReadStream } from 'node:fs';
import { link, mkdir, rm, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { SHA256_HEX, type ArtifactStore } from './artifact-store.js';

/**
 * Blobs at `<root>/sha256/ab/cd/<digest>` (two fan-out levels keep folders small).
 * Staging lives under the same root so a finished upload is published with `link()`,
 * which is atomic and fails with EEXIST for the loser of a race: one blob, one winner.
 */
export class FilesystemArtifactStore implements ArtifactStore {
  readonly kind = 'filesystem' as const;
  readonly stagingDir: string;

  constructor(private readonly root: string) {
    this.stagingDir = join(root, '.staging');
  }

  async putFile(sha256: string, localPath: string): Promise<{ stored: boolean }> {
    const target = this.pathOf(sha256);
    await mkdir(join(target, '..'), { recursive: true });
    try {
      await link(localPath, target);
      return { stored: true };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST') return { stored: false };
      throw error;
    }
  }

  async stat(sha256: string): Promise<{ size: number } | undefined> {
    try {
      return { size: (await stat(this.pathOf(sha256))).size };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
  }

  async open(sha256: string, range?: { start: number; end: number }): Promise<Readable> {
    const stream = createReadStream(this.pathOf(sha256), range ? { start: range.start, end: range.end } : {});
    // Surface ENOENT and friends here rather than mid-response.
    await new Promise<void>((resolve, reject) => {
      stream.once('open', () => resolve());
      stream.once('error', reject);
    });
    return stream;
  }

  async delete(sha256: string): Promise<void> {
    await unlink(this.pathOf(sha256)).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== 'ENOENT') throw error;
    });
  }

  /** Test and ops helper: removes everything, staging included. */
  async destroy(): Promise<void> {
    await rm(this.root, { recursive: true, force: true });
  }

  pathOf(sha256: string): string {
    if (!SHA256_HEX.test(sha256)) throw new Error(`not a sha256 digest: ${sha256}`);
    return join(this.root, 'sha256', sha256.slice(0, 2), sha256.slice(2, 4), sha256);
  }
}
