import { describe, expect, it } from 'vitest';
import { toQueueSpec } from './queue-specs.js';

const preemption = { withinClusterQueue: 'LowerPriority' as const, reclaimWithinCohort: 'Any' as const, minRuntimeSeconds: 60 };

describe('toQueueSpec', () => {
  it('gives the engine GPU lines per product and MIG lines per product and profile, in stored units', () => {
    const spec = toQueueSpec({
      name: 'vision',
      cohort: 'lab',
      strategy: 'BestEffortFIFO',
      weight: 2,
      preemption,
      quota: [
        { resource: 'gpu', flavor: 'A100', nominal: 4000, borrowingLimit: 2000 },
        { resource: 'mig', flavor: 'A100', profile: '1g.10gb', nominal: 7000, lendingLimit: 3000 },
        { resource: 'cpu', nominal: 64_000 },
      ],
    });
    expect(spec).toMatchObject({
      name: 'vision',
      cohort: 'lab',
      weight: 2,
      gpu: [{ product: 'A100', nominal: 4000, borrowingLimit: 2000 }],
      mig: [{ product: 'A100', profile: '1g.10gb', nominal: 7000, lendingLimit: 3000 }],
      cpu: { nominal: 64_000 },
      minRuntimeMs: 60_000,
    });
  });

  it('leaves mig out when the queue lists no MIG line', () => {
    const spec = toQueueSpec({ name: 'q', cohort: null, strategy: 'StrictFIFO', weight: 1, preemption, quota: [{ resource: 'gpu', flavor: 'A100', nominal: 1000 }] });
    expect(spec.mig).toBeUndefined();
    expect(spec.cohort).toBeUndefined();
  });
});
