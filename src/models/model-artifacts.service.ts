import { constants, createReadStream } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import type { IncomingMessage } from 'node:http';
import type { Readable } from 'node:stream';
import { Inject, Injectable } from '@nestjs/common';
import type { Principal, ProjectRef } from '../common/auth/principal.js';
import { APP_CONFIG } from '../common/config/config.js';
import type { AppConfig } from '../common/config/config.schema.js';
import { AppError, ErrorCode } from '../common/errors/app-error.js';
import { parseOrThrow } from '../common/validation/zod.js';
import { ARTIFACT_STORE, type ArtifactStore } from './artifacts/artifact-store.js';
import { stageUpload, type StagedFile } from './artifacts/staging.js';
import { readMultipart, readOctetStream } from './artifacts/upload-intake.js';
import { etagMatches, parseRange } from './http-range.js';
import { assertVariablesFit, ModelVersionsService, newVersionOf } from './model-versions.service.js';
import { createVersionSchema, sha256HeaderSchema, type CreateVersion } from './models.dto.js';
import { ModelsMetrics } from './models.metrics.js';
import { ModelsRepository } from './models.repository.js';
import { ModelsService } from './models.service.js';
import { OnnxInspector } from './onnx-inspector.js';
import type { ModelSignature } from './signature.js';
import { variablesSchema, type Variables } from './variables.js';

export const SHA256_HEADER = 'X-Content-SHA256';

export interface Download {
  status: 200 | 206 | 304;
  headers: Record<string, string>;
  body?: Readable;
}

interface Claim {
  sha256: string;
  field: string;
}

/**
 * Artifact upload and download. Every upload takes the same path:
 *   1. stream the body to a staged file, hashing and counting (413 past the limit);
 *   2. refuse an empty file and a digest other than the one claimed (400);
 *   3. open it with onnxruntime (422 with the runtime's reason when it cannot);
 *   4. check variable metadata against the signature (422);
 *   5. store it content-addressed (a blob already there is not written again);
 *   6. record it in the database, then drop the staged file.
 */
