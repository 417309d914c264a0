import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { CLUSTER_DRIVER, type ClusterDriver } from '../../cluster/cluster-driver.js';
import { APP_CONFIG } from '../../common/config/config.js';
import type { AppConfig } from '../../common/config/config.schema.js';
import { LeaderLock } from '../../common/leader/leader-lock.js';
import { LogArchiveMetrics } from './log-archive.metrics.js';
import { LogArchiveRepository } from './log-archive.repository.js';
import { LogChunkStore } from './log-chunk-store.js';
import { LogTailer, type TailOutcome, type TailTarget } from './log-tailer.js';

type Config = Pick<AppConfig, 'BEAMLINE_JOB_LOG_CHUNK_KIB' | 'BEAMLINE_JOB_LOG_FLUSH_SECONDS' | 'BEAMLINE_JOB_LOG_RETENTION_DAYS'>;

/**
 * Keeps every worker's log after its pod or process is gone (issue 15): the leading
 * controller tails each worker the driver reports into chunks in the artifact store, indexed
 * by training_log_chunks. Here and not in the api role because the controller is the one
 * process that sees every workload (the driver's watch) and runs once (the leader lock);
 * api replicas only read what it archived. A controller that does not lead archives nothing.
 */
@Injectable()
export class LogArchiver implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(LogArchiver.name);
  private readonly tails = new Map<string, { abort: AbortController; done: Promise<unknown> }>();
  /** Archives known complete; pruned to the workloads the driver still reports. */
  private readonly finals = new Set<string>();
  /** Attempts being finished before their workers are deleted: no new tailer starts for them. */
  private readonly closing = new Set<string>();
  private readonly retryAt = new Map<string, number>();
  private readonly failures = new Map<string, number>();
  private timer?: NodeJS.Timeout;
  private ticking = false;
  private lastSweep = 0;

  constructor(
    @Inject(APP_CONFIG) private readonly config: Config,
    @Inject(CLUSTER_DRIVER) private readonly driver: ClusterDriver,
    private readonly leader: LeaderLock,
    private readonly repo: LogArchiveRepository,
    private readonly store: LogChunkStore,
    private readonly metrics: LogArchiveMetrics,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.tick(), TICK_MS);
  }

  async onModuleDestroy(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.stopAll();
  }

  /**
   * One pass: 1) not leading, stop every tailer (the new leader resumes from the rows);
   * 2) a tailer for each worker the driver reports whose archive is not complete;
   * 3) now and then, the retention sweep.
   */
  async tick(): Promise<void> {
    if (this.ticking) return;
    this.ticking = true;
    try {
      if (!this.leader.isLeader) return await this.stopAll();
      const workers = this.workersNow();
      if (workers === undefined) return;
      const live = new Set(workers.map(keyOf));
      for (const map of [this.finals, this.retryAt, this.failures]) for (const key of map.keys()) if (!live.has(key)) map.delete(key);
      const unknown = workers.filter((w) => !this.finals.has(keyOf(w)) && !this.tails.has(keyOf(w)));
      for (const key of await this.repo.finals([...new Set(unknown.map((w) => w.jobId))])) this.finals.add(key);
      for (const w of unknown) {
        const key = keyOf(w);
        if (this.finals.has(key) || this.closing.has(attemptKey(w)) || (this.retryAt.get(key) ?? 0) > Date.now()) continue;
        if (this.tails.size >= MAX_TAILS) break; // bounded: file handles, sockets, one piece of memory each
        this.start({ jobId: w.jobId, attempt: w.attempt, worker: w.worker }, true);
      }
      await this.sweep();
    } catch (error) {
      this.logger.warn({ err: (error as Error).message }, 'log archive pass failed; retrying on the next one');
    } finally {
      this.ticking = false;
    }
  }

  /**
   * The final flush before an attempt's workers are deleted (Kubernetes deletes a pod's log
   * with the pod): stops its tailers, archives what the log holds now and marks it
   * complete. What a worker prints after this, while it is being killed, is not archived.
   * Bounded by FINISH_TIMEOUT_MS so an unreachable store cannot hold up the reconciler.
   */
  async finish(jobId: string, attempt: number, workers: number): Promise<void> {
    const closing = `${jobId}/${attempt}`;
    this.closing.add(closing);
    try {
      const targets = Array.from({ length: workers }, (_, worker) => ({ jobId, attempt, worker }));
      await Promise.all(targets.map((t) => this.stop(keyOf(t))));
      const signal = AbortSignal.timeout(FINISH_TIMEOUT_MS);
      const flush = async (t: TailTarget) => {
        if (this.finals.has(keyOf(t))) return;
        const outcome = await this.tail(t, false, signal).catch((error: Error) => this.logger.warn({ ...t, err: error.message }, 'final log flush failed'));
        if (outcome === 'final') this.finals.add(keyOf(t));
      };
      await Promise.all(targets.map(flush));
    } finally {
      this.closing.delete(closing);
    }
  }

  private start(target: TailTarget, follow: boolean): void {
    const key = keyOf(target);
    const abort = new AbortController();
    const done = this.tail(target, follow, abort.signal)
      .then((outcome) => {
        if (outcome === 'final') this.finals.add(key);
        if (outcome === 'superseded') this.backOff(key);
        else this.failures.delete(key);
      })
      .catch((error: Error) => {
        this.metrics.failed();
        const wait = this.backOff(key);
        this.logger.warn({ ...target, err: error.message, retryInMs: wait }, 'archiving a worker log failed');
      })
      .finally(() => {
        this.tails.delete(key);
        this.metrics.tailing.set(this.tails.size);
      });
    this.tails.set(key, { abort, done });
    this.metrics.tailing.set(this.tails.size);
  }

  /** Resumes from the rows: their end is the byte offset to go on from. */
  private async tail(target: TailTarget, follow: boolean, signal: AbortSignal): Promise<TailOutcome> {
    const from = await this.repo.state(target.jobId, target.attempt, target.worker);
    if (from.final) return 'final';
    const tailer = new LogTailer(
      target,
      from,
      {
        source: (s) => this.driver.logs(target.jobId, target.attempt, target.worker, { follow, signal: s }),
        stage: () => this.store.stage(),
        publish: (chunk, sealed) => this.store.publish(chunk, sealed),
        append: async (row) => {
          const added = await this.repo.append(row);
          if (added) this.metrics.chunk(row.size);
          return added;
        },
      },
      { chunkBytes: this.config.BEAMLINE_JOB_LOG_CHUNK_KIB * 1024, flushMs: this.config.BEAMLINE_JOB_LOG_FLUSH_SECONDS * 1000 },
    );
    // A catch-up before deletion is final by definition; a follow only once the worker has ended.
    return tailer.run(signal, () => !follow || this.ended(target));
  }

  /** Asked by every following tail on every read: finds the one worker, without listing every worker of every kept workload. */
  private ended(t: TailTarget): boolean {
    let phase: string | undefined;
    try {
      phase = this.driver.workloads().find((w) => w.jobId === t.jobId && w.attempt === t.attempt)?.workers.find((x) => x.index === t.worker)?.phase;
    } catch {
      return false; // the driver cannot answer yet (caches filling)
    }
    return phase === 'Succeeded' || phase === 'Failed';
  }

  /** undefined while the driver cannot answer (its caches are still filling). */
  private workersNow(): Array<TailTarget & { phase: string }> | undefined {
    try {
      return this.driver.workloads().flatMap((w) => w.workers.map((x) => ({ jobId: w.jobId, attempt: w.attempt, worker: x.index, phase: x.phase })));
    } catch {
      return undefined;
    }
  }

  /**
   * Doubling waits, up to 5 minutes: a log the cluster cannot serve (a KWOK node has no
   * kubelet; a container still pulling its image) is not asked for every second.
   */
  private backOff(key: string): number {
    const n = (this.failures.get(key) ?? 0) + 1;
    this.failures.set(key, n);
    const wait = Math.min(RETRY_MS * 2 ** (n - 1), MAX_RETRY_MS);
    this.retryAt.set(key, Date.now() + wait);
    return wait;
  }

  private async stop(key: string): Promise<void> {
    const tail = this.tails.get(key);
    tail?.abort.abort();
    await tail?.done;
  }

  private async stopAll(): Promise<void> {
    await Promise.all([...this.tails.keys()].map((k) => this.stop(k)));
    this.finals.clear();
  }

  /** Retention: hourly, when BEAMLINE_JOB_LOG_RETENTION_DAYS is set. */
  private async sweep(): Promise<void> {
    const days = this.config.BEAMLINE_JOB_LOG_RETENTION_DAYS;
    if (days === 0 || Date.now() - this.lastSweep < SWEEP_MS) return;
    this.lastSweep = Date.now();
    const digests = await this.repo.expire(new Date(Date.now() - days * 86_400_000), 100);
    // A chunk stored with the same bytes between expire() and here would lose its blob: a
    // window of milliseconds for identical content, accepted rather than a lock per chunk.
    for (const d of digests) await this.store.delete(d);
  }
}

const keyOf = (t: TailTarget) => `${t.jobId}/${t.attempt}/${t.worker}`;
const attemptKey = (t: TailTarget) => `${t.jobId}/${t.attempt}`;

/** How often the archiver looks for new workers (and whether it still leads). */
const TICK_MS = 1000;
const RETRY_MS = 5000;
const MAX_RETRY_MS = 300_000;
/** Logs tailed at once: each holds a file handle (local) or a socket (Kubernetes). */
const MAX_TAILS = 512;
const FINISH_TIMEOUT_MS = 30_000;
const SWEEP_MS = 3_600_000;
