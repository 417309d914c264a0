import { randomUUID } from 'node:crypto';
import { lstat, mkdir, realpath, rm } from 'node:fs/promises';
import type { IncomingMessage } from 'node:http';
import { join, resolve } from 'node:path';
import { Inject, Injectable, Optional } from '@nestjs/common';
import { CLUSTER_DRIVER, type ClusterDriver } from '../cluster/cluster-driver.js';
import { APP_CONFIG } from '../common/config/config.js';
import type { AppConfig } from '../common/config/config.schema.js';
import { AppError, ErrorCode } from '../common/errors/app-error.js';
import { parseOrThrow } from '../common/validation/zod.js';
import { ARTIFACT_STORE, type ArtifactStore } from '../models/artifacts/artifact-store.js';
import { readMultipart } from '../models/artifacts/upload-intake.js';
import { ArchiveRefused } from './archive-unpack.js';
import { DatasetCopies } from './dataset-copies.js';
import { scanDirectory } from './dataset-manifest.js';
import { uploadSpecSchema, type DatasetUri } from './datasets.dto.js';
import { DatasetsMetrics } from './datasets.metrics.js';
import { S3DatasetSource } from './s3-dataset-source.js';

/** What a version records; the stats are null where Beamline cannot read the data (digestNote says why). */
export interface Intake {
  sizeBytes: number | null;
  fileCount: number | null;
  digest: string | null;
  digestNote: string | null;
  kind: 'archive' | 'pvc' | 's3';
  uri: string;
  description?: string;
  archiveSha256?: string;
  /** The unpacked tree, beside its place; the version's insert moves it there (DatasetCopies.place). */
  staged?: string;
}

/**
 * Reads what a new dataset version holds. Refusals (4xx naming the field) all come before
 * anything is kept, so a refused version leaves nothing behind:
 * - an archive: 1) streamed to staging (413 past BEAMLINE_DATASET_MAX_BYTES); 2) checked and
 *   unpacked beside its final place (archive-unpack.ts); 3) stored in the artifact store,
 *   where a Kubernetes init container fetches it from; 4) the version's insert moves the tree
 *   to <home>/datasets/<sha256>, where the local driver finds it (dataset-copies.ts);
 * - s3://: fetched now, at registration, not at a job's first mount: a version never changes,
 *   but a prefix does, so only a snapshot taken once makes the digest describe what every job
 *   reads (and a bad key or a prefix over the limit is refused here, with nothing created,
 *   not when a job starts). The objects are written into one tar in a fixed order
 *   (s3-dataset-source.ts), and that tar is then kept exactly as an uploaded archive: on
 *   Kubernetes the same init container fetches it from the API, and no pod needs S3 credentials;
 * - pvc://: the claim must exist; on the local driver its directory is read for the stats.
 */
