import { createHash, randomBytes } from 'node:crypto';
import { mkdir, open, rm, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { StringDecoder } from 'node:string_decoder';
import { Inject, Injectable } from '@nestjs/common';
import { ARTIFACT_STORE, type ArtifactStore } from '../../models/artifacts/artifact-store.js';

/**
 * A chunk being written: bytes go to a staging file as they come, hashed on the way, so a
 * tailer holds one piece in memory however large the chunk grows.
 */
export class StagedChunk {
  private handle?: FileHandle;
  private readonly hash = createHash('sha256');
  size = 0;
  /** When the first byte came (epoch ms); 0 while empty. */
  since = 0;

  constructor(readonly path: string) {}

  async append(bytes: Buffer): Promise<void> {
    if (bytes.length === 0) return;
    this.handle ??= await open(this.path, 'wx', 0o600);
    await this.handle.write(bytes);
    this.hash.update(bytes);
    if (this.size === 0) this.since = Date.now();
    this.size += bytes.length;
  }

  async seal(): Promise<{ sha256: string; size: number } | undefined> {
    await this.handle?.close();
    this.handle = undefined;
    return this.size === 0 ? undefined : { sha256: this.hash.digest('hex'), size: this.size };
  }

  async discard(): Promise<void> {
    await this.handle?.close().catch(() => undefined);
    await rm(this.path, { force: true });
  }
}

/** Log chunks as blobs of the artifact store (content-addressed, like model files). */
@Injectable()
export class LogChunkStore {
  constructor(@Inject(ARTIFACT_STORE) private readonly store: ArtifactStore) {}

  async stage(): Promise<StagedChunk> {
    const dir = join(this.store.stagingDir, 'logs');
    await mkdir(dir, { recursive: true });
    return new StagedChunk(join(dir, `${Date.now()}-${randomBytes(6).toString('hex')}`));
  }

  /** Publishes a sealed chunk (one HEAD + one PUT on S3, one link() on a filesystem) and drops the staging file. */
  async publish(chunk: StagedChunk, sealed: { sha256: string; size: number }): Promise<void> {
    try {
      await this.store.putFile(sealed.sha256, chunk.path, sealed.size);
    } finally {
      await chunk.discard();
    }
  }

  /** The text of chunks in order; a blob is streamed, never read whole. */
  async *read(chunks: Array<{ sha256: string | null }>, signal?: AbortSignal): AsyncIterable<string> {
    const decoder = new StringDecoder('utf8');
    for (const chunk of chunks) {
      if (signal?.aborted) return;
      if (!chunk.sha256) continue;
      for await (const bytes of await this.store.open(chunk.sha256)) yield decoder.write(bytes as Buffer);
    }
    const rest = decoder.end();
    if (rest) yield rest;
  }

  delete(sha256: string): Promise<void> {
    return this.store.delete(sha256);
  }
}
