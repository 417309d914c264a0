import type { JobRow } from './checker.js';
import type { K8sFaultResult } from './k8s-faults.js';
import type { LoadRecord } from './load-generator.js';
import { percentile } from './summary.js';

/** The Kubernetes run's figures as a plain-text table (what docs/reliability.md quotes). */
export function k8sSummary(run: {
  seed: number;
  record: LoadRecord;
  /** Requests by api member (api-1, api-2), restarts included. */
  byApi: Map<string, number>;
  rows: JobRow[];
  faults: K8sFaultResult[];
  pods: number;
  relists: number;
  /** Pods of attempt 1 or later in the ledger. */
  retries: number;
  anomalies: string[];
  wallS: number;
  /** The endpoint's Ready-pod samples (count, fewest seen). */
  endpoint?: { samples: number; minReady: number };
}): string {
  const { record, rows, faults, anomalies } = run;
  const count = (keys: string[]) => {
    const m = new Map<string, number>();
    for (const k of keys) m.set(k, (m.get(k) ?? 0) + 1);
    return [...m].map(([k, n]) => `${k} ${n}`).join(', ');
  };
  const kills = faults.filter((f) => f.kind.startsWith('kill-leader') && f.failoverMs !== undefined).map((f) => f.failoverMs!);
  const unbound = faults.filter((f) => f.kind === 'kill-leader-unbound');
  const bound = faults.filter((f) => f.kind === 'kill-leader-bound');
  const cuts = faults.filter((f) => f.kind === 'partition-leader' && f.failoverMs !== undefined).map((f) => f.failoverMs!);
  const apiKills = faults.filter((f) => f.kind === 'kill-api');
  const lines: [string, string][] = [
    ['seed', String(run.seed)],
    ['submissions (acknowledged / never acknowledged)', `${record.operations.submit} (${record.acknowledged.size} / ${record.unacknowledged.size})`],
    ['submission retries (same Idempotency-Key)', String(record.operations.retries)],
    ['cancels (acknowledged)', `${record.operations.cancel} (${record.cancelled.size})`],
    ['queries', String(record.operations.query)],
    ['responses by status', [...record.statuses].map(([s, n]) => `${s}: ${n}`).join(', ')],
    ['requests by api', [...run.byApi].sort().map(([a, n]) => `${a}: ${n}`).join(', ')],
    ['jobs stored, by status', count(rows.map((r) => r.status))],
    ['pods seen (watch relists)', `${run.pods} (${run.relists})`],
    ['faults', `${faults.length} (${count(faults.map((f) => f.kind))})`],
    ['kills before bind (pod still unbound at the kill / n)', `${unbound.filter((f) => f.unboundAtKill).length} / ${unbound.length}${unbound.map((f) => (f.boundAfterMs !== undefined ? `; ${f.pod} bound ${f.boundAfterMs} ms after` : f.goneWithJob ? `; ${f.pod} deleted unbound, job ${f.goneWithJob}` : '')).join('')}`],
    ['kills after bind (job still Scheduled at the kill / n)', `${bound.filter((f) => f.statusAtKill === 'Scheduled').length} / ${bound.length}${bound.map((f) => (f.recordedAfterMs !== undefined ? `; ${f.pod} recorded ${f.recordedAfterMs} ms after` : '')).join('')}`],
    ['api kills (in flight at the kill)', apiKills.map((f) => `${f.target}: ${f.inFlight?.join(', ') || 'none'}`).join('; ') || '-'],
    ['worker crashes (retried / n)', `${faults.filter((f) => f.kind === 'crash-worker' && f.retriedAfterMs !== undefined).length} / ${faults.filter((f) => f.kind === 'crash-worker').length}${faults.map((f) => (f.noRetry ? `; no retry: ${f.noRetry}` : '')).join('')}`],
    ['pods of a second attempt', String(run.retries)],
    ['API server down, ms (each)', faults.filter((f) => f.downMs !== undefined).map((f) => f.downMs).join(', ') || '-'],
    ['leader failover after kill -9, ms (p50 / p99 / n)', `${percentile(kills, 50)} / ${percentile(kills, 99)} / ${kills.length}`],
    ['leader failover after a partition, ms (each)', cuts.join(', ') || '-'],
    ['silent partition: cut leader stopped / another led, ms (each)', faults.filter((f) => f.kind === 'silence-leader').map((f) => `${f.stoodDownMs ?? '-'} / ${f.failoverMs ?? '-'}`).join(', ') || '-'],
    ['kills mid-rollout: endpoint at the kill; Complete after, ms', faults.filter((f) => f.kind === 'kill-leader-rollout').map((f) => `${f.target} (v${f.version}, pod ${f.pod ?? '-'}): ${f.rolloutAtKill}; ${f.convergedAfterMs ?? 'not within 2 min'}`).join('; ') || '-'],
    ['endpoint Ready pods (samples, fewest)', run.endpoint ? `${run.endpoint.samples}, ${run.endpoint.minReady}` : '-'],
    ['anomalies', String(anomalies.length)],
    ['wall time, s (from the start of the file, build included, to the check)', String(run.wallS)],
  ];
  const width = Math.max(...lines.map(([k]) => k.length));
  const table = lines.map(([k, v]) => `  ${k.padEnd(width)}  ${v}`).join('\n');
  const errors = record.serverErrors.slice(0, 10).map((e) => {
    const fault = [...faults].reverse().find((f) => f.at <= e.at);
    return `    - ${e.status} ${e.method} ${e.path} ${fault ? `${((e.at - fault.at) / 1000).toFixed(1)} s after ${fault.kind}` : 'before any fault'}: ${e.body}`;
  });
  return `summary\n${table}${errors.length ? `\n  server errors (first ${errors.length}):\n${errors.join('\n')}` : ''}${anomalies.length ? `\n  anomalies:\n${anomalies.map((a) => `    - ${a}`).join('\n')}` : ''}`;
}
