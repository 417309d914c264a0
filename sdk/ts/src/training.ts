import { Conflict, JobCancelledError, JobFailedError, WaitTimeout } from './errors.js';
import { newIdempotencyKey, sleep, type Http } from './http.js';
import { PageIterator } from './pages.js';
import { TERMINAL_STATUSES, type Page, type TrainingJob, type TrainingJobEvent, type TrainingJobSpec, type TrainingStatus } from './types.js';

export type JobRef = string | { id: string };
const idOf = (job: JobRef) => encodeURIComponent(typeof job === 'string' ? job : job.id);

export interface ListJobsOptions {
  status?: TrainingStatus | TrainingStatus[];
  queue?: string;
  namePrefix?: string;
  /** Page size (1-200). */
  limit?: number;
}

export interface WaitOptions {
  /** Give up (WaitTimeout) after this long; default: wait forever. */
  timeoutMs?: number;
  /** Poll interval, 1 s by default. */
  intervalMs?: number;
  /** Called with the job on every poll. */
  onProgress?: (job: TrainingJob) => void;
  signal?: AbortSignal;
  /**
   * A job that ends Failed or Cancelled rejects with JobFailedError (JobCancelledError) by
   * default, so code that goes on to deploy never does so after a failed training; `false`
   * resolves with the job whatever its end.
   */
  throwOnFailure?: boolean;
}

/** How many of the worker's last log lines a JobFailedError carries. */
const LOG_TAIL_LINES = 20;

export interface LogsOptions {
  /** Stream until the worker ends; waits for a job that has not started yet. */
  follow?: boolean;
  worker?: number;
  attempt?: number;
  signal?: AbortSignal;
  /** How often to look again while a followed job is not yet scheduled (1 s). */
  intervalMs?: number;
}

export class Training {
  constructor(
    private readonly http: Http,
    private readonly base: () => string,
  ) {}

  /**
   * Submits a job. It always carries an Idempotency-Key (a new one unless given), so a
   * submission whose response was lost is retried safely and returns the same job.
   */
  submit(spec: TrainingJobSpec, options: { idempotencyKey?: string; signal?: AbortSignal } = {}): Promise<TrainingJob> {
    const headers = { 'idempotency-key': options.idempotencyKey ?? newIdempotencyKey() };
    return this.http.json('POST', this.base(), { json: spec, headers, signal: options.signal });
  }

  get(job: JobRef): Promise<TrainingJob> {
    return this.http.json('GET', `${this.base()}/${idOf(job)}`);
  }

  /** Newest first; iterate it for every job, or `.pages()` for pages. */
  list(options: ListJobsOptions = {}): PageIterator<TrainingJob> {
    const status = Array.isArray(options.status) ? options.status.join(',') : options.status;
    return new PageIterator((cursor) =>
      this.http.json<Page<TrainingJob>>('GET', this.base(), {
        query: { status, queue: options.queue, namePrefix: options.namePrefix, limit: options.limit, cursor },
      }),
    );
  }

  cancel(job: JobRef): Promise<TrainingJob> {
    return this.http.json('POST', `${this.base()}/${idOf(job)}/cancel`);
  }

  /** A Failed or Cancelled job back to its queue as a new attempt, resuming from its last checkpoint (BEAMLINE_RESUME_FROM). */
  resume(job: JobRef): Promise<TrainingJob> {
    return this.http.json('POST', `${this.base()}/${idOf(job)}/resume`);
  }

  /** Every status change with its reason, oldest first. */
  async events(job: JobRef): Promise<TrainingJobEvent[]> {
    return (await this.http.json<{ items: TrainingJobEvent[] }>('GET', `${this.base()}/${idOf(job)}/events`)).items;
  }

  /**
   * Polls until the job ends and returns it when it Succeeded. Failed or Cancelled rejects
   * with JobFailedError / JobCancelledError (unless `throwOnFailure: false`); running out of
   * `timeoutMs` rejects with WaitTimeout.
   */
  async wait(job: JobRef, options: WaitOptions = {}): Promise<TrainingJob> {
    const deadline = options.timeoutMs === undefined ? Number.POSITIVE_INFINITY : Date.now() + options.timeoutMs;
    for (;;) {
      const current = await this.get(job);
      options.onProgress?.(current);
      if (TERMINAL_STATUSES.includes(current.status)) {
        if (current.status === 'Succeeded' || options.throwOnFailure === false) return current;
        throw await this.failure(current);
      }
      const left = deadline - Date.now();
      if (left <= 0) throw new WaitTimeout(`training job ${current.id} is still ${current.status} after ${options.timeoutMs} ms`, current);
      await sleep(Math.min(options.intervalMs ?? 1000, left), options.signal);
    }
  }

  /** The error for a job that ended without success, with its last event's message and log tail. */
  private async failure(job: TrainingJob): Promise<JobFailedError> {
    // Best effort: the error must still be thrown when these reads fail.
    const events = await this.events(job).catch(() => []);
    const tail: string[] = [];
    try {
      for await (const line of this.logs(job)) {
        tail.push(line);
        if (tail.length > LOG_TAIL_LINES) tail.shift();
      }
    } catch {
      // 409: the job never started, so it has no log.
    }
    const Class = job.status === 'Cancelled' ? JobCancelledError : JobFailedError;
    return new Class(job, events.at(-1)?.message || undefined, tail);
  }

  /** The worker's log, line by line (without the newline). Breaking out of the loop closes the stream. */
  async *logs(job: JobRef, options: LogsOptions = {}): AsyncGenerator<string> {
    const res = await this.openLogs(job, options);
    if (!res.body) return;
    const reader = res.body.getReader();
    const decoder = new TextDecoder();
    let pending = '';
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        pending += decoder.decode(value, { stream: true });
        let newline: number;
        while ((newline = pending.indexOf('\n')) >= 0) {
          yield pending.slice(0, newline);
          pending = pending.slice(newline + 1);
        }
      }
      pending += decoder.decode();
      if (pending) yield pending;
    } finally {
      await reader.cancel().catch(() => undefined);
    }
  }

  /** The API answers 409 until the job is scheduled; following means waiting for that, unless the job ended first. */
  private async openLogs(job: JobRef, options: LogsOptions): Promise<Response> {
    const query = { follow: options.follow ? 'true' : undefined, worker: options.worker, attempt: options.attempt };
    for (;;) {
      try {
        return await this.http.call('GET', `${this.base()}/${idOf(job)}/logs`, { query, signal: options.signal, headers: { accept: 'text/plain' } });
      } catch (error) {
        if (!(error instanceof Conflict) || !options.follow) throw error;
        if (TERMINAL_STATUSES.includes((await this.get(job)).status)) throw error;
        await sleep(options.intervalMs ?? 1000, options.signal);
      }
    }
  }
}
