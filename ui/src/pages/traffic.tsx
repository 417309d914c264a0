import { useEffect, useState } from 'preact/hooks';
import { ErrorText } from '../components';
import { usePoll } from '../poll';

interface Traffic {
  scope: string;
  since: string;
  requests: Record<string, number>;
  latency: { count: number; sumSeconds: number };
}
interface Point {
  t: number;
  rate: number;
  errors: number;
  /** Mean latency of the requests in the interval, ms; null when there were none. */
  latencyMs: number | null;
}

/** How many intervals the charts keep: 10 minutes at one poll every 2 s. */
const KEEP = 300;
const sum = (r: Record<string, number>, keep: (code: number) => boolean) => Object.entries(r).reduce((s, [c, n]) => s + (keep(Number(c)) ? n : 0), 0);

function Line({ label, points, unit }: { label: string; points: (number | null)[]; unit: string }) {
  const w = 300;
  const h = 50;
  const values = points.map((p) => p ?? 0);
  const max = Math.max(...values, 1e-9);
  const last = points[points.length - 1];
  const path = values.map((v, i) => `${(i / Math.max(1, values.length - 1)) * w},${h - (v / max) * h}`).join(' ');
  const now = last === null || last === undefined ? '—' : `${last.toFixed(last < 10 ? 2 : 0)} ${unit}`;
  return (
    <figure class="chart" data-peak={Math.max(0, ...values)}>
      <figcaption>{label}: {now}</figcaption>
      <svg viewBox={`0 0 ${w} ${h}`} width="100%" height={h} role="img" aria-label={`${label} now ${now}`}>
        <rect x="0" y="0" width={w} height={h} class="chart-bg" />
        {values.length > 1 && <polyline points={path} class="chart-line" />}
      </svg>
    </figure>
  );
}

/**
 * Request rate, 5xx errors and mean latency of one endpoint, computed between two reads of
 * its cumulative counters (GET …/traffic). Those are counted by the api instance that answers:
 * behind several api replicas the chart is one replica's share, and a restart starts over.
 */
export function TrafficCharts({ base }: { base: string }) {
  const { data, error } = usePoll<Traffic>(`${base}/traffic`);
  const [state, setState] = useState<{ prev?: Traffic & { at: number }; points: Point[] }>({ points: [] });
  useEffect(() => {
    if (!data) return;
    // The answer has no time (so that a quiet endpoint's poll is a 304): the page's clock dates it.
    const now = { ...data, at: Date.now() };
    setState(({ prev, points }) => {
      if (!prev || now.at - prev.at < 500) return { prev: prev ?? now, points };
      const total = sum(data.requests, () => true);
      const before = sum(prev.requests, () => true);
      // Fewer than before: another api instance answered, or this one restarted. Start over.
      if (total < before || prev.since !== data.since) return { prev: now, points: [] };
      const dt = (now.at - prev.at) / 1000;
      const dn = data.latency.count - prev.latency.count;
      const point = {
        t: now.at,
        rate: (total - before) / dt,
        errors: (sum(data.requests, (c) => c >= 500) - sum(prev.requests, (c) => c >= 500)) / dt,
        latencyMs: dn > 0 ? ((data.latency.sumSeconds - prev.latency.sumSeconds) / dn) * 1000 : null,
      };
      return { prev: now, points: [...points, point].slice(-KEEP) };
    });
  }, [data]);

  const total = data ? sum(data.requests, () => true) : 0;
  return (
    <section aria-labelledby="traffic">
      <h2 id="traffic">Traffic</h2>
      <ErrorText error={error} />
      {data && (
        <p class="hint">
          <span data-testid="traffic-total">{total}</span> requests through the infer proxy of {data.scope} since it started
          ({Object.entries(data.requests).map(([c, n]) => `${c}: ${n}`).join(', ') || 'none'}); rates are computed by this page between its reads every 2 s.
        </p>
      )}
      <div class="charts">
        <Line label="Requests per second" points={state.points.map((p) => p.rate)} unit="/s" />
        <Line label="5xx errors per second" points={state.points.map((p) => p.errors)} unit="/s" />
        <Line label="Mean latency" points={state.points.map((p) => p.latencyMs)} unit="ms" />
      </div>
    </section>
  );
}
