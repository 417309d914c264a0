import { describe, expect, it } from 'vitest';
import { queueUsage, type AdmittedJob } from './queue-usage.js';

const H100 = 'NVIDIA-H100-80GB-HBM3';
const job = (workers: number, placement: AdmittedJob['placement'], gpu?: AdmittedJob['resources']['gpu']): AdmittedJob => ({ resources: { cpuMilli: 2000, memoryMiB: 1024, ...(gpu ? { gpu } : {}) }, workers, placement });

describe('queueUsage', () => {
  it('adds up placed GPUs per product, shares, MIG slices, CPU and memory, and shows borrowing beyond nominal', () => {
    const jobs = [
      job(2, [{ gpuIndexes: [0, 1], product: H100 }, { gpuIndexes: [2, 3], product: H100 }]),
      job(1, [{ gpuIndexes: [4], gpuMilli: 500, product: H100 }]),
      job(1, [{ gpuIndexes: [0], migProfile: '1g.10gb', product: 'A100' }]),
    ];
    const lines = queueUsage(
      [
        { resource: 'gpu', flavor: H100, nominal: 4000 },
        { resource: 'mig', flavor: 'A100', profile: '1g.10gb', nominal: 7000 },
        { resource: 'cpu', nominal: 64_000 },
      ],
      jobs,
    );
    expect(lines).toEqual([
      { resource: 'nvidia.com/gpu', flavor: H100, used: 4.5, nominal: 4, borrowed: 0.5 },
      { resource: 'nvidia.com/mig-1g.10gb', flavor: 'A100', used: 1, nominal: 7, borrowed: 0 },
      { resource: 'cpu', used: 8, nominal: 64, borrowed: 0 },
      { resource: 'memory', used: '4096Mi', nominal: null, borrowed: '0Mi' },
    ]);
  });

  it('shows a line with nothing used, and takes the one requested product for placements without one', () => {
    const lines = queueUsage([{ resource: 'gpu', flavor: H100, nominal: 8000 }, { resource: 'gpu', flavor: 'A100', nominal: 1000 }], [job(1, [{ gpuIndexes: [0] }], { products: ['A100'] })]);
    expect(lines.slice(0, 2)).toEqual([
      { resource: 'nvidia.com/gpu', flavor: H100, used: 0, nominal: 8, borrowed: 0 },
      { resource: 'nvidia.com/gpu', flavor: 'A100', used: 1, nominal: 1, borrowed: 0 },
    ]);
  });
});
