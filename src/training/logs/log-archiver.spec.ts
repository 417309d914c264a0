import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ClusterDriver, WorkerPhase } from '../../cluster/cluster-driver.js';
import type { LeaderLock } from '../../common/leader/leader-lock.js';
import { LogArchiver } from './log-archiver.js';
import type { LogArchiveMetrics } from './log-archive.metrics.js';
import type { LogArchiveRepository, NewLogChunk } from './log-archive.repository.js';
import { StagedChunk, type LogChunkStore } from './log-chunk-store.js';

const config = { BEAMLINE_JOB_LOG_CHUNK_KIB: 1, BEAMLINE_JOB_LOG_FLUSH_SECONDS: 60, BEAMLINE_JOB_LOG_RETENTION_DAYS: 0 };
const until = async (ok: () => boolean) => {
  for (let i = 0; i < 200 && !ok(); i++) await new Promise((r) => setTimeout(r, 10));
  expect(ok()).toBe(true);
};

/**
 * Strict fakes: one worker `j/0/0` whose log is `lines` (kept open while `phase` is Running),
 * a table of rows in memory, a store that keeps nothing. Any other call fails the test.
 */
async function setup(options: { finals?: string[] } = {}) {
  const dir = await mkdtemp(join(tmpdir(), 'log-archiver-'));
  const world = { leading: true, phase: 'Running' as WorkerPhase, lines: ['a\n'], follows: 0 };
  const rows: NewLogChunk[] = [];
  let n = 0;
  const driver = {
    workloads: () => [{ jobId: 'j', attempt: 0, workers: [{ index: 0, node: 'n', phase: world.phase, restarts: 0 }] }],
    logs: async function* (_j: string, _a: number, _w: number, o: { follow: boolean; signal?: AbortSignal }) {
      if (o.follow) world.follows++;
      let sent = 0;
      for (;;) {
        while (sent < world.lines.length) yield world.lines[sent++];
        if (!o.follow || world.phase !== 'Running' || o.signal?.aborted) return;
        await new Promise((r) => setTimeout(r, 10));
      }
    },
  } as unknown as ClusterDriver;
  const repo = {
    state: async () => {
      const last = rows.at(-1);
      return last ? { next: last.seq + 1, bytes: last.offset + last.size, final: last.final } : { next: 0, bytes: 0, final: false };
    },
    append: async (row: NewLogChunk) => (rows.some((r) => r.seq === row.seq) ? false : (rows.push(row), true)),
    finals: async () => options.finals ?? [],
  } as unknown as LogArchiveRepository;
  const store = {
    stage: async () => new StagedChunk(join(dir, `c${n++}`)),
    publish: async (chunk: StagedChunk) => chunk.discard(),
  } as unknown as LogChunkStore;
  const metrics = { chunk: () => undefined, failed: () => undefined, tailing: { set: () => undefined } } as unknown as LogArchiveMetrics;
  const leader = { get isLeader() { return world.leading; } } as unknown as LeaderLock;
  const archiver = new LogArchiver(config, driver, leader, repo, store, metrics);
  const archived = () => rows.reduce((sum, r) => sum + r.size, 0);
  return { archiver, world, rows, archived };
}

describe('LogArchiver', () => {
  it('does nothing while another controller leads', async () => {
    const { archiver, world, rows } = await setup();
    world.leading = false;
    await archiver.tick();
    expect(world.follows).toBe(0);
    expect(rows).toEqual([]);
  });

  it('tails a running worker to its end, once, and never again when complete', async () => {
    const { archiver, world, rows, archived } = await setup();
    await archiver.tick();
    await archiver.tick(); // already tailed: not a second follow
    world.lines.push('b\n');
    world.phase = 'Succeeded';
    await until(() => rows.some((r) => r.final));
    expect(archived()).toBe(4);
    await archiver.tick();
    expect(world.follows).toBe(1);
    await archiver.onModuleDestroy();
  });

  it('skips workers the rows already say are complete', async () => {
    const { archiver, world } = await setup({ finals: ['j/0/0'] });
    await archiver.tick();
    expect(world.follows).toBe(0);
  });

  it('losing the lead stops the tailer; leading again resumes from the rows without doubling', async () => {
    const { archiver, world, rows, archived } = await setup();
    await archiver.tick();
    await until(() => world.follows === 1);
    world.leading = false;
    await archiver.tick(); // stops: what was staged is cut as a partial chunk
    expect(rows.map((r) => [r.size, r.final])).toEqual([[2, false]]);
    world.lines.push('b\n', 'c\n');
    world.leading = true;
    world.phase = 'Failed';
    await archiver.tick();
    await until(() => rows.some((r) => r.final));
    expect(archived()).toBe(6);
    expect(rows.map((r) => r.offset)).toEqual([0, 2]);
  });

  it('finish stops the follow and archives the rest as complete before the workers go', async () => {
    const { archiver, world, rows, archived } = await setup();
    await archiver.tick();
    await until(() => world.follows === 1);
    world.lines.push('last words\n');
    await archiver.finish('j', 0, 1);
    expect(rows.at(-1)?.final).toBe(true);
    expect(archived()).toBe(2 + 11);
    await archiver.tick();
    expect(world.follows).toBe(1); // not tailed again
    await archiver.onModuleDestroy();
  });
});
