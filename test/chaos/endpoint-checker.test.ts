import { describe, expect, it } from 'vitest';
import { checkEndpoint, type EndpointRun, type StatusSample } from './endpoint-checker.js';

// The endpoint checker's rules, one case each (pure: no processes).
const sample = (at: number, ready: number): StatusSample => ({ at, phase: 'Complete', desiredRevision: 1, modelVersion: 1, ready, replicas: 2 });

function run(overrides: Partial<EndpointRun> = {}): EndpointRun {
  return {
    infer: { operations: 3, statuses: new Map([['200', 3]]), byVersion: { v1: 2, v2: 1 }, wrong: [], serverErrors: [] },
    samples: [sample(1000, 2), sample(2000, 3), sample(3000, 2)],
    windows: [],
    budget: 2,
    target: { version: 2, replicas: 2 },
    final: { phase: 'Complete', modelVersion: 2, desiredRevision: 2, goodRevision: 2, observed: { revision: 2, readyReplicas: 2, rollout: 'Complete' } },
    leftovers: [],
    ...overrides,
  };
}

describe('checkEndpoint', () => {
  it('finds nothing in a run that kept every promise', () => {
    expect(checkEndpoint(run())).toEqual([]);
  });

  it('counts a 500 as an anomaly, and a 503 not', () => {
    const serverErrors = [
      { at: 1, method: 'POST', path: '/infer', status: 503, body: 'database_unavailable' },
      { at: 2, method: 'POST', path: '/infer', status: 500, body: 'internal' },
    ];
    expect(checkEndpoint(run({ infer: { ...run().infer, serverErrors } }))).toEqual(['500 on POST /infer: internal']);
  });

  it('counts outputs of neither version', () => {
    const wrong = [{ at: 1, input: [3, 7], output: { outputs: [{ data: [9, 21] }] } }];
    expect(checkEndpoint(run({ infer: { ...run().infer, wrong } }))).toHaveLength(1);
  });

  it('requires Complete on the target version, that revision good and every replica ready', () => {
    const base = run().final!;
    for (const final of [
      undefined,
      { ...base, phase: 'Progressing' },
      { ...base, modelVersion: 1 },
      { ...base, goodRevision: 1 },
      { ...base, observed: { ...base.observed, revision: 1 } },
      { ...base, observed: { ...base.observed, readyReplicas: 1 } },
      { ...base, observed: { ...base.observed, rollout: 'Progressing' } },
    ]) {
      expect(checkEndpoint(run({ final })), JSON.stringify(final)).toEqual([expect.stringMatching(/^not converged/)]);
    }
  });

  it('counts a sample below the budget, unless a dependency restart window holds it', () => {
    const samples = [sample(1000, 2), sample(5000, 1), sample(9000, 0)];
    expect(checkEndpoint(run({ samples }))).toHaveLength(2);
    expect(checkEndpoint(run({ samples, windows: [{ kind: 'restart-postgres', from: 4000, to: 6000 }] }))).toEqual([expect.stringMatching(/^below the rollout budget: 0 of 2/)]);
  });

  it('counts every replica process left after the delete', () => {
    expect(checkEndpoint(run({ leftovers: [{ pid: 42, command: 'node beamline.js runtime --cache-dir /tmp/h/model-cache' }] }))).toEqual([
      'orphan replica process after the delete: pid 42 node beamline.js runtime --cache-dir /tmp/h/model-cache',
    ]);
  });
});
