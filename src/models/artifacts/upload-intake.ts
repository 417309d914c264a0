import type { IncomingMessage } from 'node:http';
import busboy from 'busboy';
import { AppError, ErrorCode } from '../../common/errors/app-error.js';
import { stageUpload, TooLargeError, type StagedFile } from './staging.js';

export interface MultipartUpload {
  fields: Record<string, string>;
  file?: StagedFile;
}

const MULTIPART_FIELDS = new Set(['spec']);

/**
 * Reads a request body for an artifact upload straight to a staged file. Bodies are
 * never parsed by express.json (it only takes JSON types), so the request stream is
 * still unread here. On failure the rest of the body is drained (resume) so the error
 * response reaches the client on an intact connection.
 */
export async function readOctetStream(req: IncomingMessage, dir: string, limit: number): Promise<StagedFile> {
  const type = req.headers['content-type'] ?? '';
  if (!/^application\/octet-stream\s*(;|$)/i.test(type)) {
    drain(req);
    throw new AppError(ErrorCode.UnsupportedMediaType, 'Upload the artifact as Content-Type: application/octet-stream', [
      { field: 'header:Content-Type', message: `got '${type || 'none'}'` },
    ]);
  }
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) {
    drain(req);
    throw tooLarge(limit);
  }
  try {
    return await stageUpload(req, dir, limit);
  } catch (error) {
    drain(req);
    throw mapError(error, limit);
  }
}

/**
 * multipart/form-data with one file part named `file` and an optional `spec` field
 * (JSON). The file is staged as it streams in, so the parts may come in either order.
 */
export function readMultipart(req: IncomingMessage, dir: string, limit: number): Promise<MultipartUpload> {
  return new Promise((resolve, reject) => {
    let parser: busboy.Busboy;
    try {
      parser = busboy({ headers: req.headers, limits: { files: 1, fields: 4, parts: 5, fieldSize: 1024 * 1024 } });
    } catch (error) {
      drain(req);
      return reject(AppError.validation([{ field: 'header:Content-Type', message: (error as Error).message }], 'Not a multipart body'));
    }
    const fields: Record<string, string> = {};
    let staging: Promise<StagedFile> | undefined;
    let failed = false;
    const fail = (error: unknown) => {
      if (failed) return;
      failed = true;
      req.unpipe(parser);
      drain(req);
      void staging?.then((f) => f.discard(), () => undefined);
      reject(mapError(error, limit));
    };
    const bad = (field: string, message: string) => fail(AppError.validation([{ field, message }], 'The multipart body is invalid'));
    parser.on('field', (name, value, info) => {
      if (!MULTIPART_FIELDS.has(name)) return bad(name, "unknown field; the parts are 'spec' (JSON) and 'file'");
      if (info.valueTruncated) return bad(name, 'larger than 1 MiB');
      fields[name] = value;
    });
    parser.on('file', (name, stream) => {
      if (name !== 'file') {
        stream.resume();
        return bad(name, "unknown file part; send the model as the part named 'file'");
      }
      staging = stageUpload(stream, dir, limit);
      staging.catch(fail);
    });
    parser.on('filesLimit', () => bad('file', 'send exactly one file'));
    parser.on('fieldsLimit', () => bad('spec', 'too many fields'));
    parser.on('partsLimit', () => bad('body', 'too many parts'));
    parser.on('error', (error) => bad('body', (error as Error).message));
    parser.on('close', () => {
      if (failed) return;
      if (!staging) return resolve({ fields });
      staging.then((file) => (failed ? void file.discard() : resolve({ fields, file })), fail);
    });
    req.on('error', fail);
    req.pipe(parser);
  });
}

function drain(req: IncomingMessage): void {
  if (!req.readableEnded) req.resume();
}

function tooLarge(limit: number): AppError {
  return new AppError(ErrorCode.PayloadTooLarge, `The artifact exceeds the limit of ${limit} bytes (BEAMLINE_ARTIFACT_MAX_BYTES)`);
}

function mapError(error: unknown, limit: number): unknown {
  if (error instanceof TooLargeError) return tooLarge(limit);
  return error;
}
