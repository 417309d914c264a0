import { TargetWorkload } from '../fragmentation.js';
import { bestFit, dotProduct, firstFit, gpuPacking, random } from './basic.js';
import { FgdPolicy } from './fgd.js';
import { Policy } from './policy.js';

export type { Policy } from './policy.js';

export const POLICY_NAMES = ['first-fit', 'best-fit', 'gpu-packing', 'dot-product', 'random', 'fgd', 'fgd-plus'] as const;
export type PolicyName = (typeof POLICY_NAMES)[number];
/** Chosen by measurement on the Alibaba replay (docs/benchmarks.md). */
export const DEFAULT_POLICY: PolicyName = 'fgd-plus';

/** A policy by name. Fragmentation-aware ones need the target workload (request shapes seen so far). */
export function createPolicy(name: string, workload: TargetWorkload): Policy {
  switch (name) {
    case 'first-fit':
      return firstFit;
    case 'best-fit':
      return bestFit;
    case 'gpu-packing':
      return gpuPacking;
    case 'dot-product':
      return dotProduct;
    case 'random':
      return random;
    case 'fgd':
      return new FgdPolicy(workload);
    case 'fgd-plus':
      return new FgdPolicy(workload, 'fgd-plus', { memoryAware: true, steerCpuOnly: true });
    case 'default':
      return createPolicy(DEFAULT_POLICY, workload);
    default:
      throw new Error(`unknown policy ${name}; known: ${POLICY_NAMES.join(', ')}, default`);
  }
}
