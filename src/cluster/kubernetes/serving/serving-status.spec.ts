import type { V1Deployment, V1Pod, V1ReplicaSet } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import type { EndpointDeployment } from '../../serving-driver.js';
import { endpointDeployment, podTemplate } from './serving-objects.js';
import { observeEndpoints } from './serving-status.js';

const dep = (revision: number, version: number): EndpointDeployment => ({
  endpointId: 'e1',
  project: 'p',
  name: 'n',
  revision,
  replicas: 2,
  maxSurge: 0,
  progressDeadlineSeconds: 60,
  drainSeconds: 2,
  replicaToken: 'replica-token-e1',
  template: {
    model: { name: 'm', version, sha256: 'x', url: `http://r/v1/projects/p/models/m/versions/${version}` },
    resources: { cpuMilli: 100, memoryMiB: 128, gpuCount: 0 },
    runtime: { batching: true, maxBatchSize: 8, maxQueueDelayMicros: 0, env: {} },
  },
});

const hashOf = (d: EndpointDeployment) => podTemplate(d, 'img').hash;
function deploymentOf(d: EndpointDeployment, revisions: Record<string, number>, status: V1Deployment['status'], generation = 2): V1Deployment {
  const out = endpointDeployment(d, 'ns', 'img', revisions);
  out.metadata = { ...out.metadata, uid: 'd', generation };
  return { ...out, status };
}
const rs = (uid: string, d: EndpointDeployment): V1ReplicaSet => ({
  metadata: { uid, ownerReferences: [{ uid: 'd', kind: 'Deployment', name: 'x', apiVersion: 'apps/v1' }] },
  spec: { selector: {}, template: podTemplate(d, 'img').template },
});
const pod = (name: string, owner: string, ready: boolean, extra: Partial<V1Pod['status']> = {}): V1Pod => ({
  metadata: { name, uid: name, ownerReferences: [{ uid: owner, kind: 'ReplicaSet', name: owner, apiVersion: 'apps/v1' }] },
  status: { phase: 'Running', conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }], ...extra },
});

describe('observeEndpoints', () => {
  const [r1, r2] = [dep(1, 1), dep(2, 2)];
  const revisions = { [hashOf(r1)]: 1, [hashOf(r2)]: 2 };
  const sets = [rs('rs1', r1), rs('rs2', r2)];

  it('keeps the revision number out of the pod template', () => {
    expect(hashOf(dep(7, 1))).toBe(hashOf(r1));
    expect(hashOf(r2)).not.toBe(hashOf(r1));
  });

  it('maps ReplicaSets to revisions and is not Complete while the controller has not seen the spec', () => {
    const d = deploymentOf(r2, revisions, { observedGeneration: 1, replicas: 2, updatedReplicas: 2, availableReplicas: 2 });
    const pods = [pod('a', 'rs1', true), pod('b', 'rs1', true), pod('c', 'rs2', true)];
    const [o] = observeEndpoints({ deployments: [d], replicaSets: sets, pods }, 'ns', 3);
    expect(o).toMatchObject({ revision: 2, readyReplicas: 1, updatedReplicas: 1, availableReplicas: 3, readyByRevision: { 1: 2, 2: 1 }, rollout: 'Progressing' });
    expect(o.upstreams).toEqual(['http://ep-p-n.ns.svc:8080']);
  });

  it('reports a crash loop of the new revision with the pod and its last termination', () => {
    const d = deploymentOf(r2, revisions, { observedGeneration: 2, replicas: 3, updatedReplicas: 1, availableReplicas: 2 });
    const crash = pod('c', 'rs2', false, {
      containerStatuses: [
        { name: 'runtime', image: 'img', imageID: '', ready: false, restartCount: 1, state: { waiting: { reason: 'CrashLoopBackOff' } }, lastState: { terminated: { exitCode: 1, reason: 'Error', message: 'boom' } } },
      ],
    });
    const [o] = observeEndpoints({ deployments: [d], replicaSets: sets, pods: [pod('a', 'rs1', true), pod('b', 'rs1', true), crash] }, 'ns', 3);
    expect(o).toMatchObject({ rollout: 'Failed', reason: 'CrashLoop', restarts: 1, readyByRevision: { 1: 2 } });
    expect(o.message).toBe('replica c is crash-looping (1 restarts); last termination: Error: boom (exit code 1)');
  });

  it('counts a Deployment scaled to zero as Complete (the API server leaves zero counts out)', () => {
    const d = deploymentOf({ ...r2, replicas: 0 }, revisions, { observedGeneration: 2 });
    expect(observeEndpoints({ deployments: [d], replicaSets: sets, pods: [] }, 'ns', 3)[0]).toMatchObject({ replicas: 0, rollout: 'Complete', availableReplicas: 0, upstreams: [] });
  });

  it('fails at the progress deadline and keeps Unschedulable Progressing', () => {
    const pending = pod('c', 'rs2', false, { phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message: '0/3 nodes are available' }] });
    const base = { observedGeneration: 2, replicas: 3, updatedReplicas: 1, availableReplicas: 2 };
    const stuck = deploymentOf(r2, revisions, base);
    expect(observeEndpoints({ deployments: [stuck], replicaSets: sets, pods: [pending] }, 'ns', 3)[0]).toMatchObject({ rollout: 'Progressing', reason: 'Unschedulable' });
    const late = deploymentOf(r2, revisions, { ...base, conditions: [{ type: 'Progressing', status: 'False', reason: 'ProgressDeadlineExceeded', message: 'too slow' }] });
    expect(observeEndpoints({ deployments: [late], replicaSets: sets, pods: [pending] }, 'ns', 3)[0]).toMatchObject({ rollout: 'Failed', reason: 'ProgressDeadlineExceeded', message: 'too slow' });
  });
});
