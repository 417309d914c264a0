import { describe, expect, it } from 'vitest';
import { localGpus } from './gpu-inventory.js';

describe('localGpus', () => {
  it('parses nvidia-smi csv into devices with GFD-style product names', () => {
    const csv = '0, NVIDIA H100 80GB HBM3, 81559\n1, NVIDIA H100 80GB HBM3, 81559\n';
    expect(localGpus(() => csv)).toEqual([
      { index: 0, product: 'NVIDIA-H100-80GB-HBM3', memoryMiB: 81559 },
      { index: 1, product: 'NVIDIA-H100-80GB-HBM3', memoryMiB: 81559 },
    ]);
  });

  it('reports no GPUs when nvidia-smi is missing or fails', () => {
    expect(localGpus(() => undefined)).toEqual([]);
    expect(localGpus(() => 'No devices were found\n')).toEqual([]);
  });
});
