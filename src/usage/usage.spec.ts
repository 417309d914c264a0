import { describe, expect, it } from 'vitest';
import { attemptUsage, overlapSeconds, workerFlavor } from './usage.js';

const t0 = new Date('2026-12-01T00:00:00Z');
const at = (s: number) => new Date(t0.getTime() + s * 1000);
const H100 = 'NVIDIA-H100-80GB-HBM3';

describe('workerFlavor', () => {
  it.each([
    [{ node: 'n', gpuIndexes: [0, 1], product: H100 }, { flavor: H100, units: 2 }],
    [{ node: 'n', gpuIndexes: [0], gpuMilli: 250, product: H100 }, { flavor: H100, units: 0.25 }],
    [{ node: 'n', gpuIndexes: [3], migProfile: '1g.10gb', product: H100 }, { flavor: `${H100}:mig-1g.10gb`, units: 1 }],
    [{ node: 'n', gpuIndexes: [] }, { flavor: '', units: 0 }],
    [{ node: 'n' }, { flavor: '', units: 0 }],
  ])('%o uses %o', (worker, expected) => {
    expect(workerFlavor(worker)).toEqual(expected);
  });

  it('falls back to the one requested product, else "unknown", for placements recorded before products were', () => {
    expect(workerFlavor({ node: 'n', gpuIndexes: [0] }, [H100])).toEqual({ flavor: H100, units: 1 });
    expect(workerFlavor({ node: 'n', gpuIndexes: [0] }, [H100, 'A100'])).toEqual({ flavor: 'unknown', units: 1 });
  });
});

describe('attemptUsage', () => {
  it('multiplies devices and CPUs by the time the attempt held them, per flavor', () => {
    const rows = attemptUsage({
      cpuMilli: 2000,
      workers: 2,
      placement: [
        { node: 'a', gpuIndexes: [0, 1, 2, 3], product: H100 },
        { node: 'b', gpuIndexes: [0, 1, 2, 3], product: H100 },
      ],
      since: t0,
      until: at(3600),
    });
    expect(rows).toEqual([{ flavor: H100, gpuSeconds: 8 * 3600, cpuSeconds: 2 * 2 * 3600 }]);
  });

  it('keeps a CPU-only job as one row with flavor "" and counts every worker', () => {
    expect(attemptUsage({ cpuMilli: 500, workers: 3, placement: [], since: t0, until: at(10) })).toEqual([{ flavor: '', gpuSeconds: 0, cpuSeconds: 15 }]);
  });

  it('splits workers on different flavors', () => {
    const rows = attemptUsage({
      cpuMilli: 1000,
      workers: 2,
      placement: [
        { node: 'a', gpuIndexes: [0], gpuMilli: 500, product: 'A' },
        { node: 'b', gpuIndexes: [1], migProfile: '3g.40gb', product: 'B' },
      ],
      since: t0,
      until: at(100),
    });
    expect(rows).toEqual([
      { flavor: 'A', gpuSeconds: 50, cpuSeconds: 100 },
      { flavor: 'B:mig-3g.40gb', gpuSeconds: 100, cpuSeconds: 100 },
    ]);
  });

  it('uses nothing over an empty or reversed interval', () => {
    expect(attemptUsage({ cpuMilli: 1000, workers: 1, placement: [{ node: 'a', gpuIndexes: [0] }], since: at(5), until: at(5) })).toEqual([]);
    expect(attemptUsage({ cpuMilli: 1000, workers: 1, placement: [{ node: 'a', gpuIndexes: [0] }], since: at(5), until: at(1) })).toEqual([]);
  });
});

describe('overlapSeconds', () => {
  it.each([
    [0, 100, 50, 200, 50],
    [0, 100, -10, 20, 20],
    [0, 100, 100, 200, 0],
    [10, 20, 0, 100, 10],
    [0, 100, 200, 300, 0],
  ])('[%d,%d) ∩ [%d,%d) = %d s', (s, e, f, t, expected) => {
    expect(overlapSeconds(at(s), at(e), at(f), at(t))).toBe(expected);
  });
});
