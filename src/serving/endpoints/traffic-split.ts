import { z } from 'zod';

/**
 * Canary and shadow traffic (issue 18, item 4): the specs a PATCH carries, what the endpoint
 * row stores, and the two pure decisions, which track a request goes to and whether a canary
 * is promoted, rolled back or still watched. No I/O here: the proxy (endpoint-proxy.ts) and
 * the controller (endpoint.canary.ts) are the shells.
 *
 * Tracks: `stable` is the endpoint's desired revision (its Deployment); `canary` and `shadow`
 * each run one other revision in a Deployment of their own with a fixed replica count.
 */
export type Track = 'stable' | 'canary' | 'shadow';

const percent = z.number().min(0, 'must be between 0 and 100').max(100, 'must be between 0 and 100');
/** `7`, `"7"` or `"@production"` (as endpoints.dto.ts's version). */
const versionRef = z.union([
  z.number().int().min(1),
  z.string().regex(/^(\d+|@[a-z0-9]([-_.a-z0-9]*[a-z0-9])?)$/, "must be a version number such as 7 or an alias such as '@production'"),
]);
/** Canary and shadow replicas do not autoscale: a fixed count (docs/endpoints.md, "Canary and shadow"). */
const subReplicas = z.number().int().min(1, 'must be at least 1').max(64);

export const canaryAnalysisSchema = z.strictObject({
  /** false: the canary waits for a manual promote or rollback. */
  auto: z.boolean().default(true),
  /** The canary must have answered this many requests… */
  minRequests: z.number().int().min(1).max(10_000_000).default(100),
  /** …and have run this long before it is judged. */
  minSeconds: z.number().int().min(0).max(86_400).default(60),
  /** Promoted only when its error rate (5xx / requests) is at most stable's plus this (0.01 = one point). */
  maxErrorRateIncrease: z.number().min(0).max(1).default(0.01),
  /** …and its p99 latency at most stable's p99 times this. */
  maxLatencyRatio: z.number().min(1).max(1000).default(1.5),
});
export type CanaryAnalysis = z.output<typeof canaryAnalysisSchema>;
export const DEFAULT_ANALYSIS: CanaryAnalysis = canaryAnalysisSchema.parse({});

/**
 * A PATCH's `canary`. Starting one needs exactly one of `version` (of the endpoint's model)
 * and `revision` (an earlier revision's template); for the running canary, neither: its
 * percent, replicas or analysis change (the service checks, naming the field).
 */
export const canarySpecSchema = z.strictObject({
  version: versionRef.optional(),
  revision: z.number().int().min(1).optional(),
  /** Share of requests the canary answers. */
  percent,
  /** Default 1. */
  replicas: subReplicas.optional(),
  /** Fields merge into the running canary's (defaults for a new one). */
  analysis: canaryAnalysisSchema.partial().optional(),
});
export type CanarySpec = z.output<typeof canarySpecSchema>;

export const shadowSpecSchema = z
  .strictObject({
    /** Another model of the project with the same inputs and outputs; default: the endpoint's model. */
    model: z.string().min(1).max(128).optional(),
    version: versionRef.optional(),
    revision: z.number().int().min(1).optional(),
    /** Share of requests copied to the shadow. */
    percent,
    replicas: subReplicas.default(1),
  })
  .superRefine((body, ctx) => {
    if ((body.version === undefined) === (body.revision === undefined)) ctx.addIssue({ code: 'custom', path: ['version'], message: 'give exactly one of version and revision' });
    if (body.model !== undefined && body.revision !== undefined) ctx.addIssue({ code: 'custom', path: ['model'], message: 'a revision names its own model: give model with a version' });
  });
export type ShadowSpec = z.output<typeof shadowSpecSchema>;

/** What the endpoint row's `canary` column holds while a canary runs. */
export interface CanaryState {
  /** The revision (cause Canary) whose template the canary replicas run. */
  revision: number;
  modelVersion: number;
  percent: number;
  replicas: number;
  analysis: CanaryAnalysis;
  startedAt: string;
}

/** The row's `shadow` column. */
export interface ShadowState {
  revision: number;
  model: string;
  modelVersion: number;
  percent: number;
  replicas: number;
  startedAt: string;
}

/**
 * Which track answers a request: the canary with probability percent/100, else stable.
 * `draw` is uniform in [0, 1) (Math.random in the proxy, fixed in tests).
 */
export function pickTrack(canaryPercent: number | undefined, draw: number): 'stable' | 'canary' {
  return canaryPercent !== undefined && draw * 100 < canaryPercent ? 'canary' : 'stable';
}

/** Whether this request is also copied to the shadow. */
export function mirrors(shadowPercent: number | undefined, draw: number): boolean {
  return shadowPercent !== undefined && draw * 100 < shadowPercent;
}

/** Latency bucket bounds in seconds (as the proxy's Prometheus histogram). */
export const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** One track's requests during a canary: counts, 5xx, and a latency histogram (non-cumulative, one slot past the last bound). */
export interface TrackStats {
  requests: number;
  errors: number;
  buckets: number[];
}

export const emptyStats = (): TrackStats => ({ requests: 0, errors: 0, buckets: new Array<number>(LATENCY_BUCKETS.length + 1).fill(0) });

