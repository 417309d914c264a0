import { workerFlavor, type PlacedWorker } from '../usage/index.js';

/**
 * GPUs held over time, pure parts. An attempt holds `units` of a flavor (the GPU product,
 * or `<product>:mig-<profile>` counted in slices) from its bind to its end, the way the usage
 * ledger charges it (src/usage/usage.ts); a point is the mean held over its step: the
 * GPU-seconds inside the step divided by the step's length (the part of it up to now).
 */

/** An interval of holding, from the ledger or from an attempt still running. */
export interface Holding {
  projectId: string;
  flavor: string;
  startedAt: Date;
  endedAt: Date;
  units: number;
}

/** One row of the series query: the GPU-seconds of one flavor and project inside step `i`. */
export interface AllocationRow {
  i: number;
  flavor: string;
  projectId: string;
  gpuSeconds: number;
}

export interface RunningAttempt {
  projectId: string;
  scheduledAt: Date | null;
  placement: unknown;
  resources: unknown;
}

/** What a running attempt holds, per flavor, from its bind up to `now` (CPU-only attempts hold no GPU). */
export function runningHoldings(jobs: readonly RunningAttempt[], now: Date): Holding[] {
  const out: Holding[] = [];
  for (const job of jobs) {
    if (!job.scheduledAt || job.scheduledAt >= now || !Array.isArray(job.placement)) continue;
    const products = (job.resources as { gpu?: { products?: string[] } } | null)?.gpu?.products;
    const units = new Map<string, number>();
    for (const worker of job.placement as PlacedWorker[]) {
      const w = workerFlavor(worker, products);
      if (w.flavor !== '') units.set(w.flavor, (units.get(w.flavor) ?? 0) + w.units);
    }
    for (const [flavor, n] of units) out.push({ projectId: job.projectId, flavor, startedAt: job.scheduledAt, endedAt: now, units: n });
  }
  return out;
}

export interface Steps {
  /** Start of each step; the last one may be cut short by the end. */
  starts: Date[];
  /** Seconds of each step that count (the last one up to the end). */
  seconds: number[];
}

/** The steps from `from` to `end` (end = min(to, now): the future holds nothing yet). */
export function stepsOf(from: Date, end: Date, stepSeconds: number): Steps {
  const starts: Date[] = [];
  const seconds: number[] = [];
  const stepMs = stepSeconds * 1000;
  for (let t = from.getTime(); t < end.getTime(); t += stepMs) {
    starts.push(new Date(t));
    seconds.push(Math.min(stepMs, end.getTime() - t) / 1000);
  }
  return { starts, seconds };
}

const MIG = ':mig-';
const round = (n: number) => Math.round(n * 1000) / 1000;

export interface AllocationSeries {
  flavor: string;
  /** null: projects the caller cannot read, together. */
  project: string | null;
  values: number[];
}

/**
 * Folds the query's rows into one series per flavor and (visible) project, and a total in
 * whole devices: MIG slices are counted in their own flavor's series, not in the total
 * (a slice is not a GPU). Rows of projects `visible` does not name go under project null.
 */
export function foldAllocation(rows: readonly AllocationRow[], steps: Steps, visible: (projectId: string) => string | undefined) {
  const series = new Map<string, AllocationSeries>();
  const total = steps.seconds.map(() => 0);
  for (const row of rows) {
    const mean = row.gpuSeconds / steps.seconds[row.i];
    const project = visible(row.projectId) ?? null;
    const key = `${row.flavor}\u0000${project ?? ''}\u0000${project === null}`;
    const s = series.get(key) ?? { flavor: row.flavor, project, values: steps.seconds.map(() => 0) };
    s.values[row.i] += mean;
    series.set(key, s);
    if (!row.flavor.includes(MIG)) total[row.i] += mean;
  }
  return {
    total: total.map(round),
    series: [...series.values()]
      .map((s) => ({ ...s, values: s.values.map(round) }))
      .sort((a, b) => a.flavor.localeCompare(b.flavor) || (a.project ?? '\uffff').localeCompare(b.project ?? '\uffff')),
  };
}