@Injectable()
export class ModelArtifactsService {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(ARTIFACT_STORE) private readonly store: ArtifactStore,
    private readonly models: ModelsService,
    private readonly versions: ModelVersionsService,
    private readonly repo: ModelsRepository,
    private readonly inspector: OnnxInspector,
    private readonly metrics: ModelsMetrics,
  ) {}

  /**
   * POST .../versions: multipart/form-data registers in one step (Ready); a JSON body
   * (or none) creates a PendingUpload version whose artifact follows with PUT.
   */
  createVersion(project: ProjectRef, principal: Principal, name: string, req: IncomingMessage & { body?: unknown }) {
    const type = req.headers['content-type'] ?? '';
    if (/^multipart\/form-data/i.test(type)) return this.register(project, principal, name, req);
    const empty = type === '' && !req.headers['content-length'] && !req.headers['transfer-encoding'];
    if (!empty && !/^application\/([\w.-]+\+)?json\s*(;|$)/i.test(type)) {
      req.resume();
      throw new AppError(ErrorCode.UnsupportedMediaType, 'Send application/json (a version to upload later) or multipart/form-data (spec + file)', [
        { field: 'header:Content-Type', message: `got '${type}'` },
      ]);
    }
    return this.versions.create(project, principal, name, parseOrThrow(createVersionSchema, req.body ?? {}));
  }

  /** PUT .../versions/{v}/artifact: the artifact of a PendingUpload version, as application/octet-stream. */
  upload(project: ProjectRef, name: string, ref: string, req: IncomingMessage) {
    return this.metrics.track('upload_artifact', () => drainOnError(req, async () => {
      const { model, row } = await this.versions.resolve(project, name, ref);
      if (row.status !== 'PendingUpload') {
        throw new AppError(ErrorCode.Conflict, `Version ${row.version} already has its artifact; register a new version instead`);
      }
      const claim = headerClaim(req) ?? (row.claimedSha256 ? { sha256: row.claimedSha256, field: 'sha256' } : undefined);
      const artifact = await this.ingest(() => readOctetStream(req, this.store.stagingDir, this.limit), claim, variablesSchema.parse(row.variables ?? {}));
      const updated = await this.repo.completeUpload(row.id, artifact);
      if (!updated) throw new AppError(ErrorCode.Conflict, `Version ${row.version} received its artifact from another upload meanwhile`);
      this.metrics.versionRegistered();
      return this.versions.view(updated, model, project);
    }));
  }

  /** POST .../versions as multipart/form-data: `spec` (JSON, optional) and `file`, one step to a Ready version. */
  private register(project: ProjectRef, principal: Principal, name: string, req: IncomingMessage) {
    return this.metrics.track('create_version', () => drainOnError(req, async () => {
      const model = await this.models.load(project, name);
      let spec: CreateVersion | undefined;
      const artifact = await this.ingest(
        async () => {
          const upload = await readMultipart(req, this.store.stagingDir, this.limit);
          if (!upload.file) throw AppError.validation([{ field: 'file', message: "required: the model file as the part named 'file'" }]);
          try {
            spec = parseOrThrow(createVersionSchema, parseJsonField(upload.fields.spec), 'spec');
            await this.versions.checkTrainingJob(project, spec.trainingJobId, 'spec.trainingJobId');
          } catch (error) {
            await upload.file.discard();
            throw error;
          }
          return upload.file;
        },
        () => headerClaim(req) ?? (spec?.sha256 ? { sha256: spec.sha256, field: 'spec.sha256' } : undefined),
        () => spec?.variables,
      );
      const body = spec!;
      const row = await this.repo.createVersion(newVersionOf(model.id, body, principal, artifact));
      this.metrics.versionRegistered();
      return this.versions.view(row, model, project);
    }));
  }

  /** GET/HEAD .../artifact: strong ETag (the digest), If-None-Match, single byte ranges. */
  download(project: ProjectRef, name: string, ref: string, request: { method: string; range?: string; ifNoneMatch?: string }) {
    return this.metrics.track('download_artifact', async (): Promise<Download> => {
      const { model, row } = await this.versions.resolve(project, name, ref);
      const artifact = row.artifact;
      if (!row.artifactSha256 || !artifact) throw AppError.notFound(`The artifact of version ${row.version} (not uploaded yet)`);
      const size = Number(artifact.size);
      const etag = `"${row.artifactSha256}"`;
      const headers: Record<string, string> = {
        ETag: etag,
        'Accept-Ranges': 'bytes',
        'Cache-Control': 'private, max-age=0, must-revalidate',
        'Content-Type': 'application/octet-stream',
        'Content-Disposition': `attachment; filename="${model.name}-v${row.version}.onnx"`,
        [SHA256_HEADER]: row.artifactSha256,
      };
      if (etagMatches(request.ifNoneMatch, etag)) return { status: 304, headers: { ETag: etag } };
      const range = parseRange(request.range, size);
      if (range.kind === 'unsatisfiable') {
        throw new AppError(ErrorCode.RangeNotSatisfiable, `The range is outside the artifact's ${size} bytes`, [
          { field: 'header:Range', message: `bytes */${size}` },
        ]);
      }
      const slice = range.kind === 'partial' ? { start: range.start, end: range.end } : undefined;
      if (slice) headers['Content-Range'] = `bytes ${slice.start}-${slice.end}/${size}`;
      headers['Content-Length'] = String(slice ? slice.end - slice.start + 1 : size);
      const body = request.method === 'HEAD' ? undefined : await this.store.open(row.artifactSha256, slice);
      return { status: slice ? 206 : 200, headers, body };
    });
  }

  /**
   * The upload path (steps 2-5) for a file already on this machine, e.g. a training job's
   * output. The job owns that directory and the platform may read as root, so the file is
   * opened without following a final symbolic link (O_NOFOLLOW) and must be a regular file
   * with one link: otherwise a job could register another project's model, or any file
   * only root may read, as its own output.
   */
  async ingestLocalFile(path: string) {
    const source = createReadStream('', { fd: await openPlainFile(path) });
    try {
      return await this.ingest(() => stageUpload(source, this.store.stagingDir, this.limit), undefined, undefined);
    } finally {
      source.destroy(); // staging never destroys its source; a file past the limit stays open otherwise
    }
  }

  private get limit(): number {
    return this.config.BEAMLINE_ARTIFACT_MAX_BYTES;
  }

  /** Steps 1-5 of the upload path; the staged file is always removed. */
  private async ingest(
    receive: () => Promise<StagedFile>,
    claim: Claim | undefined | (() => Claim | undefined),
    variables: Variables | undefined | (() => Variables | undefined),
  ): Promise<{ sha256: string; size: number; signature: ModelSignature }> {
    const done = this.metrics.uploadTimer();
    let staged: StagedFile | undefined;
    try {
      staged = await receive();
      if (staged.size === 0) throw AppError.validation([{ field: 'file', message: 'the file is empty (0 bytes)' }], 'The artifact is empty');
      const claimed = typeof claim === 'function' ? claim() : claim;
      if (claimed && claimed.sha256 !== staged.sha256) {
        throw AppError.validation(
          [{ field: claimed.field, message: `the upload's sha256 is ${staged.sha256}, not ${claimed.sha256}` }],
          'The artifact does not match the sha256 the client claimed (corrupted in transit, or the wrong file)',
        );
      }
      const inspection = await this.inspector.inspect(staged.path);
      if (!inspection.ok) {
        throw new AppError(ErrorCode.UnprocessableContent, `Not a loadable ONNX model: ${inspection.reason}`, [
          { field: 'file', message: inspection.reason },
        ]);
      }
      const vars = typeof variables === 'function' ? variables() : variables;
      if (vars) assertVariablesFit(vars, inspection.signature);
      const { stored } = await this.store.putFile(staged.sha256, staged.path, staged.size);
      if (stored) this.metrics.stored(this.store.kind, staged.size);
      done('ok');
      return { sha256: staged.sha256, size: staged.size, signature: inspection.signature };
    } catch (error) {
      done(typeof (error as AppError).code === 'string' ? (error as AppError).code : 'error');
      throw error;
    } finally {
      await staged?.discard();
    }
  }
}