export function addSample(s: TrackStats, status: number, seconds: number): void {
  s.requests += 1;
  if (status >= 500) s.errors += 1;
  let i = LATENCY_BUCKETS.findIndex((le) => seconds <= le);
  if (i < 0) i = LATENCY_BUCKETS.length;
  s.buckets[i] += 1;
}

export function mergeStats(a: TrackStats, b: TrackStats): TrackStats {
  return { requests: a.requests + b.requests, errors: a.errors + b.errors, buckets: a.buckets.map((n, i) => n + (b.buckets[i] ?? 0)) };
}

/**
 * The q-quantile in seconds, interpolated linearly inside its bucket as Prometheus's
 * histogram_quantile does; past the last bound it is that bound. undefined with no samples.
 */
export function quantile(s: TrackStats, q: number): number | undefined {
  if (s.requests === 0) return undefined;
  const rank = q * s.requests;
  let below = 0;
  for (let i = 0; i < s.buckets.length; i++) {
    const n = s.buckets[i];
    if (below + n >= rank && n > 0) {
      if (i === LATENCY_BUCKETS.length) return LATENCY_BUCKETS[i - 1];
      const lo = i === 0 ? 0 : LATENCY_BUCKETS[i - 1];
      return lo + (LATENCY_BUCKETS[i] - lo) * ((rank - below) / n);
    }
    below += n;
  }
  return LATENCY_BUCKETS[LATENCY_BUCKETS.length - 1];
}

export interface CanaryFigures {
  canary: { requests: number; errorRate: number; p99Ms?: number };
  stable: { requests: number; errorRate: number; p99Ms?: number };
  seconds: number;
}

export type CanaryVerdict =
  | { action: 'wait'; why: string; figures: CanaryFigures }
  | { action: 'promote' | 'rollback'; why: string; figures: CanaryFigures };

const rate = (s: TrackStats) => (s.requests === 0 ? 0 : s.errors / s.requests);
const pct = (r: number) => `${(r * 100).toFixed(2)} %`;
const ms = (v: number | undefined) => (v === undefined ? 'n/a' : `${v.toFixed(1)} ms`);

/** The figures as one sentence, for events. */
export function describeFigures(f: CanaryFigures): string {
  return `canary ${f.canary.requests} requests, error rate ${pct(f.canary.errorRate)}, p99 ${ms(f.canary.p99Ms)}; stable ${f.stable.requests} requests, error rate ${pct(f.stable.errorRate)}, p99 ${ms(f.stable.p99Ms)}; over ${f.seconds} s`;
}

/**
 * The canary gate, judged once the canary has both minRequests requests and minSeconds of
 * running (before that: wait):
 *   1. error rate: canary ≤ stable + maxErrorRateIncrease, else roll back;
 *   2. p99: canary ≤ stable × maxLatencyRatio, else roll back. Skipped (and said so) when stable
 *      answered nothing in the window (percent 100): there is nothing to compare with;
 *   3. both hold: promote.
 * Stats are the window since the canary started: stable's requests in the same window only.
 */
export function decideCanary(input: { analysis: CanaryAnalysis; canary: TrackStats; stable: TrackStats; startedAt: number; now: number }): CanaryVerdict {
  const { analysis: a, canary, stable } = input;
  const seconds = Math.max(0, Math.floor((input.now - input.startedAt) / 1000));
  const toMs = (v: number | undefined) => (v === undefined ? undefined : v * 1000);
  const figures: CanaryFigures = {
    canary: { requests: canary.requests, errorRate: rate(canary), p99Ms: toMs(quantile(canary, 0.99)) },
    stable: { requests: stable.requests, errorRate: rate(stable), p99Ms: toMs(quantile(stable, 0.99)) },
    seconds,
  };
  if (canary.requests < a.minRequests || seconds < a.minSeconds) {
    return { action: 'wait', why: `judged after ${a.minRequests} canary requests and ${a.minSeconds} s (now ${canary.requests} and ${seconds} s)`, figures };
  }
  const errorLimit = figures.stable.errorRate + a.maxErrorRateIncrease;
  if (figures.canary.errorRate > errorLimit) {
    return { action: 'rollback', why: `canary error rate ${pct(figures.canary.errorRate)} > stable ${pct(figures.stable.errorRate)} + ${pct(a.maxErrorRateIncrease)} margin`, figures };
  }
  if (stable.requests === 0 || figures.stable.p99Ms === undefined) {
    return { action: 'promote', why: `canary error rate ${pct(figures.canary.errorRate)} ≤ ${pct(errorLimit)}; p99 not compared (stable answered no request in the window)`, figures };
  }
  const latencyLimit = figures.stable.p99Ms * a.maxLatencyRatio;
  if ((figures.canary.p99Ms ?? 0) > latencyLimit) {
    return { action: 'rollback', why: `canary p99 ${ms(figures.canary.p99Ms)} > stable p99 ${ms(figures.stable.p99Ms)} × ${a.maxLatencyRatio}`, figures };
  }
  return { action: 'promote', why: `canary error rate ${pct(figures.canary.errorRate)} ≤ ${pct(errorLimit)} and p99 ${ms(figures.canary.p99Ms)} ≤ ${ms(latencyLimit)}`, figures };
}
