import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Client } from 'pg';
import type { LoadRecord } from './load-generator.js';

export interface JobRow {
  id: string;
  key: string;
  status: string;
  reason: string;
  attempt: number;
}

const TERMINAL = new Set(['Succeeded', 'Failed', 'Cancelled']);

export async function jobRows(db: Client): Promise<JobRow[]> {
  const { rows } = await db.query<JobRow>(
    `SELECT id, idempotency_key AS key, status::text AS status, status_reason AS reason, attempt FROM training_jobs WHERE idempotency_key LIKE 'chaos-%'`,
  );
  return rows;
}

/** One run of one worker, from the evidence the worker wrote itself. */
interface Run {
  attempt: string;
  pid: number;
  start: number;
  end?: number;
}

/** The worker's own start/end lines in <evidence>/<key>.log (see chaosJobCommand). */
export function runsOf(evidenceDir: string, key: string): Run[] {
  const file = join(evidenceDir, `${key}.log`);
  if (!existsSync(file)) return [];
  const runs = new Map<number, Run>();
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (!line) continue;
    const e = JSON.parse(line) as { e: 'start' | 'end'; attempt: string; pid: number; at: number };
    if (e.e === 'start') runs.set(e.pid, { attempt: e.attempt, pid: e.pid, start: e.at });
    else if (runs.has(e.pid)) runs.get(e.pid)!.end = e.at;
  }
  return [...runs.values()];
}

/**
 * The checker: compares what was acknowledged with what was kept.
 *   1. every acknowledged submission exists exactly once, with the id the api answered;
 *      no key (acknowledged or not) exists twice;
 *   2. no job ran twice at once (two runs of one job whose [start, end] overlap);
 *   3. every job is terminal, and ended as its worker did: Succeeded unless a cancel was
 *      asked for (then Cancelled or Succeeded); Failed only where the worker failed;
 *   4. no worker process is left: no supervisor of <home>/jobs is alive;
 *   5. no answer was a 500 (a 503 while PostgreSQL restarts is allowed).
 * Returns the anomalies in words; none means the run kept every promise.
 */
export function check(record: LoadRecord, rows: JobRow[], evidenceDir: string, home: string): string[] {
  const anomalies: string[] = [];
  const byKey = new Map<string, JobRow[]>();
  for (const row of rows) byKey.set(row.key, [...(byKey.get(row.key) ?? []), row]);

  // 1. Acknowledged exactly once.
  for (const [key, id] of record.acknowledged) {
    const found = byKey.get(key) ?? [];
    if (found.length === 0) anomalies.push(`lost: ${key} was acknowledged as ${id} and does not exist`);
    else if (found[0].id !== id) anomalies.push(`changed: ${key} was acknowledged as ${id} but is stored as ${found[0].id}`);
  }
  for (const [key, found] of byKey) if (found.length > 1) anomalies.push(`duplicated: ${key} exists ${found.length} times`);

  for (const row of rows) {
    // 2. Never twice at once.
    const runs = runsOf(evidenceDir, row.key).sort((a, b) => a.start - b.start);
    for (let i = 1; i < runs.length; i++) {
      const before = runs[i - 1];
      if (before.end === undefined || before.end > runs[i].start) anomalies.push(`ran twice at once: ${row.key} (${row.id}) attempts ${before.attempt} and ${runs[i].attempt}`);
    }
    // 3. Terminal, with the worker's real outcome.
    if (!TERMINAL.has(row.status)) anomalies.push(`not finished: ${row.key} (${row.id}) is ${row.status}: ${row.reason}`);
    else if (row.status === 'Cancelled' && !record.cancelAsked.has(row.id)) anomalies.push(`cancelled unasked: ${row.key} (${row.id}): ${row.reason}`);
    else if (row.status === 'Failed') anomalies.push(`failed: ${row.key} (${row.id}), whose worker always exits 0: ${row.reason}`);
  }

  // 4. No orphan workers: every supervisor of an attempt has ended.
  for (const pid of liveWorkers(home)) anomalies.push(`orphan worker: pid ${pid} still runs`);

  // 5. No 500: a fault may give a 503 (retry later), never an unexplained internal error.
  for (const e of record.serverErrors.filter((x) => x.status === 500)) anomalies.push(`500 on ${e.method} ${e.path}: ${e.body.slice(0, 120)}`);
  return anomalies;
}

/** Pids in <home>/jobs/<id>/<attempt>/worker-N.pid that are still alive. */
export function liveWorkers(home: string): number[] {
  const root = join(home, 'jobs');
  const live: number[] = [];
  for (const job of list(root)) {
    for (const attempt of list(join(root, job))) {
      for (const file of list(join(root, job, attempt))) {
        if (!/^worker-\d+\.pid$/.test(file)) continue;
        const pid = Number(readFileSync(join(root, job, attempt, file), 'utf8'));
        if (pid && alive(pid)) live.push(pid);
      }
    }
  }
  return live;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return !readFileSync(`/proc/${pid}/stat`, 'utf8').includes(') Z ');
  } catch {
    return false;
  }
}

function list(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}
