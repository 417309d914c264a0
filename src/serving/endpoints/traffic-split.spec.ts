import { describe, expect, it } from 'vitest';
import { DEFAULT_ANALYSIS, LATENCY_BUCKETS, addSample, canarySpecSchema, decideCanary, emptyStats, mergeStats, mirrors, pickTrack, quantile, shadowSpecSchema, type TrackStats } from './traffic-split.js';

/** A track with `ok` answers and `errors` 500s, every one taking `seconds`. */
function track(ok: number, errors: number, seconds = 0.004): TrackStats {
  const s = emptyStats();
  for (let i = 0; i < ok; i++) addSample(s, 200, seconds);
  for (let i = 0; i < errors; i++) addSample(s, 500, seconds);
  return s;
}

const analysis = { ...DEFAULT_ANALYSIS, minRequests: 100, minSeconds: 60, maxErrorRateIncrease: 0.01, maxLatencyRatio: 1.5 };
const T0 = Date.parse('2026-12-07T12:00:00Z');
const judge = (canary: TrackStats, stable: TrackStats, seconds = 120, a = analysis) => decideCanary({ analysis: a, canary, stable, startedAt: T0, now: T0 + seconds * 1000 });

describe('pickTrack and mirrors', () => {
  it.each([
    [undefined, 0, 'stable'],
    [0, 0, 'stable'],
    [30, 0.29, 'canary'],
    [30, 0.3, 'stable'],
    [100, 0.999, 'canary'],
  ] as const)('percent %s, draw %s: %s', (percent, draw, want) => {
    expect(pickTrack(percent, draw)).toBe(want);
  });

  it('splits uniform draws by percent', () => {
    const draws = Array.from({ length: 1000 }, (_v, i) => i / 1000);
    expect(draws.filter((d) => pickTrack(25, d) === 'canary')).toHaveLength(250);
    expect(draws.filter((d) => mirrors(10, d))).toHaveLength(100);
    expect(draws.filter((d) => mirrors(undefined, d))).toHaveLength(0);
  });
});

describe('quantile', () => {
  it('is undefined without samples and interpolates inside the bucket', () => {
    expect(quantile(emptyStats(), 0.99)).toBeUndefined();
    // 100 samples all in (2.5 ms, 5 ms]: p50 is the middle of that bucket.
    expect(quantile(track(100, 0, 0.004), 0.5)).toBeCloseTo(0.00375, 6);
    expect(quantile(track(100, 0, 0.004), 0.99)).toBeLessThanOrEqual(0.005);
  });

  it('sees a slow tail', () => {
    const s = mergeStats(track(98, 0, 0.002), track(2, 0, 0.8));
    expect(quantile(s, 0.5)).toBeLessThanOrEqual(0.0025);
    expect(quantile(s, 0.99)).toBeGreaterThan(0.5);
  });

  it('caps past the last bound', () => {
    expect(quantile(track(10, 0, 60), 0.99)).toBe(LATENCY_BUCKETS.at(-1));
  });
});

describe('decideCanary', () => {
  it('waits for both the request count and the time', () => {
    expect(judge(track(99, 0), track(500, 0))).toMatchObject({ action: 'wait', why: 'judged after 100 canary requests and 60 s (now 99 and 120 s)' });
    expect(judge(track(500, 0), track(500, 0), 59)).toMatchObject({ action: 'wait' });
  });

  it('promotes a canary as good as stable', () => {
    const v = judge(track(200, 0), track(800, 0));
    expect(v.action).toBe('promote');
    expect(v.why).toMatch(/^canary error rate 0\.00 % ≤ 1\.00 % and p99 [\d.]+ ms ≤ [\d.]+ ms$/);
    expect(v.figures).toMatchObject({ canary: { requests: 200, errorRate: 0 }, stable: { requests: 800, errorRate: 0 }, seconds: 120 });
  });

  it.each([
    ['within the margin', 199, 1, 'promote'], // 0.5 % ≤ 0 % + 1 %
    ['at the margin', 198, 2, 'promote'], // 1.0 % ≤ 1 %
    ['past the margin', 197, 3, 'rollback'], // 1.5 % > 1 %
    ['all failing', 0, 200, 'rollback'],
  ] as const)('error rate %s: %s', (_name, ok, errors, action) => {
    expect(judge(track(ok, errors), track(1000, 0)).action).toBe(action);
  });

  it('compares with stable’s own error rate, not zero', () => {
    // Stable fails 5 %, the canary 5.5 %: within one point of stable.
    expect(judge(track(189, 11), track(950, 50)).action).toBe('promote');
  });

  it('rolls back a slow canary and names both p99s', () => {
    const v = judge(track(200, 0, 0.2), track(800, 0, 0.004));
    expect(v).toMatchObject({ action: 'rollback' });
    expect(v.why).toMatch(/^canary p99 [\d.]+ ms > stable p99 [\d.]+ ms × 1\.5$/);
  });

  it('does not compare latency when stable answered nothing (percent 100), and says so', () => {
    const v = judge(track(200, 0, 0.2), emptyStats());
    expect(v).toMatchObject({ action: 'promote' });
    expect(v.why).toMatch(/p99 not compared/);
  });

  it('checks the error rate first', () => {
    expect(judge(track(100, 100, 0.2), track(800, 0)).why).toMatch(/^canary error rate 50\.00 %/);
  });
});

describe('specs', () => {
  it('refuses percent outside 0–100, naming it', () => {
    for (const percent of [-1, 100.5, 1000]) {
      const r = canarySpecSchema.safeParse({ version: 2, percent });
      expect(r.success).toBe(false);
      expect(r.error?.issues[0].path).toEqual(['percent']);
    }
    expect(canarySpecSchema.safeParse({ version: 2, percent: 0 }).success).toBe(true);
    expect(canarySpecSchema.safeParse({ revision: 3, percent: 100 }).success).toBe(true);
  });

  it('a shadow needs exactly one of version and revision; a revision names its own model', () => {
    expect(shadowSpecSchema.safeParse({ percent: 5 }).error?.issues[0].path).toEqual(['version']);
    expect(shadowSpecSchema.safeParse({ version: 1, revision: 1, percent: 5 }).error?.issues[0].path).toEqual(['version']);
    expect(shadowSpecSchema.safeParse({ model: 'm', revision: 1, percent: 5 }).error?.issues[0].path).toEqual(['model']);
    expect(shadowSpecSchema.parse({ model: 'm', version: '@prod', percent: 5 })).toMatchObject({ replicas: 1 });
  });
});
