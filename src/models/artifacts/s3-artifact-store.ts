import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';
import {
  CreateBucketCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { SHA256_HEX, type ArtifactStore } from './artifact-store.js';
import { newS3Client, type S3Connection } from './s3-client.js';

export interface S3StoreOptions extends S3Connection {
  bucket: string;
  prefix: string;
  /** Local folder for uploads in flight (they are hashed and inspected before they go to S3). */
  stagingDir: string;
}

/**
 * Blobs at `s3://<bucket>/<prefix>sha256/<digest>`, for AWS S3, MinIO, Ceph RGW and the
 * like. A blob already present is not uploaded again. Two uploads of the same digest may
 * both PUT at once; S3 keeps one object with identical bytes, so the store still holds it
 * once (only the `stored` flag may be true for both).
 */
export class S3ArtifactStore implements ArtifactStore {
  readonly kind = 's3' as const;
  readonly stagingDir: string;
  private readonly s3: S3Client;
  private bucketReady?: Promise<void>;

  constructor(private readonly options: S3StoreOptions) {
    this.stagingDir = options.stagingDir;
    this.s3 = newS3Client(options);
  }

  /**
   * Creates the bucket when it does not exist (MinIO and test servers start empty). Done
   * on the first write, not at boot, so the API starts while the object store is down.
   */
  private ensureBucket(): Promise<void> {
    this.bucketReady ??= (async () => {
      try {
        await this.s3.send(new HeadBucketCommand({ Bucket: this.options.bucket }));
      } catch (error) {
        if (!isNotFound(error)) throw error;
        await this.s3.send(new CreateBucketCommand({ Bucket: this.options.bucket })).catch((e: unknown) => {
          if (!(e instanceof S3ServiceException && /BucketAlready/.test(e.name))) throw e;
        });
      }
    })().catch((error: unknown) => {
      this.bucketReady = undefined;
      throw error;
    });
    return this.bucketReady;
  }

  async putFile(sha256: string, localPath: string, size: number): Promise<{ stored: boolean }> {
    await this.ensureBucket();
    if (await this.stat(sha256)) return { stored: false };
    await this.s3.send(
      new PutObjectCommand({
        Bucket: this.options.bucket,
        Key: this.keyOf(sha256),
        Body: createReadStream(localPath),
        ContentLength: size,
        ContentType: 'application/octet-stream',
        Metadata: { sha256 },
      }),
    );
    return { stored: true };
  }

  async stat(sha256: string): Promise<{ size: number } | undefined> {
    try {
      const head = await this.s3.send(new HeadObjectCommand({ Bucket: this.options.bucket, Key: this.keyOf(sha256) }));
      return { size: head.ContentLength ?? 0 };
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
  }

  async open(sha256: string, range?: { start: number; end: number }): Promise<Readable> {
    const result = await this.s3.send(
      new GetObjectCommand({
        Bucket: this.options.bucket,
        Key: this.keyOf(sha256),
        Range: range ? `bytes=${range.start}-${range.end}` : undefined,
      }),
    );
    if (!(result.Body instanceof Readable)) throw new Error('S3 returned a body that is not a Node stream');
    return result.Body;
  }

  async delete(sha256: string): Promise<void> {
    await this.s3.send(new DeleteObjectCommand({ Bucket: this.options.bucket, Key: this.keyOf(sha256) }));
  }

  onModuleDestroy(): void {
    this.s3.destroy();
  }

  private keyOf(sha256: string): string {
    if (!SHA256_HEX.test(sha256)) throw new Error(`not a sha256 digest: ${sha256}`);
    return `${this.options.prefix}sha256/${sha256}`;
  }
}

function isNotFound(error: unknown): boolean {
  return error instanceof S3ServiceException && (error.$metadata.httpStatusCode === 404 || error.name === 'NotFound' || error.name === 'NoSuchKey');
}
