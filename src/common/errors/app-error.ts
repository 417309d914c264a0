/**
 * Domain error codes. One filter (problem.filter.ts) maps each to an HTTP status;
 * services throw AppError and never know about HTTP.
 */
export enum ErrorCode {
  ValidationFailed = 'validation_failed',
  Unauthenticated = 'unauthenticated',
  Forbidden = 'forbidden',
  NotFound = 'not_found',
  Conflict = 'conflict',
  IllegalTransition = 'illegal_transition',
  PayloadTooLarge = 'payload_too_large',
  UnsupportedMediaType = 'unsupported_media_type',
  /** Well-formed but unusable content, e.g. a file that is not a loadable ONNX model. */
  UnprocessableContent = 'unprocessable_content',
  RangeNotSatisfiable = 'range_not_satisfiable',
  /** An If-Match names a version the resource no longer has: someone changed it meanwhile. */
  PreconditionFailed = 'precondition_failed',
  /** A versioned update without If-Match: the caller must say which version it read. */
  PreconditionRequired = 'precondition_required',
  /** A rate limit is spent; the response carries Retry-After (src/common/rate-limit). */
  TooManyRequests = 'too_many_requests',
  Unavailable = 'unavailable',
}

export interface FieldProblem {
  /** JSON pointer-ish path of the offending field, e.g. `resources.gpu.count` or `header:Idempotency-Key`. */
  field: string;
  message: string;
}

export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly errors: FieldProblem[] = [],
  ) {
    super(message);
    this.name = 'AppError';
  }

  static validation(errors: FieldProblem[], message = 'The request is invalid'): AppError {
    return new AppError(ErrorCode.ValidationFailed, message, errors);
  }

  static notFound(what: string): AppError {
    return new AppError(ErrorCode.NotFound, `${what} was not found`);
  }
}