/** A request refused before its body was read still has to be drained for the answer to arrive. */
async function drainOnError<T>(req: IncomingMessage, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (!req.readableEnded) req.resume();
    throw error;
  }
}

function headerClaim(req: IncomingMessage): Claim | undefined {
  const raw = req.headers[SHA256_HEADER.toLowerCase()];
  if (raw === undefined) return undefined;
  const field = `header:${SHA256_HEADER}`;
  return { sha256: parseOrThrow(sha256HeaderSchema, Array.isArray(raw) ? raw[0] : raw, field), field };
}

function parseJsonField(raw: string | undefined): unknown {
  if (raw === undefined) return {};
  try {
    return JSON.parse(raw);
  } catch {
    throw AppError.validation([{ field: 'spec', message: 'not valid JSON' }]);
  }
}

async function openPlainFile(path: string): Promise<FileHandle> {
  let handle: FileHandle;
  try {
    // O_NONBLOCK: a FIFO left by the job must not hang the controller at open.
    handle = await open(path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === 'ELOOP' ? 'it is a symbolic link' : `it cannot be opened (${code})`;
    throw AppError.validation([{ field: 'file', message: why }], `${path} was not registered: ${why}`);
  }
  const info = await handle.stat();
  if (!info.isFile() || info.nlink !== 1) {
    await handle.close();
    const why = info.isFile() ? 'it has other hard links' : 'it is not a regular file';
    throw AppError.validation([{ field: 'file', message: why }], `${path} was not registered: ${why}`);
  }
  return handle;
}
