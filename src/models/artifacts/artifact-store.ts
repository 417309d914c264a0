import type { Readable } from 'node:stream';

/**
 * The port for model blobs, content-addressed by sha256. Two adapters: filesystem
 * (default, under `<BEAMLINE_HOME>/artifacts`) and S3-compatible.
 *
 * Rules for every adapter:
 * - `putFile` is idempotent and safe under concurrency: storing the same digest twice
 *   (even at the same moment) leaves one blob, and exactly one caller sees `stored: true`;
 * - the caller has already verified that the file's sha256 is `sha256`;
 * - `open` streams; it never reads a whole blob into memory.
 */
export interface ArtifactStore {
  readonly kind: 'filesystem' | 's3';
  /** A local folder for uploads in flight, on the same filesystem as the blobs where that matters. */
  readonly stagingDir: string;
  /** Stores a verified local file under its digest; `stored` is false when the blob was already there. */
  putFile(sha256: string, localPath: string, size: number): Promise<{ stored: boolean }>;
  /** Size of a stored blob, or undefined. */
  stat(sha256: string): Promise<{ size: number } | undefined>;
  /** Streams a blob, or the inclusive byte range [start, end] of it. */
  open(sha256: string, range?: { start: number; end: number }): Promise<Readable>;
  /** Removes a blob; absent blobs are fine. */
  delete(sha256: string): Promise<void>;
}

export const ARTIFACT_STORE = Symbol('ARTIFACT_STORE');

export const SHA256_HEX = /^[0-9a-f]{64}$/;
