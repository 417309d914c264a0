import type { InferRecord, StatusSample, Window } from './endpoint-checker.js';
import type { EndpointFaultResult } from './endpoint-faults.js';

/** The endpoint run's figures as a plain-text table (the shape of summary.ts): what docs/reliability.md quotes. */
export function endpointSummary(run: { seed: number; record: InferRecord; samples: StatusSample[]; faults: EndpointFaultResult[]; windows: Window[]; anomalies: string[]; durationS: number }): string {
  const { record, samples, faults, anomalies } = run;
  const readyCounts = new Map<number, number>();
  for (const s of samples) readyCounts.set(s.ready, (readyCounts.get(s.ready) ?? 0) + 1);
  const lines: [string, string][] = [
    ['seed', String(run.seed)],
    ['inferences (200 with v1 / v2 outputs)', `${record.operations} (${record.byVersion.v1} / ${record.byVersion.v2})`],
    ['inference responses by status', [...record.statuses].sort().map(([s, n]) => `${s}: ${n}`).join(', ')],
    ['status samples, by ready replicas', `${samples.length} (${[...readyCounts].sort((a, b) => a[0] - b[0]).map(([r, n]) => `${r} ready: ${n}`).join(', ')})`],
    ['faults', `${faults.length} (${faults.map((f) => `${f.kind}${f.target ? ` ${f.target}${f.leader === false ? ' (random)' : ''}` : ''}`).join(', ')})`],
    ['anomalies', String(anomalies.length)],
    ['duration, s', run.durationS.toFixed(0)],
  ];
  const width = Math.max(...lines.map(([k]) => k.length));
  const table = lines.map(([k, v]) => `  ${k.padEnd(width)}  ${v}`).join('\n');
  const errors = record.serverErrors.slice(0, 10).map((e) => {
    const fault = [...faults].reverse().find((f) => f.at <= e.at);
    return `    - ${e.status} ${e.method} ${e.path} ${fault ? `${((e.at - fault.at) / 1000).toFixed(1)} s after ${fault.kind}` : 'before any fault'}: ${e.body}`;
  });
  return `summary\n${table}${errors.length ? `\n  server errors (first ${errors.length}):\n${errors.join('\n')}` : ''}${anomalies.length ? `\n  anomalies:\n${anomalies.map((a) => `    - ${a}`).join('\n')}` : ''}`;
}
