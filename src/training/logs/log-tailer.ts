import { LogSourceGone } from '../../cluster/cluster-driver.js';
import type { StagedChunk } from './log-chunk-store.js';
import type { ArchiveState, NewLogChunk } from './log-archive.repository.js';

export interface TailTarget {
  jobId: string;
  attempt: number;
  worker: number;
}

/** What a tailer touches, so a spec can put strict fakes behind it. */
export interface TailDeps {
  /** The live log from its first byte (the driver's `logs`). */
  source(signal: AbortSignal): AsyncIterable<string>;
  stage(): Promise<StagedChunk>;
  publish(chunk: StagedChunk, sealed: { sha256: string; size: number }): Promise<void>;
  /** False: the seq is taken, another controller archives this log. */
  append(row: NewLogChunk): Promise<boolean>;
}

/** `final`: all of it is archived; `partial`: stopped early, resume later; `superseded`: someone else archives it. */
export type TailOutcome = 'final' | 'partial' | 'superseded';

/**
 * Archives one worker's log, from where the archive stands:
 * 1. reads the live log from its start and drops the `from.bytes` already archived: that is
 *    the resume point after a controller restart or a failover, so nothing is lost or doubled
 *    (offsets count the UTF-8 bytes of the text the driver yields, which is the text served);
 * 2. stages what follows and cuts a chunk when it holds `chunkBytes`, or when its first
 *    byte is `flushMs` old (which bounds what a lost pod can take with it);
 * 3. when the source ends, cuts the rest; that chunk is final when `ended()` says the worker
 *    has ended (an empty final chunk marks an archive whose bytes were all cut before).
 * A chunk's blob is published before its row is written, so no row names a missing blob;
 * a crash between the two leaves an unnamed blob and the part is archived again.
 */
export class LogTailer {
  private seq: number;
  private bytes: number;
  private staged?: StagedChunk;
  private chain: Promise<void> = Promise.resolve();
  private superseded = false;
  /** The first failed step: the position no longer matches what was staged, so the tailer stops (a new one resumes from the rows). */
  private failed?: unknown;

  constructor(
    private readonly target: TailTarget,
    from: ArchiveState,
    private readonly deps: TailDeps,
    private readonly options: { chunkBytes: number; flushMs: number },
  ) {
    this.seq = from.next;
    this.bytes = from.bytes;
    this.skip = from.bytes;
  }

  private skip: number;

  async run(signal: AbortSignal, ended: () => boolean): Promise<TailOutcome> {
    const inner = new AbortController();
    const stop = () => inner.abort();
    signal.addEventListener('abort', stop, { once: true });
    const timer = setInterval(() => void this.serial(() => this.cutIfOld()), Math.max(50, Math.floor(this.options.flushMs / 4)));
    let complete = false;
    try {
      try {
        for await (const piece of this.deps.source(inner.signal)) {
          if (inner.signal.aborted) break;
          await this.serial(() => this.take(piece));
          if (this.superseded) return 'superseded';
        }
        complete = !inner.signal.aborted;
      } catch (error) {
        if (!(error instanceof LogSourceGone)) throw error;
        complete = true; // the rest is out of reach: what was archived is all there will be
      }
      clearInterval(timer);
      const final = complete && ended();
      await this.serial(() => this.cut(final));
      if (this.superseded) return 'superseded';
      return final ? 'final' : 'partial';
    } finally {
      clearInterval(timer);
      signal.removeEventListener('abort', stop);
      inner.abort();
      await this.chain.catch(() => undefined);
      await this.staged?.discard().catch(() => undefined);
    }
  }

  /** One step at a time: a timed cut never interleaves with an append; after a failure, no step runs. */
  private serial(step: () => Promise<void>): Promise<void> {
    const next = this.chain.then(() => {
      if (this.failed !== undefined) throw this.failed;
      return step();
    });
    this.chain = next.catch((error: unknown) => {
      this.failed ??= error;
    });
    return next;
  }

  private async take(piece: string): Promise<void> {
    let bytes = Buffer.from(piece, 'utf8');
    if (this.skip > 0) {
      const drop = Math.min(this.skip, bytes.length);
      bytes = bytes.subarray(drop);
      this.skip -= drop;
    }
    // A piece larger than the room left is split: a chunk is never over chunkBytes. A split
    // may fall inside a UTF-8 character; the reader decodes across chunks, so that is fine.
    while (bytes.length > 0) {
      this.staged ??= await this.deps.stage();
      const room = this.options.chunkBytes - this.staged.size;
      await this.staged.append(bytes.subarray(0, room));
      bytes = bytes.subarray(room);
      if (this.staged.size >= this.options.chunkBytes) await this.cut(false);
    }
  }

  private async cutIfOld(): Promise<void> {
    if (this.staged && this.staged.size > 0 && Date.now() - this.staged.since >= this.options.flushMs) await this.cut(false);
  }

  private async cut(final: boolean): Promise<void> {
    if (this.superseded) return;
    const chunk = this.staged;
    this.staged = undefined;
    const sealed = await chunk?.seal();
    if (chunk && sealed) await this.deps.publish(chunk, sealed);
    else await chunk?.discard();
    if (!sealed && !final) return;
    const size = sealed?.size ?? 0;
    const row = { ...this.target, seq: this.seq, offset: this.bytes, size, sha256: sealed?.sha256 ?? null, final };
    if (!(await this.deps.append(row))) {
      this.superseded = true;
      return;
    }
    this.seq += 1;
    this.bytes += size;
  }
}
