import type { WorkloadSpec } from '../cluster-driver.js';

/**
 * A training workload for tests: one CPU-only worker on node `a`; override what the test is
 * about (STYLE: factories with overridable defaults).
 */
export const workloadSpec = (over: Partial<WorkloadSpec> = {}): WorkloadSpec => ({
  jobId: 'j1',
  attempt: 1,
  project: 'vision',
  name: 'n',
  image: 'python:3.12-slim',
  command: ['python', 'train.py'],
  args: [],
  env: {},
  cpuMilli: 1000,
  memoryMiB: 1024,
  gpuCount: 0,
  workers: [{ node: 'a', gpuIndexes: [] }],
  ...over,
});
