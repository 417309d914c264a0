import { randomUUID } from 'node:crypto';
import { lstat, mkdir, realpath, rename } from 'node:fs/promises';
import type { IncomingMessage } from 'node:http';
import { join, resolve } from 'node:path';
import { Inject, Injectable, Optional } from '@nestjs/common';
import { CLUSTER_DRIVER, type ClusterDriver } from '../cluster/cluster-driver.js';
import { datasetsRoot } from '../cluster/local/local-volumes.js';
import { APP_CONFIG } from '../common/config/config.js';
import type { AppConfig } from '../common/config/config.schema.js';
import { AppError, ErrorCode } from '../common/errors/app-error.js';
import { parseOrThrow } from '../common/validation/zod.js';
import { ARTIFACT_STORE, type ArtifactStore } from '../models/artifacts/artifact-store.js';
import { readMultipart } from '../models/artifacts/upload-intake.js';
import { ArchiveRefused, removeTree, unpackArchive } from './archive-unpack.js';
import { scanDirectory, type DatasetStats } from './dataset-manifest.js';
import { uploadSpecSchema, type DatasetUri } from './datasets.dto.js';
import { DatasetsMetrics } from './datasets.metrics.js';

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
}

/**
 * Reads what a new dataset version holds. Refusals (4xx naming the field) all come before
 * anything is kept, so a refused version leaves nothing behind:
 * - an archive: 1) streamed to staging (413 past BEAMLINE_DATASET_MAX_BYTES); 2) checked and
 *   unpacked beside its final place (archive-unpack.ts); 3) renamed to <home>/datasets/<sha256>,
 *   where the local driver finds it (one copy per archive: a second upload reuses it);
 *   4) stored in the artifact store, where a Kubernetes init container fetches it from.
 *   The unpacked copy and the blob are content-addressed and may be shared by versions, so
 *   they are kept when a version is deleted or a later step fails;
 * - pvc://: the claim must exist; on the local driver its directory is read for the stats;
 * - s3://: recorded as given.
 */
@Injectable()
export class DatasetIntake {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(ARTIFACT_STORE) private readonly store: ArtifactStore,
    private readonly metrics: DatasetsMetrics,
    @Optional() @Inject(CLUSTER_DRIVER) private readonly driver?: ClusterDriver,
  ) {}

  private get limit(): number {
    return this.config.BEAMLINE_DATASET_MAX_BYTES;
  }

  async archive(req: IncomingMessage): Promise<Intake> {
    const upload = await readMultipart(req, this.store.stagingDir, this.limit).catch((error: unknown) => {
      if (error instanceof AppError && error.code === ErrorCode.PayloadTooLarge) {
        this.metrics.archiveRefused('too_large');
        throw this.tooLarge(`the archive is larger than ${this.limit} bytes`);
      }
      throw error;
    });
    const file = upload.file;
    if (!file) throw AppError.validation([{ field: 'file', message: "required: the .tar or .tar.gz as the part named 'file' (or send JSON with a uri)" }]);
    try {
      const spec = parseOrThrow(uploadSpecSchema, parseJson(upload.fields.spec), 'spec');
      if (file.size === 0) throw AppError.validation([{ field: 'file', message: 'the file is empty (0 bytes)' }]);
      const root = datasetsRoot(this.config.BEAMLINE_HOME);
      await mkdir(root, { recursive: true, mode: 0o711 });
      const tmp = join(root, `.tmp-${randomUUID()}`);
      let stats: DatasetStats;
      try {
        stats = await unpackArchive(file.path, tmp, this.limit);
      } catch (error) {
        if (!(error instanceof ArchiveRefused)) throw error;
        this.metrics.archiveRefused(error.tooLarge ? 'too_large' : 'invalid');
        if (error.tooLarge) throw this.tooLarge(error.message);
        throw AppError.validation([{ field: 'file', message: error.message }], 'The archive was refused');
      }
      // Same parent, so the read-only directory can be renamed; a copy already there wins.
      await rename(tmp, join(root, file.sha256)).catch(async (error: NodeJS.ErrnoException) => {
        if (error.code !== 'ENOTEMPTY' && error.code !== 'EEXIST') throw error;
        await removeTree(tmp);
      });
      await this.store.putFile(file.sha256, file.path, file.size);
      return { ...stats, kind: 'archive', uri: `artifact://sha256/${file.sha256}`, description: spec.description, archiveSha256: file.sha256 };
    } finally {
      await file.discard();
    }
  }

  async uri(uri: DatasetUri): Promise<Intake> {
    const raw = uri.kind === 's3' ? `s3://${uri.bucket}/${uri.prefix}` : `pvc://${uri.claim}/${uri.path}`;
    if (uri.kind === 's3') return { kind: 's3', uri: raw, ...unknownStats('s3:// is recorded only: Beamline neither reads nor mounts it') };
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

  private tooLarge(message: string): AppError {
    return new AppError(ErrorCode.PayloadTooLarge, `The dataset archive is too large: ${message}`, [{ field: 'file', message: `over BEAMLINE_DATASET_MAX_BYTES (${this.limit} bytes)` }]);
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
