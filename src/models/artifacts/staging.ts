import { createHash, randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

export interface StagedFile {
  path: string;
  sha256: string;
  size: number;
  discard(): Promise<void>;
}

/** Thrown when an upload passes the size limit; the partial file is already removed. */
export class TooLargeError extends Error {
  constructor(readonly limit: number) {
    super(`the upload exceeds the limit of ${limit} bytes`);
    this.name = 'TooLargeError';
  }
}

/**
 * Streams an upload to a file in `dir`, hashing and counting as the bytes pass: memory
 * stays at one chunk whatever the file size. Past `limit` bytes it stops (TooLargeError).
 * The source is unpiped, never destroyed: for an HTTP request that would also destroy
 * the socket the error response must go out on.
 */
export async function stageUpload(source: Readable, dir: string, limit: number): Promise<StagedFile> {
  const path = join(dir, `${randomUUID()}.part`);
  const hash = createHash('sha256');
  let size = 0;
  const meter = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      size += chunk.length;
      if (size > limit) return callback(new TooLargeError(limit));
      hash.update(chunk);
      callback(null, chunk);
    },
  });
  // Listen before the first await: a source may fail while we wait (a file that cannot be opened).
  let sourceError: Error | undefined;
  let piping = false;
  const onSourceError = (error: Error) => {
    sourceError = error;
    // Before the pipeline exists nobody listens on meter; the error is rethrown below instead.
    if (piping) meter.destroy(error);
  };
  source.on('error', onSourceError);
  try {
    await mkdir(dir, { recursive: true });
    if (sourceError) throw sourceError;
    const written = pipeline(meter, createWriteStream(path, { flags: 'wx' }));
    piping = true;
    source.pipe(meter);
    await written;
  } catch (error) {
    source.unpipe(meter);
    await rm(path, { force: true });
    throw error;
  } finally {
    source.off('error', onSourceError);
  }
  return { path, sha256: hash.digest('hex'), size, discard: () => rm(path, { force: true }) };
}
