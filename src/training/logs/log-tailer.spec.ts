import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LogSourceGone } from '../../cluster/cluster-driver.js';
import { StagedChunk } from './log-chunk-store.js';
import { EMPTY_ARCHIVE, type ArchiveState, type NewLogChunk } from './log-archive.repository.js';
import { LogTailer, type TailDeps } from './log-tailer.js';

const target = { jobId: 'j', attempt: 1, worker: 0 };

/** A store and a table in memory; `refuseSeq` plays another controller that took that seq. */
async function fakes(options: { refuseSeq?: number; failPublish?: boolean } = {}) {
  const dir = await mkdtemp(join(tmpdir(), 'log-tailer-'));
  const blobs = new Map<string, Buffer>();
  const rows: NewLogChunk[] = [];
  let n = 0;
  const deps = (source: TailDeps['source']): TailDeps => ({
    source,
    stage: async () => new StagedChunk(join(dir, `c${n++}`)),
    publish: async (chunk, sealed) => {
      if (options.failPublish) throw new Error('store down');
      blobs.set(sealed.sha256, await readFile(chunk.path));
      await chunk.discard();
    },
    append: async (row) => {
      if (row.seq === options.refuseSeq) return false;
      rows.push(row);
      return true;
    },
  });
  const bytes = () => Buffer.concat(rows.map((r) => (r.sha256 ? blobs.get(r.sha256)! : Buffer.alloc(0))));
  const text = () => bytes().toString('utf8');
  return { deps, rows, text, bytes };
}

function pieces(...parts: string[]): TailDeps['source'] {
  return async function* () {
    for (const p of parts) yield p;
  };
}

const run = (deps: TailDeps, from: ArchiveState = EMPTY_ARCHIVE, ended = true, options = { chunkBytes: 8, flushMs: 60_000 }) =>
  new LogTailer(target, from, deps, options).run(new AbortController().signal, () => ended);

describe('LogTailer', () => {
  it('cuts chunks of at most chunkBytes (splitting pieces), in order and contiguous, the last one final', async () => {
    const f = await fakes();
    expect(await run(f.deps(pieces('line 1\n', 'line 2\n', 'line 3\n', 'x')))).toBe('final');
    expect(f.text()).toBe('line 1\nline 2\nline 3\nx');
    expect(f.rows.map((r) => [r.seq, r.offset, r.size, r.final])).toEqual([
      [0, 0, 8, false],
      [1, 8, 8, false],
      [2, 16, 6, true],
    ]);
  });

  it('resumes at the archived byte offset whatever the new pieces look like: nothing lost, nothing twice', async () => {
    const all = 'ünïcode line 1\nline 2\nline 3\n';
    const first = await fakes();
    // A controller archived the first part and died; its staged rest is lost with it.
    await new LogTailer(target, EMPTY_ARCHIVE, first.deps(pieces(all.slice(0, 9))), { chunkBytes: 4, flushMs: 60_000 }).run(new AbortController().signal, () => false);
    const archived = first.bytes();
    const from = { next: first.rows.length, bytes: archived.length, final: false };
    const second = await fakes();
    // The next one reads the log again from its start, cut differently.
    expect(await run(second.deps(pieces(all.slice(0, 3), all.slice(3, 20), all.slice(20))), from)).toBe('final');
    expect(Buffer.concat([archived, second.bytes()]).toString('utf8')).toBe(all);
    expect(second.rows[0]).toMatchObject({ seq: from.next, offset: from.bytes });
  });

  it('cuts a chunk when its first byte is flushMs old, while the worker is quiet', async () => {
    const f = await fakes();
    const source: TailDeps['source'] = async function* () {
      yield 'early\n';
      await new Promise((r) => setTimeout(r, 400));
      yield 'late\n';
    };
    await run(f.deps(source), EMPTY_ARCHIVE, true, { chunkBytes: 1024, flushMs: 100 });
    expect(f.rows.map((r) => [r.size, r.final])).toEqual([
      [6, false],
      [5, true],
    ]);
  });

  it('is not final while the worker runs on (the stream dropped): the next tailer goes on', async () => {
    const f = await fakes();
    expect(await run(f.deps(pieces('a\n')), EMPTY_ARCHIVE, false)).toBe('partial');
    expect(f.rows.map((r) => r.final)).toEqual([false]);
  });

  it('stops when another controller took the seq', async () => {
    const f = await fakes({ refuseSeq: 1 });
    expect(await run(f.deps(pieces('12345678', '12345678', '12345678')))).toBe('superseded');
    expect(f.rows.map((r) => r.seq)).toEqual([0]);
  });

  it('a log gone from the cluster ends the archive with what it has', async () => {
    const f = await fakes();
    // eslint-disable-next-line require-yield -- the driver throws before its first line
    const gone: TailDeps['source'] = async function* () {
      throw new LogSourceGone('pod x');
    };
    expect(await run(f.deps(gone), { next: 3, bytes: 30, final: false })).toBe('final');
    expect(f.rows).toEqual([{ ...target, seq: 3, offset: 30, size: 0, sha256: null, final: true }]);
  });

  it('a failed publish fails the tailer and writes no row (a new tailer resumes from the rows)', async () => {
    const f = await fakes({ failPublish: true });
    await expect(run(f.deps(pieces('12345678', 'more')))).rejects.toThrow('store down');
    expect(f.rows).toEqual([]);
  });
});
