import { describe, expect, it } from 'vitest';
import { defaultStepSeconds } from './allocation.dto.js';
import { foldAllocation, runningHoldings, stepsOf } from './allocation.js';

const at = (m: number) => new Date(Date.UTC(2026, 0, 1, 10, m));

describe('stepsOf', () => {
  it('cuts the last step at the end', () => {
    const s = stepsOf(at(0), at(25), 600);
    expect(s.starts).toEqual([at(0), at(10), at(20)]);
    expect(s.seconds).toEqual([600, 600, 300]);
  });
  it('has no step when the end is not after the start', () => {
    expect(stepsOf(at(5), at(5), 60).starts).toEqual([]);
  });
});

describe('defaultStepSeconds', () => {
  it.each([
    [3_600_000, 60],
    [86_400_000, 600],
    [7 * 86_400_000, 3600],
    [400 * 86_400_000, 69_120],
  ])('%d ms -> %d s', (span, step) => expect(defaultStepSeconds(span)).toBe(step));
});

describe('runningHoldings', () => {
  it('sums whole devices and shares per flavor, falls back to the requested product, skips CPU-only and unbound attempts', () => {
    const now = at(30);
    const held = runningHoldings(
      [
        { projectId: 'p', scheduledAt: at(0), resources: { gpu: { products: ['T4'] } }, placement: [{ node: 'a', gpuIndexes: [0, 1] }, { node: 'b', gpuIndexes: [0], gpuMilli: 500, product: 'A100' }] },
        { projectId: 'p', scheduledAt: at(0), resources: {}, placement: [{ node: 'a' }] },
        { projectId: 'p', scheduledAt: null, resources: {}, placement: [{ node: 'a', gpuIndexes: [0] }] },
      ],
      now,
    );
    expect(held).toEqual([
      { projectId: 'p', flavor: 'T4', startedAt: at(0), endedAt: now, units: 2 },
      { projectId: 'p', flavor: 'A100', startedAt: at(0), endedAt: now, units: 0.5 },
    ]);
  });
});

describe('foldAllocation', () => {
  const steps = stepsOf(at(0), at(15), 600);
  const rows = [
    { i: 0, flavor: 'A100', projectId: 'mine', gpuSeconds: 1200 },
    { i: 1, flavor: 'A100', projectId: 'theirs', gpuSeconds: 150 },
    { i: 1, flavor: 'A100', projectId: 'also-theirs', gpuSeconds: 150 },
    { i: 0, flavor: 'A100:mig-1g.10gb', projectId: 'mine', gpuSeconds: 600 },
  ];
  const view = foldAllocation(rows, steps, (id) => (id === 'mine' ? 'lab' : undefined));

  it('divides by the counted seconds of each step and leaves MIG slices out of the total', () => {
    expect(view.total).toEqual([2, 1]);
  });
  it('sums the projects the caller cannot read under null', () => {
    expect(view.series).toEqual([
      { flavor: 'A100', project: 'lab', values: [2, 0] },
      { flavor: 'A100', project: null, values: [0, 1] },
      { flavor: 'A100:mig-1g.10gb', project: 'lab', values: [1, 0] },
    ]);
  });
});
