import { describe, expect, it } from 'vitest';
import type { WorkerStatus } from '../../cluster/cluster-driver.js';
import { decideWorkload, type Verdict, type VerdictInput } from './workload-verdict.js';

const T0 = new Date('2026-12-10T09:00:00Z');
const later = (s: number) => new Date(T0.getTime() + s * 1000);
const w = (index: number, phase: WorkerStatus['phase'], extra: Partial<WorkerStatus> = {}): WorkerStatus => ({ index, node: `n${index}`, phase, restarts: 0, ...extra });

/** A 2-worker gang on n0 and n1, Scheduled at T0, start deadline 60 s; override per case. */
function input(over: Partial<VerdictInput> & { pods?: WorkerStatus[] }): VerdictInput {
  const { pods, ...rest } = over;
  return {
    status: 'Scheduled',
    workers: 2,
    placement: [{ node: 'n0', gpuIndexes: [0] }, { node: 'n1', gpuIndexes: [0] }],
    scheduledAt: T0,
    startedAt: null,
    timeoutSeconds: null,
    startTimeoutSeconds: 60,
    workload: pods ? { jobId: 'j', attempt: 0, workers: pods } : undefined,
    nodes: new Set(['n0', 'n1', 'n2']),
    now: later(1),
    ...rest,
  };
}

const pulling = { message: 'ImagePullBackOff: Back-off pulling image "x"' };

describe('decideWorkload', () => {
  it.each<[string, VerdictInput, Partial<Verdict>]>([
    ['Scheduled, nothing created yet: create', input({}), { do: 'create' }],
    ['Scheduled, one worker created: create the rest', input({ pods: [w(0, 'Pending')] }), { do: 'create' }],
    ['Scheduled, a worker created but never bound (bind throttled): create, which binds it', input({ pods: [w(0, 'Running'), w(1, 'Pending', { node: '' })] }), { do: 'create' }],
    ['Scheduled, pods pending within the deadline: wait', input({ pods: [w(0, 'Pending', pulling), w(1, 'Running')] }), { do: 'wait' }],
    ['Scheduled, one of two running: not started yet (all or nothing)', input({ pods: [w(0, 'Running'), w(1, 'Pending')] }), { do: 'wait' }],
    ['Scheduled, all running: start', input({ pods: [w(0, 'Running'), w(1, 'Running')] }), { do: 'progress', start: true, succeed: false }],
    ['Scheduled, all done at once: start and succeed', input({ pods: [w(0, 'Succeeded'), w(1, 'Succeeded')] }), { do: 'progress', start: true, succeed: true }],
    [
      'Scheduled past the start deadline: fail with the pod reason',
      input({ pods: [w(0, 'Pending', pulling), w(1, 'Running')], now: later(61) }),
      { do: 'fail', cause: 'StartTimeout', message: 'workers not all Running 60 s after scheduling: worker 0 Pending: ImagePullBackOff: Back-off pulling image "x"' },
    ],
    ['Scheduled past the deadline with no pod at all', input({ now: later(61) }), { do: 'fail', cause: 'StartTimeout' }],
    ['the deadline counts from scheduling, not creation', input({ pods: [w(0, 'Pending')], scheduledAt: later(100), now: later(130) }), { do: 'create' }],
    ['Running, one worker deleted: the gang fails', input({ status: 'Running', startedAt: T0, pods: [w(0, 'Running')] }), { do: 'fail', cause: 'WorkersLost' }],
    ['Running, one worker terminating: the gang fails', input({ status: 'Running', startedAt: T0, pods: [w(0, 'Running'), w(1, 'Running', { terminating: true })] }), { do: 'fail', cause: 'WorkersLost' }],
    ['Running, every worker gone', input({ status: 'Running', startedAt: T0 }), { do: 'fail', cause: 'WorkersLost' }],
    ['a failed worker fails the attempt', input({ status: 'Running', startedAt: T0, pods: [w(0, 'Running'), w(1, 'Failed', { exitCode: 2 })] }), { do: 'fail', message: 'worker 1 failed with exit code 2' }],
    [
      'a worker Unknown: requeue away from its node',
      input({ status: 'Running', startedAt: T0, pods: [w(0, 'Running'), w(1, 'Unknown')] }),
      { do: 'requeue', cause: 'NodeLost', lostNodes: ['n1'] },
    ],
    ['a node of the placement deleted (Running)', input({ status: 'Running', startedAt: T0, pods: [w(0, 'Running'), w(1, 'Running')], nodes: new Set(['n0']) }), { do: 'requeue', lostNodes: ['n1'] }],
    ['a node deleted before the workload exists: not re-created there', input({ nodes: new Set(['n1']) }), { do: 'requeue', lostNodes: ['n0'] }],
    ['Running past its timeout', input({ status: 'Running', startedAt: T0, timeoutSeconds: 10, now: later(11), pods: [w(0, 'Running'), w(1, 'Running')] }), { do: 'fail', message: 'timed out after 10 s' }],
    ['Running, all exited 0: succeed', input({ status: 'Running', startedAt: T0, pods: [w(0, 'Succeeded'), w(1, 'Succeeded')] }), { do: 'progress', start: false, succeed: true }],
    ['Running, still running: wait', input({ status: 'Running', startedAt: T0, pods: [w(0, 'Running'), w(1, 'Succeeded')] }), { do: 'wait' }],
  ])('%s', (_name, given, expected) => {
    expect(decideWorkload(given)).toMatchObject(expected);
  });
});
