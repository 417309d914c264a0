import type { JobRow } from './checker.js';
import type { LocalFaultResult } from './local-faults.js';
import type { LoadRecord } from './load-generator.js';

/** Nearest-rank percentile of `values` (ms), or '-' when there are none. */
export function percentile(values: number[], p: number): string {
  if (values.length === 0) return '-';
  const sorted = [...values].sort((a, b) => a - b);
  return String(sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]);
}

/** The run's figures as a plain-text table: what docs/reliability.md quotes. */
export function summary(run: { seed: number; record: LoadRecord; rows: JobRow[]; faults: LocalFaultResult[]; anomalies: string[] }): string {
  const { record, rows, faults, anomalies } = run;
  const byKind = new Map<string, number>();
  for (const f of faults) byKind.set(f.kind, (byKind.get(f.kind) ?? 0) + 1);
  const byStatus = new Map<string, number>();
  for (const r of rows) byStatus.set(r.status, (byStatus.get(r.status) ?? 0) + 1);
  const kills = faults.filter((f) => f.kind.startsWith('kill-leader') && f.failoverMs !== undefined).map((f) => f.failoverMs!);
  const cuts = faults.filter((f) => f.kind === 'partition-leader' && f.failoverMs !== undefined).map((f) => f.failoverMs!);
  const lines: [string, string][] = [
    ['seed', String(run.seed)],
    ['submissions (acknowledged / never acknowledged)', `${record.operations.submit} (${record.acknowledged.size} / ${record.unacknowledged.size})`],
    ['submission retries (same Idempotency-Key)', String(record.operations.retries)],
    ['cancels (acknowledged)', `${record.operations.cancel} (${record.cancelled.size})`],
    ['queries', String(record.operations.query)],
    ['responses by status', [...record.statuses].map(([s, n]) => `${s}: ${n}`).join(', ')],
    ['jobs stored, by status', [...byStatus].map(([s, n]) => `${s}: ${n}`).join(', ')],
    ['faults', `${faults.length} (${[...byKind].map(([k, n]) => `${k} ${n}`).join(', ')})`],
    ['leader failover after kill -9, ms (p50 / p99 / n)', `${percentile(kills, 50)} / ${percentile(kills, 99)} / ${kills.length}`],
    ['leader failover after a partition, ms (each)', cuts.join(', ') || '-'],
    ['kills in a create (job Scheduled at the kill / n; worker spawned then; recorded after, ms)', `${faults.filter((f) => f.kind === 'kill-leader-create' && f.statusAtKill === 'Scheduled').length} / ${faults.filter((f) => f.kind === 'kill-leader-create').length}${faults.filter((f) => f.kind === 'kill-leader-create').map((f) => `; ${f.job ?? '-'}: ${f.statusAtKill ?? '-'}, ${f.spawnedAtKill ? 'spawned' : 'not spawned'}, ${f.recordedAfterMs ?? '-'}`).join('')}`],
    ['anomalies', String(anomalies.length)],
  ];
  const width = Math.max(...lines.map(([k]) => k.length));
  const table = lines.map(([k, v]) => `  ${k.padEnd(width)}  ${v}`).join('\n');
  // Each 5xx with the fault injected last before it, so a reader sees which fault caused it.
  const errors = record.serverErrors.slice(0, 10).map((e) => {
    const fault = [...faults].reverse().find((f) => f.at <= e.at);
    return `    - ${e.status} ${e.method} ${e.path} ${fault ? `${((e.at - fault.at) / 1000).toFixed(1)} s after ${fault.kind}` : 'before any fault'}: ${e.body}`;
  });
  return `summary\n${table}${errors.length ? `\n  server errors (first ${errors.length}):\n${errors.join('\n')}` : ''}${anomalies.length ? `\n  anomalies:\n${anomalies.map((a) => `    - ${a}`).join('\n')}` : ''}`;
}
