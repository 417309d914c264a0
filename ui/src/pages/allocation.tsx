import { useEffect, useState } from 'preact/hooks';
import { ErrorText } from '../components';
import { usePoll } from '../poll';

interface Allocation {
  from: string;
  to: string;
  stepSeconds: number;
  times: string[];
  total: number[];
  series: { flavor: string; project: string | null; values: number[] }[];
}

/** The range picker's choices: span and step (seconds), so that a chart has 60–170 points. */
export const RANGES: Record<string, { label: string; span: number; step: number }> = {
  '1h': { label: 'last hour', span: 3600, step: 60 },
  '6h': { label: 'last 6 hours', span: 6 * 3600, step: 300 },
  '24h': { label: 'last 24 hours', span: 86_400, step: 600 },
  '7d': { label: 'last 7 days', span: 7 * 86_400, step: 3600 },
};
export const DEFAULT_RANGE = '24h';

/** How often the stored history is re-read: it moves by the minute, not by the poll. */
const REREAD_MS = 30_000;
const fmt = (n: number) => String(Math.round(n * 100) / 100);

/**
 * `from` is floored to a whole step, so the path (and the points' times) change once per
 * step rather than at every read; `to` is left out (the API's default: now).
 */
function pathOf(range: string): string {
  const { span, step } = RANGES[range];
  const from = Math.floor((Date.now() / 1000 - span) / step) * step;
  return `/v1/cluster/allocation?from=${encodeURIComponent(new Date(from * 1000).toISOString())}&step=${step}`;
}

/**
 * GPUs held over time as the platform stored it (GET /v1/cluster/allocation: the usage
 * ledger of finished attempts and the attempts running now): one point per step, the mean
 * held during it; MIG slices have their own rows and stay out of the line.
 */
export function AllocationHistory({ range, onRange, capacity }: { range: string; onRange: (r: string) => void; capacity: number }) {
  const [path, setPath] = useState(() => pathOf(range));
  useEffect(() => {
    setPath(pathOf(range));
    const timer = setInterval(() => setPath(pathOf(range)), RANGES[range].step * 1000);
    return () => clearInterval(timer);
  }, [range]);
  const { data, error } = usePoll<Allocation>(path, REREAD_MS);
  // Keep the last answer while the next range loads, so the chart does not blink every step.
  const [shown, setShown] = useState<Allocation>();
  useEffect(() => {
    if (data) setShown(data);
  }, [data]);

  const w = 600;
  const h = 100;
  const values = shown?.total ?? [];
  const max = Math.max(capacity, ...values, 1);
  const points = values.map((v, i) => `${(i / Math.max(1, values.length - 1)) * w},${h - (v / max) * h}`).join(' ');
  const peak = Math.max(0, ...values);
  const latest = values.length ? values[values.length - 1] : 0;
  return (
    <section aria-labelledby="allocation-title" class="allocation">
      <h2 id="allocation-title">GPUs held over time</h2>
      <label>
        Range{' '}
        <select name="range" value={range} onChange={(e) => onRange((e.target as HTMLSelectElement).value)}>
          {Object.entries(RANGES).map(([k, r]) => <option key={k} value={k}>{r.label}</option>)}
        </select>
      </label>
      <ErrorText error={error} />
      {shown && (
        <>
          <figure class="chart" data-points={values.length}>
            <svg viewBox={`0 0 ${w} ${h}`} width="100%" height={h} role="img" aria-label={`GPUs held, ${RANGES[range].label}: peak ${fmt(peak)}, latest ${fmt(latest)}, of ${capacity}`}>
              <rect x="0" y="0" width={w} height={h} class="chart-bg" />
              {values.length > 1 && <polyline points={points} class="chart-line" />}
            </svg>
            <figcaption class="hint">
              Mean GPUs held (whole-device equivalents) per {shown.stepSeconds / 60} min, from {new Date(shown.from).toLocaleString()} to now, out of {capacity} now; stored by
              the platform (finished attempts from the usage ledger, running ones up to now).
            </figcaption>
          </figure>
          {shown.series.length === 0 ? (
            <p class="hint">No GPU was held in this range.</p>
          ) : (
            <table class="allocation-series">
              <thead>
                <tr><th scope="col">GPU flavor</th><th scope="col">Project</th><th scope="col">Peak</th><th scope="col">Last step</th></tr>
              </thead>
              <tbody>
                {shown.series.map((s) => (
                  <tr key={`${s.flavor}/${s.project}`}>
                    <td>{s.flavor}{s.flavor.includes(':mig-') ? ' (slices)' : ''}</td>
                    <td>{s.project ?? 'other projects'}</td>
                    <td>{fmt(Math.max(0, ...s.values))}</td>
                    <td>{fmt(s.values[s.values.length - 1] ?? 0)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </>
      )}
    </section>
  );
}
