import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { Request, Response } from 'express';
import { AppError, ErrorCode, type FieldProblem } from './app-error.js';
import { isDatabaseUnavailable } from './database-unavailable.js';

/** PostgreSQL restarting or unreachable: a 503 with Retry-After, never a 500 (issue 19). */
const DATABASE_UNAVAILABLE = 'database_unavailable';

const STATUS: Record<ErrorCode, number> = {
  [ErrorCode.ValidationFailed]: 400,
  [ErrorCode.Unauthenticated]: 401,
  [ErrorCode.Forbidden]: 403,
  [ErrorCode.NotFound]: 404,
  [ErrorCode.Conflict]: 409,
  [ErrorCode.IllegalTransition]: 409,
  [ErrorCode.PayloadTooLarge]: 413,
  [ErrorCode.UnsupportedMediaType]: 415,
  [ErrorCode.UnprocessableContent]: 422,
  [ErrorCode.RangeNotSatisfiable]: 416,
  [ErrorCode.PreconditionFailed]: 412,
  [ErrorCode.PreconditionRequired]: 428,
  [ErrorCode.TooManyRequests]: 429,
  [ErrorCode.Unavailable]: 503,
};

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  412: 'Precondition Failed',
  413: 'Content Too Large',
  415: 'Unsupported Media Type',
  416: 'Range Not Satisfiable',
  422: 'Unprocessable Content',
  428: 'Precondition Required',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

export interface ProblemBody {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance: string;
  code: string;
  requestId?: string;
  errors?: FieldProblem[];
}

/**
 * Maps every error to RFC 9457 problem+json. AppErrors carry their code and field
 * list; Nest's HttpExceptions (unknown route, body-parser failures) keep their status;
 * anything else is a logged 500 that reveals only the request id.
 */
@Catch()
export class ProblemFilter implements ExceptionFilter {
  private readonly logger = new Logger('ProblemFilter');

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const request = http.getRequest<Request & { id?: string }>();
    const response = http.getResponse<Response>();
    const body = toProblem(exception, request.originalUrl ?? request.url, request.id);
    if (body.code === DATABASE_UNAVAILABLE) {
      this.logger.warn({ requestId: request.id, err: (exception as Error).message }, 'database unavailable');
    } else if (body.status >= 500) {
      this.logger.error({ requestId: request.id, err: exception }, 'unhandled error');
    }
    if (response.headersSent) return;
    if (body.code === DATABASE_UNAVAILABLE) response.setHeader('Retry-After', '1');
    response.status(body.status).type('application/problem+json').send(JSON.stringify(body));
  }
}

export function toProblem(exception: unknown, instance: string, requestId?: string): ProblemBody {
  const base = { instance, requestId };
  if (exception instanceof AppError) {
    const status = STATUS[exception.code];
    return problem(status, exception.code, exception.message, base, exception.errors);
  }
  const bodyParser = bodyParserStatus(exception);
  if (bodyParser) return problem(bodyParser.status, bodyParser.code, bodyParser.detail, base, bodyParser.errors);
  if (exception instanceof HttpException) {
    const status = exception.getStatus();
    const code = status === 404 ? ErrorCode.NotFound : `http_${status}`;
    return problem(status, code, exception.message, base);
  }
  if (isDatabaseUnavailable(exception)) return problem(503, DATABASE_UNAVAILABLE, 'The database cannot be reached at the moment; retry shortly', base);
  return problem(500, 'internal', 'An unexpected error occurred; quote the request id when reporting it', base);
}

function problem(
  status: number,
  code: string,
  detail: string,
  base: { instance: string; requestId?: string },
  errors?: FieldProblem[],
): ProblemBody {
  const body: ProblemBody = {
    type: `https://beamline.dev/problems/${code.replace(/_/g, '-')}`,
    title: TITLES[status] ?? 'Error',
    status,
    detail,
    code,
    ...base,
  };
  // The documented Problem schema requires `field` on every entry; a problem raised without
  // one (a multipart part with no name) is about the body as a whole.
  if (errors && errors.length > 0) body.errors = errors.map((e) => ({ field: typeof e.field === 'string' && e.field !== '' ? e.field : 'body', message: String(e.message) }));
  return body;
}

/** body-parser signals its failures with `type` and `status` on the error object. */
function bodyParserStatus(
  error: unknown,
): { status: number; code: string; detail: string; errors?: FieldProblem[] } | undefined {
  if (typeof error !== 'object' || error === null || !('type' in error)) return undefined;
  const type = (error as { type?: unknown }).type;
  if (type === 'entity.too.large') {
    const limit = (error as { limit?: number }).limit;
    return { status: 413, code: ErrorCode.PayloadTooLarge, detail: `The request body exceeds the limit of ${limit} bytes` };
  }
  if (type === 'entity.parse.failed') {
    return {
      status: 400,
      code: ErrorCode.ValidationFailed,
      detail: 'The request body is not valid JSON',
      errors: [{ field: 'body', message: 'malformed JSON' }],
    };
  }
  if (type === 'encoding.unsupported' || type === 'charset.unsupported') {
    return { status: 415, code: ErrorCode.UnsupportedMediaType, detail: 'Unsupported body encoding' };
  }
  return undefined;
}
