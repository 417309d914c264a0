/** One offending field of a rejected request, as the API names it (`resources.gpu.count`, `query.worker`). */
export interface FieldError {
  field: string;
  message: string;
}

/** RFC 9457 problem details as the platform sends them (application/problem+json). */
export interface ProblemDetails {
  type?: string;
  title?: string;
  status: number;
  detail?: string;
  instance?: string;
  code?: string;
  requestId?: string;
  errors?: FieldError[];
}

/** Any failed call. `status` is the HTTP status, 0 when the server could not be reached. */
export class BeamlineError extends Error {
  readonly status: number;
  readonly problem?: ProblemDetails;
  readonly errors: FieldError[];

  constructor(message: string, status: number, problem?: ProblemDetails, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.status = status;
    this.problem = problem;
    this.errors = problem?.errors ?? [];
  }

  /** The platform's error code (`not_found`, `validation_failed`, ...), when it sent one. */
  get code(): string | undefined {
    return this.problem?.code;
  }
}

export class ValidationError extends BeamlineError {}
export class Unauthorized extends BeamlineError {}
export class Forbidden extends BeamlineError {}
export class NotFound extends BeamlineError {}
export class Conflict extends BeamlineError {}
/** 412: a versioned change (`If-Match`) was based on a version someone has changed since; read it again. */
export class PreconditionFailed extends Conflict {}
/** 429: a rate limit is spent; calls that are safe to repeat were already retried after Retry-After. */
export class TooManyRequests extends BeamlineError {}
/** 502/503/504, or the server could not be reached at all (status 0). */
export class Unavailable extends BeamlineError {}

/** `wait` or `waitRolledOut` gave up; `last` is the last state seen. */
export class WaitTimeout extends Error {
  constructor(
    message: string,
    readonly last: unknown,
  ) {
    super(message);
    this.name = 'WaitTimeout';
  }
}

/**
 * `training.wait` saw the job end Failed (or Cancelled: {@link JobCancelledError}). It carries
 * what a person needs to fix it without another call: the status reason, the message of the
 * last event (`worker 0 failed with exit code 3`) and the last lines of the worker's log.
 */
export class JobFailedError extends Error {
  constructor(
    readonly job: { id: string; name: string; status: string; statusReason: string },
    /** The message of the job's last event, when it has one. */
    readonly detail: string | undefined,
    /** The last lines of worker 0's log (empty when the job never started). */
    readonly logTail: string[],
  ) {
    super(describeEnd(job, detail, logTail));
    this.name = new.target.name;
  }

  get reason(): string {
    return this.job.statusReason;
  }
}

/** The job was cancelled before it could succeed. */
export class JobCancelledError extends JobFailedError {}

function describeEnd(job: JobFailedError['job'], detail: string | undefined, logTail: string[]): string {
  const head = `training job ${job.name} (${job.id}) ended ${job.status}: ${job.statusReason}${detail ? ` (${detail})` : ''}`;
  return logTail.length === 0 ? head : `${head}\nlast log lines:\n${logTail.map((l) => `  | ${l}`).join('\n')}`;
}

/** A rollout ended Failed or RolledBack instead of Complete; `endpoint` says why in `reason`/`message`. */
export class RolloutFailed extends Error {
  constructor(
    message: string,
    readonly endpoint: unknown,
  ) {
    super(message);
    this.name = 'RolloutFailed';
  }
}

const CLASSES: Record<number, typeof BeamlineError> = {
  400: ValidationError,
  401: Unauthorized,
  403: Forbidden,
  404: NotFound,
  409: Conflict,
  412: PreconditionFailed,
  413: ValidationError,
  415: ValidationError,
  416: ValidationError,
  422: ValidationError,
  // 428: a change without If-Match; the answer names header:If-Match like any missing field.
  428: ValidationError,
  429: TooManyRequests,
  502: Unavailable,
  503: Unavailable,
  504: Unavailable,
};

/**
 * The typed error for a non-2xx response. Platform errors are problem+json; the
 * inference runtime's (passed through by endpoints) are `{"error": "..."}`.
 */
export async function errorFromResponse(res: Response, what: string): Promise<BeamlineError> {
  const text = await res.text().catch(() => '');
  let body: unknown;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    body = undefined;
  }
  const record = typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : {};
  const problem: ProblemDetails = {
    ...(record as Partial<ProblemDetails>),
    status: res.status,
    detail: typeof record.detail === 'string' ? record.detail : typeof record.error === 'string' ? record.error : text.slice(0, 500) || res.statusText,
  };
  const fields = (problem.errors ?? []).map((e) => `${e.field}: ${e.message}`).join('; ');
  const message = `${what} failed with ${res.status}: ${problem.detail}${fields ? ` (${fields})` : ''}`;
  const Class = CLASSES[res.status] ?? BeamlineError;
  return new Class(message, res.status, problem);
}
