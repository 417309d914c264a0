import type { V1ContainerStatus, V1Pod, V1PodStatus } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import type { WorkerStatus } from '../cluster-driver.js';
import { ANNOTATION, LABEL } from './k8s-names.js';
import { workerStatusOf, workloadsOf } from './k8s-workload-status.js';

/** A Beamline worker pod on node n1; override its status and metadata. */
function pod(status: V1PodStatus, extra: { worker?: number; deleting?: boolean; attempt?: number } = {}): V1Pod {
  return {
    metadata: {
      name: `bl-j-a0-w${extra.worker ?? 0}`,
      labels: { [LABEL.worker]: String(extra.worker ?? 0), [LABEL.attempt]: String(extra.attempt ?? 0) },
      annotations: { [ANNOTATION.jobId]: 'job-1' },
      ...(extra.deleting ? { deletionTimestamp: new Date(0) } : {}),
    },
    spec: { nodeName: 'n1', containers: [{ name: 'worker', image: 'x' }] },
    status,
  };
}

const container = (c: Partial<V1ContainerStatus>): V1ContainerStatus => ({ name: 'worker', image: 'x', imageID: '', ready: false, restartCount: 0, ...c });

describe('workerStatusOf', () => {
  it.each<[string, V1Pod, Partial<WorkerStatus>]>([
    ['a running worker', pod({ phase: 'Running', containerStatuses: [container({ ready: true, state: { running: {} } })] }), { phase: 'Running', restarts: 0 }],
    [
      'an image that never pulls: the waiting reason and message',
      pod({ phase: 'Pending', containerStatuses: [container({ state: { waiting: { reason: 'ImagePullBackOff', message: 'Back-off pulling image "x"' } } })] }),
      { phase: 'Pending', message: 'ImagePullBackOff: Back-off pulling image "x"' },
    ],
    [
      'a node that refuses the pod',
      pod({ phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message: '0/1 nodes are available' }] }),
      { phase: 'Pending', message: 'Unschedulable: 0/1 nodes are available' },
    ],
    ['a lost node: phase Unknown', pod({ phase: 'Unknown', reason: 'NodeLost', message: 'Node n1 which was running pod is unresponsive' }), { phase: 'Unknown', message: 'NodeLost: Node n1 which was running pod is unresponsive' }],
    ['an eviction: the pod reason first', pod({ phase: 'Failed', reason: 'Evicted', message: 'The node was low on memory.' }), { phase: 'Failed', message: 'Evicted: The node was low on memory.' }],
    [
      'a failed container with its exit code',
      pod({ phase: 'Failed', containerStatuses: [container({ state: { terminated: { exitCode: 3, reason: 'Error', message: 'boom' } } })] }),
      { phase: 'Failed', exitCode: 3, message: 'Error: boom' },
    ],
    [
      'restarts summed over the containers',
      pod({ phase: 'Running', containerStatuses: [container({ restartCount: 2 }), container({ name: 'sidecar', restartCount: 1 })] }),
      { restarts: 3 },
    ],
    ['a pod being deleted', pod({ phase: 'Running' }, { deleting: true }), { phase: 'Running', terminating: true }],
    // Issue 19: the container's end is the outcome, also while the pod's phase still lags behind.
    [
      'a worker that exited 0 in a pod still Running (phase not updated yet, or a sidecar)',
      pod({ phase: 'Running', containerStatuses: [container({ state: { terminated: { exitCode: 0, reason: 'Completed' } } }), container({ name: 'sidecar', state: { running: {} } })] }),
      { phase: 'Succeeded', exitCode: 0 },
    ],
    [
      'a worker that exited 3 in a pod still Running',
      pod({ phase: 'Running', containerStatuses: [container({ state: { terminated: { exitCode: 3, reason: 'Error' } } })] }),
      { phase: 'Failed', exitCode: 3, message: 'Error' },
    ],
    [
      'an earlier run of the container (lastState) does not end a running worker',
      pod({ phase: 'Running', containerStatuses: [container({ restartCount: 1, state: { running: {} }, lastState: { terminated: { exitCode: 1 } } })] }),
      { phase: 'Running' },
    ],
    ['a pod without a phase yet counts as Pending, not Unknown', pod({}), { phase: 'Pending' }],
  ])('%s', (_name, input, expected) => {
    expect(workerStatusOf(input)).toMatchObject(expected);
  });

  it('does not mark a live pod as terminating', () => {
    expect(workerStatusOf(pod({ phase: 'Running' })).terminating).toBeUndefined();
  });
});

describe('workloadsOf', () => {
  it('groups pods by job and attempt, workers in rank order', () => {
    const out = workloadsOf([pod({ phase: 'Running' }, { worker: 1 }), pod({ phase: 'Pending' }, { worker: 0 }), pod({ phase: 'Running' }, { attempt: 1 })]);
    expect(out.map((w) => [w.attempt, w.workers.map((x) => x.index)])).toEqual([
      [0, [0, 1]],
      [1, [0]],
    ]);
  });
});
