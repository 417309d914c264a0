import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { GetObjectCommand, ListObjectsV2Command, S3ServiceException, type S3Client } from '@aws-sdk/client-s3';
import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import { pack } from 'tar-stream';
import { APP_CONFIG } from '../common/config/config.js';
import type { AppConfig } from '../common/config/config.schema.js';
import { AppError, ErrorCode } from '../common/errors/app-error.js';
import { newS3Client, s3Connection } from '../models/artifacts/s3-client.js';
import { listPrefix, MAX_OBJECTS, planFiles, PrefixRefused, type ListedObject, type PlannedFile } from './s3-keys.js';

/**
 * Reads an `s3://<bucket>/<prefix>` for a new dataset version, as the platform: the client is
 * the artifact store's (BEAMLINE_S3_ENDPOINT, _REGION, _FORCE_PATH_STYLE, _ACCESS_KEY_ID,
 * _SECRET_ACCESS_KEY, or the AWS default chain), so no job spec ever carries a secret.
 * Every failure is an AppError naming `uri`: the prefix refused (400, 413 past the limit), the
 * objects changed while fetched (409), S3 unreachable or failing (503).
 */
@Injectable()
export class S3DatasetSource implements OnModuleDestroy {
  private client?: S3Client;

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  /** Made on first use, so an API that never sees an s3:// version never needs S3. */
  private get s3(): S3Client {
    this.client ??= newS3Client(s3Connection(this.config));
    return this.client;
  }

  /** Lists the prefix and checks every key and the total size (s3-keys.ts) before anything is fetched. */
  async plan(bucket: string, prefix: string): Promise<PlannedFile[]> {
    const listed: ListedObject[] = [];
    let token: string | undefined;
    try {
      do {
        const page = await this.s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: listPrefix(prefix), ContinuationToken: token }));
        for (const o of page.Contents ?? []) listed.push({ key: o.Key!, size: o.Size ?? 0, etag: o.ETag });
        token = page.IsTruncated ? page.NextContinuationToken : undefined;
      } while (token && listed.length <= MAX_OBJECTS);
      return planFiles(listed, prefix, this.config.BEAMLINE_DATASET_MAX_BYTES);
    } catch (error) {
      throw this.refusal(error, bucket, prefix);
    }
  }

  /**
   * Writes the planned objects into one tar at `dest` (a new file), in path order with fixed
   * headers (mode 0644, mtime 0, uid 0), so the same objects always give the same bytes and
   * sha256: a second version of an unchanged prefix reuses the first one's snapshot. Each
   * object is read with If-Match on its listed ETag and must have its listed size.
   */
  async snapshot(bucket: string, prefix: string, files: PlannedFile[], dest: string): Promise<{ sha256: string; size: number }> {
    const tar = pack();
    const hash = createHash('sha256');
    let size = 0;
    const meter = new Transform({ transform: (chunk: Buffer, _e, cb) => ((size += chunk.length), hash.update(chunk), cb(null, chunk)) });
    const written = pipeline(tar as unknown as Readable, meter, createWriteStream(dest, { flags: 'wx', mode: 0o600 }));
    written.catch(() => undefined); // awaited below; an early failure is reported by the loop
    try {
      for (const f of files) {
        const got = await this.s3.send(new GetObjectCommand({ Bucket: bucket, Key: f.key, IfMatch: f.etag }));
        if (!(got.Body instanceof Readable)) throw new Error('S3 returned a body that is not a Node stream');
        if (got.ContentLength !== undefined && got.ContentLength !== f.size) {
          got.Body.destroy();
          throw new ObjectChanged(f.key);
        }
        await writeEntry(tar, f, got.Body);
      }
      tar.finalize();
      await written;
      return { sha256: hash.digest('hex'), size };
    } catch (error) {
      tar.destroy();
      await written.catch(() => undefined);
      await rm(dest, { force: true });
      throw this.refusal(error, bucket, prefix);
    }
  }

  onModuleDestroy(): void {
    this.client?.destroy();
  }

  private refusal(error: unknown, bucket: string, prefix: string): Error {
    const where = `s3://${bucket}/${listPrefix(prefix)}`;
    if (error instanceof AppError) return error;
    if (error instanceof PrefixRefused) {
      const problem = [{ field: 'uri', message: `${where}: ${error.message}` }];
      return error.tooLarge
        ? new AppError(ErrorCode.PayloadTooLarge, `The dataset is too large: ${error.message}`, problem)
        : AppError.validation(problem, 'The S3 prefix was refused');
    }
    if (error instanceof ObjectChanged || (error instanceof S3ServiceException && error.$metadata.httpStatusCode === 412)) {
      return new AppError(ErrorCode.Conflict, `An object under ${where} changed while it was fetched; register the version again`, [
        { field: 'uri', message: `changed while fetched${error instanceof ObjectChanged ? `: '${error.key}'` : ''}` },
      ]);
    }
    if (error instanceof S3ServiceException) {
      const status = error.$metadata.httpStatusCode ?? 0;
      if (error.name === 'NoSuchBucket') return AppError.validation([{ field: 'uri', message: `no bucket '${bucket}' at the platform's S3 endpoint` }]);
      if (status === 403 || /AccessDenied|InvalidAccessKeyId|SignatureDoesNotMatch/.test(error.name)) {
        return AppError.validation([{ field: 'uri', message: `the platform's S3 credentials may not read ${where} (${error.name})` }]);
      }
      if (error.name === 'NoSuchKey') return new AppError(ErrorCode.Conflict, `An object under ${where} was deleted while it was fetched`, [{ field: 'uri', message: 'changed while fetched' }]);
      if (status >= 400 && status < 500) return AppError.validation([{ field: 'uri', message: `S3 refused reading ${where}: ${error.name}` }]);
    }
    const reason = error instanceof Error ? error.message : String(error);
    return new AppError(ErrorCode.Unavailable, `S3 could not be read: ${reason}`, [{ field: 'uri', message: `reading ${where} failed: ${reason}` }]);
  }
}

class ObjectChanged extends Error {
  constructor(readonly key: string) {
    super(`the object '${key}' changed while it was fetched`);
  }
}

/** One object as a tar entry; tar-stream checks the body has exactly the header's size. */
function writeEntry(tar: ReturnType<typeof pack>, f: PlannedFile, body: Readable): Promise<void> {
  return new Promise((resolve, reject) => {
    const entry = tar.entry({ name: f.path, size: f.size, mode: 0o644, mtime: new Date(0), uid: 0, gid: 0, uname: '', gname: '', type: 'file' }, (error) =>
      error ? reject(error) : resolve(),
    );
    body.on('error', (error) => {
      entry.destroy(error);
      reject(error);
    });
    body.pipe(entry as unknown as NodeJS.WritableStream);
  });
}
