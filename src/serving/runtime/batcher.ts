import { concatFeeds, planBatch, splitOutputs, type Tensor } from './batch-plan.js';
import type { InferInput } from './protocol.js';
import type { ValidRequest } from './validation.js';

export type RunFn = (feeds: readonly InferInput[]) => Promise<Map<string, Tensor>>;

export interface Timings {
  queueSeconds: number;
  computeSeconds: number;
}

export interface Executed {
  outputs: Map<string, Tensor>;
  timings: Timings;
}

export interface BatchingOptions {
  enabled: boolean;
  maxBatchSize: number;
  maxQueueDelayMicros: number;
  /**
   * After a run, an idle model waits up to this fraction of the run's time for the callers
   * it just answered to send their next request (0: never; see the class comment).
   */
  returnWaitFraction?: number;
}

/** Below this a wait is not worth a timer (Node's timers are whole milliseconds). */
const MIN_RETURN_WAIT_MS = 1;

interface Job {
  valid: ValidRequest;
  enqueued: number;
  resolve: (value: Executed) => void;
  reject: (error: unknown) => void;
}

const now = () => performance.now();

/**
 * Feeds requests to the model. Off: one run per request. On: requests queue and the
 * next batch leaves when
 *   1. its rows reach maxBatchSize, or
 *   2. the model is idle, the oldest request has waited maxQueueDelayMicros (0: at the
 *      end of the current event-loop turn, so requests parsed together go together and a
 *      lone request pays no wait), and no return wait (3) is open.
 *   3. Return wait: a run that answered N rows while M more queued leaves a window of
 *      returnWaitFraction × its time; inside it the next batch waits until N + M rows
 *      are queued. Callers in a closed loop (a client pool, a proxy) send their next
 *      request right after an answer; without the wait they arrive a moment after the
 *      next run left and the load splits into two cohorts running half batches in turn
 *      (measured: 25-row batches at concurrency 64 with max 64). A lone caller sees no
 *      wait: its next request alone meets N + M = 1. Runs shorter than 4 ms open no
 *      window (a timer cannot wait less than 1 ms).
 * onnxruntime-node's run blocks the event loop, so one run at a time loses nothing:
 * requests arriving during a run gather in the queue and form the next batch.
 */
export class Batcher {
  private readonly queue: Job[] = [];
  private busy = false;
  private timer: NodeJS.Timeout | undefined;
  private immediate = false;
  /** Rows in the queue (an unbatchable request counts as a full batch). */
  private queuedRows = 0;
  private returnWait: { until: number; rows: number } | undefined;

  constructor(
    private readonly run: RunFn,
    private readonly options: BatchingOptions,
    private readonly onBatch: (size: number) => void = () => {},
  ) {}

  submit(valid: ValidRequest): Promise<Executed> {
    if (!this.options.enabled) return this.runAlone(valid, now());
    return new Promise((resolve, reject) => {
      this.queue.push({ valid, enqueued: now(), resolve, reject });
      this.queuedRows += this.rowsOf(valid);
      this.schedule();
    });
  }

  get queued(): number {
    return this.queue.length;
  }

  private async runAlone(valid: ValidRequest, enqueued: number): Promise<Executed> {
    const start = now();
    this.onBatch(valid.rows ?? 1);
    const outputs = await this.run(valid.feeds);
    return { outputs, timings: { queueSeconds: (start - enqueued) / 1000, computeSeconds: (now() - start) / 1000 } };
  }

  private rowsOf(valid: ValidRequest): number {
    return valid.rows ?? this.options.maxBatchSize;
  }

  private schedule(): void {
    if (this.busy || this.queue.length === 0) return;
    const rows = this.queuedRows;
    if (rows >= this.options.maxBatchSize) return this.dispatchSoon();
    const t = now();
    let waitMs = this.options.maxQueueDelayMicros / 1000 - (t - this.queue[0].enqueued);
    const back = this.returnWait;
    if (back && rows < back.rows) waitMs = Math.max(waitMs, back.until - t);
    if (waitMs <= 0) return this.dispatchSoon();
    this.timer ??= setTimeout(() => {
      this.timer = undefined;
      this.dispatchSoon();
    }, waitMs);
  }

  private dispatchSoon(): void {
    if (this.immediate) return;
    this.immediate = true;
    setImmediate(() => {
      this.immediate = false;
      if (this.timer) clearTimeout(this.timer);
      this.timer = undefined;
      void this.dispatch();
    });
  }

  private async dispatch(): Promise<void> {
    if (this.busy || this.queue.length === 0) return;
    this.busy = true;
    const picked = planBatch(this.queue.map((j) => j.valid), this.options.maxBatchSize);
    const jobs = picked.map((i) => this.queue[i]);
    for (let k = picked.length - 1; k >= 0; k--) this.queue.splice(picked[k], 1);
    this.queuedRows -= jobs.reduce((sum, j) => sum + this.rowsOf(j.valid), 0);
    const answered = jobs.reduce((sum, j) => sum + (j.valid.rows ?? 1), 0);
    this.returnWait = undefined;
    const start = now();
    try {
      await this.execute(jobs);
    } finally {
      this.busy = false;
      const end = now();
      const windowMs = (end - start) * (this.options.returnWaitFraction ?? 0);
      if (windowMs >= MIN_RETURN_WAIT_MS) {
        this.returnWait = { until: end + windowMs, rows: Math.min(this.options.maxBatchSize, this.queuedRows + answered) };
      }
      this.schedule();
    }
  }

  /** One merged run; if it fails or cannot be split, each request runs alone and fails alone. */
  private async execute(jobs: Job[]): Promise<void> {
    if (jobs.length > 1) {
      const start = now();
      try {
        this.onBatch(jobs.reduce((sum, j) => sum + (j.valid.rows ?? 1), 0));
        const merged = await this.run(concatFeeds(jobs.map((j) => j.valid.feeds)));
        const parts = splitOutputs(merged, jobs.map((j) => j.valid.rows ?? 1));
        const computeSeconds = (now() - start) / 1000;
        jobs.forEach((j, k) => j.resolve({ outputs: parts[k], timings: { queueSeconds: (start - j.enqueued) / 1000, computeSeconds } }));
        return;
      } catch {
        // A failed or unsplittable (SplitError) shared run must not fail requests that
        // would succeed alone: fall through and run each by itself.
      }
    }
    for (const j of jobs) {
      try {
        j.resolve(await this.runAlone(j.valid, j.enqueued));
      } catch (error) {
        j.reject(error);
      }
    }
  }
}