@Injectable()
export class DatasetIntake {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(ARTIFACT_STORE) private readonly store: ArtifactStore,
    private readonly metrics: DatasetsMetrics,
    private readonly copies: DatasetCopies,
    private readonly s3: S3DatasetSource,
    @Optional() @Inject(CLUSTER_DRIVER) private readonly driver?: ClusterDriver,
  ) {}

  private get limit(): number {
    return this.config.BEAMLINE_DATASET_MAX_BYTES;
  }

  async archive(req: IncomingMessage): Promise<Intake> {
    const upload = await readMultipart(req, this.store.stagingDir, this.limit).catch((error: unknown) => {
      if (error instanceof AppError && error.code === ErrorCode.PayloadTooLarge) {
        this.metrics.archiveRefused('too_large');
        throw this.tooLarge('file', `the archive is larger than ${this.limit} bytes`);
      }
      throw error;
    });
    const file = upload.file;
    if (!file) throw AppError.validation([{ field: 'file', message: "required: the .tar or .tar.gz as the part named 'file' (or send JSON with a uri)" }]);
    try {
      const spec = parseOrThrow(uploadSpecSchema, parseJson(upload.fields.spec), 'spec');
      if (file.size === 0) throw AppError.validation([{ field: 'file', message: 'the file is empty (0 bytes)' }]);
      const kept = await this.keep(file.path, file.sha256, file.size, 'file');
      return { ...kept, kind: 'archive', uri: `artifact://sha256/${file.sha256}`, description: spec.description };
    } finally {
      await file.discard();
    }
  }

  async uri(uri: DatasetUri): Promise<Intake> {
    if (uri.kind === 's3') return this.s3Prefix(uri.bucket, uri.prefix);
    const raw = `pvc://${uri.claim}/${uri.path}`;
    const claimProblem = { field: 'uri', message: `no claim '${uri.claim}' here` };
    if (!this.driver) return { kind: 'pvc', uri: raw, ...unknownStats('no cluster driver: the claim was not checked or read') };
    if (this.driver.kind !== 'local') {
      if (!(await this.driver.claimExists?.(uri.claim))) throw AppError.validation([{ ...claimProblem, message: `${claimProblem.message} (a PersistentVolumeClaim in the jobs' namespace)` }]);
      return { kind: 'pvc', uri: raw, ...unknownStats("the API does not read inside a PersistentVolumeClaim: size, file count and digest are unknown") };
    }
    const claimDir = resolve(this.config.BEAMLINE_HOME, 'volumes', uri.claim);
    const claim = await lstat(claimDir).catch(() => undefined);
    if (!claim?.isDirectory()) throw AppError.validation([{ ...claimProblem, message: `${claimProblem.message} (a directory under <BEAMLINE_HOME>/volumes)` }]);
    // The path must be a directory inside the claim, also after following any symlinks in it.
    const [realClaim, real] = await Promise.all([realpath(claimDir), realpath(join(claimDir, uri.path)).catch(() => undefined)]);
    const inside = real !== undefined && (real === realClaim || real.startsWith(`${realClaim}/`));
    if (!inside || !(await lstat(real)).isDirectory()) {
      throw AppError.validation([{ field: 'uri', message: `no directory '${uri.path}' inside claim '${uri.claim}'` }]);
    }
    return { kind: 'pvc', uri: raw, ...(await scanDirectory(real, this.limit)) };
  }

  /** s3://: list and check the keys (nothing fetched yet), snapshot them into a tar, keep it as an archive. */
  private async s3Prefix(bucket: string, prefix: string): Promise<Intake> {
    const files = await this.s3.plan(bucket, prefix);
    await mkdir(this.store.stagingDir, { recursive: true });
    const tar = join(this.store.stagingDir, `s3-${randomUUID()}.tar`);
    try {
      const { sha256, size } = await this.s3.snapshot(bucket, prefix, files, tar);
      return { ...(await this.keep(tar, sha256, size, 'uri')), kind: 's3', uri: `s3://${bucket}/${prefix}` };
    } finally {
      await rm(tar, { force: true });
    }
  }

  /** Unpacks a staged archive (refusals name `field`) and stores it by its sha256; the tree stays staged for the insert. */
  private async keep(archive: string, sha256: string, size: number, field: 'file' | 'uri') {
    let unpacked: Awaited<ReturnType<DatasetCopies['unpack']>>;
    try {
      unpacked = await this.copies.unpack(archive);
    } catch (error) {
      if (!(error instanceof ArchiveRefused)) throw error;
      this.metrics.archiveRefused(error.tooLarge ? 'too_large' : 'invalid');
      if (error.tooLarge) throw this.tooLarge(field, error.message);
      throw AppError.validation([{ field, message: error.message }], field === 'file' ? 'The archive was refused' : 'The S3 prefix was refused');
    }
    try {
      await this.store.putFile(sha256, archive, size);
    } catch (error) {
      await this.copies.discard(unpacked.staged);
      throw error;
    }
    return { ...unpacked.stats, archiveSha256: sha256, staged: unpacked.staged };
  }

  private tooLarge(field: 'file' | 'uri', message: string): AppError {
    return new AppError(ErrorCode.PayloadTooLarge, `The dataset is too large: ${message}`, [{ field, message: `over BEAMLINE_DATASET_MAX_BYTES (${this.limit} bytes)` }]);
  }
}

function unknownStats(why: string) {
  return { sizeBytes: null, fileCount: null, digest: null, digestNote: why };
}

function parseJson(raw: string | undefined): unknown {
  if (raw === undefined) return {};
  try {
    return JSON.parse(raw);
  } catch {
    throw AppError.validation([{ field: 'spec', message: 'not valid JSON' }]);
  }
}
