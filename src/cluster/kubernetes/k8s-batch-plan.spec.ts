import { describe, expect, it } from 'vitest';
import { workloadSpec } from '../testing/workload-spec.js';
import { planBatch } from './k8s-batch-plan.js';
import { checkpointClaimName } from './k8s-checkpoint-volume.js';
import { podName, serviceName } from './k8s-names.js';

const NS = 'jobs';
const single = workloadSpec({ jobId: 'single', workers: [{ node: 'n1', gpuIndexes: [0] }] });
const gang = workloadSpec({ jobId: 'gang', workers: [{ node: 'n2', gpuIndexes: [] }, { node: 'n3', gpuIndexes: [] }], secretEnv: { BEAMLINE_TOKEN: 't' } });
const withClaim = workloadSpec({ jobId: 'ckpt', workers: [{ node: 'n1', gpuIndexes: [1] }], checkpoint: { keep: 2, size: '1Gi', storageClass: 'standard' } });

/** One line per planned call, for tables: `step key what`. */
function calls(specs: Parameters<typeof planBatch>[0]) {
  const plan = planBatch(specs, NS);
  return [
    ...plan.claims.flatMap((c) => c.claims.map((claim) => `claim ${c.key} ${claim.metadata!.name}`)),
    ...plan.creates.map((c) => (c.kind === 'service' ? `service ${c.key} ${c.service.metadata!.name}` : `pod ${c.key} ${c.pod.metadata!.name}${c.secretFor ? ' +secret' : ''}`)),
    ...plan.binds.map((b) => `bind ${b.key} ${b.pod} ${b.node}`),
    ...plan.refused.map((r) => `refused ${r.key} ${r.error.message}`),
  ];
}

describe('planBatch', () => {
  it('makes the claims, then every object of the cycle, then every binding, in the order of the decisions', () => {
    expect(calls([single, gang, withClaim])).toEqual([
      `claim 2 ${checkpointClaimName('ckpt')}`,
      `pod 0 ${podName('single', 1, 0)}`,
      `service 1 ${serviceName('gang', 1)}`,
      `pod 1 ${podName('gang', 1, 0)} +secret`,
      `pod 1 ${podName('gang', 1, 1)}`,
      `pod 2 ${podName('ckpt', 1, 0)}`,
      `bind 0 ${podName('single', 1, 0)} n1`,
      `bind 1 ${podName('gang', 1, 0)} n2`,
      `bind 1 ${podName('gang', 1, 1)} n3`,
      `bind 2 ${podName('ckpt', 1, 0)} n1`,
    ]);
  });

  it('binds each worker to the node the scheduler chose, and the pods carry Beamline\'s scheduler name so nothing else binds them', () => {
    const plan = planBatch([gang], NS);
    expect(plan.binds.map((b) => b.node)).toEqual(gang.workers.map((w) => w.node));
    for (const c of plan.creates) if (c.kind === 'pod') expect(c.pod.spec!.schedulerName).toBe('beamline-gpu-scheduler');
  });

  it('gives worker 0 the Secret it owns, with the owner it is handed', () => {
    const owner = planBatch([gang], NS).creates.find((c) => c.kind === 'pod' && c.secretFor);
    const secret = owner?.kind === 'pod' ? owner.secretFor!({ name: 'p0', uid: 'u-1' }) : undefined;
    expect(secret?.metadata?.ownerReferences).toEqual([{ apiVersion: 'v1', kind: 'Pod', name: 'p0', uid: 'u-1' }]);
    expect(secret?.stringData).toEqual({ BEAMLINE_TOKEN: 't' });
  });

  it.each([
    ['a workload without workers', [workloadSpec({ jobId: 'empty', workers: [] })], ['refused 0 workload empty/1 has no workers']],
    ['a second spec of one attempt', [single, single], [`pod 0 ${podName('single', 1, 0)}`, `bind 0 ${podName('single', 1, 0)} n1`, 'refused 1 workload single/1 appears twice in one batch']],
  ])('refuses %s without planning a call for it', (_what, specs, expected) => {
    expect(calls(specs)).toEqual(expected);
  });
});
