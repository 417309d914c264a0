import { describe, expect, it } from 'vitest';
import type { StoredDeployment } from './endpoint-files.js';
import { crashLooping, observationOf, planRollout, restartDelay, rolloutDone, type Replica, type ReplicaPhase } from './rollout.js';

const d = (replicas = 2, maxSurge = 1): StoredDeployment =>
  ({ endpointId: 'e', project: 'p', name: 'n', revision: 2, replicas, maxSurge, progressDeadlineSeconds: 60, drainSeconds: 1 }) as StoredDeployment;

let next = 0;
function replica(hash: string, phase: ReplicaPhase, revision = hash === 'new' ? 2 : 1): Replica {
  const id = `r${next++}`;
  return { id, revision, templateHash: hash, phase, port: 1000 + next, pid: 1, logFile: '', restarts: 0, neverReadyExits: 0, exitTimes: [], probeFailures: 0, readyOnce: false } as unknown as Replica;
}

describe('planRollout (maxUnavailable 0)', () => {
  it('creates every replica at once when nothing runs yet', () => {
    expect(planRollout(d(3), 'new', [], true)).toEqual({ start: 3, stop: [] });
  });

  it('surges first and stops an old replica only once a new one is ready', () => {
    const old = [replica('old', 'Ready'), replica('old', 'Ready')];
    expect(planRollout(d(), 'new', old, true)).toEqual({ start: 1, stop: [] });
    const starting = [...old, replica('new', 'Starting')];
    expect(planRollout(d(), 'new', starting, true)).toEqual({ start: 0, stop: [] });
    const ready = [...old, replica('new', 'Ready')];
    expect(planRollout(d(), 'new', ready, true)).toEqual({ start: 1, stop: [old[0]] });
  });

  it('drains one old replica at a time', () => {
    const draining = replica('old', 'Stopping');
    const rest = replica('old', 'Ready');
    const plan = planRollout(d(), 'new', [draining, rest, replica('new', 'Ready'), replica('new', 'Ready')], true);
    expect(plan.stop).toEqual([]);
  });

  it('stops old replicas that serve nothing at once, and starts nothing while crash-looping', () => {
    const broken = replica('old', 'Backoff');
    const plan = planRollout(d(), 'new', [broken, replica('old', 'Ready'), replica('new', 'CrashLoop')], false);
    expect(plan).toEqual({ start: 0, stop: [broken] });
  });

  it('scales down the replicas that are not ready first', () => {
    const starting = replica('new', 'Starting');
    const plan = planRollout(d(1), 'new', [replica('new', 'Ready'), starting], true);
    expect(plan).toEqual({ start: 0, stop: [starting] });
  });

  it('treats maxSurge 0 as 1 so a rollout can move', () => {
    expect(planRollout(d(2, 0), 'new', [replica('old', 'Ready'), replica('old', 'Ready')], true).start).toBe(1);
  });
});

describe('rollout state', () => {
  it('is done only when exactly the desired replicas run the target and are ready', () => {
    expect(rolloutDone(d(), 'new', [replica('new', 'Ready'), replica('new', 'Ready')])).toBe(true);
    expect(rolloutDone(d(), 'new', [replica('new', 'Ready'), replica('new', 'Ready'), replica('old', 'Stopping')])).toBe(false);
    expect(rolloutDone(d(), 'new', [replica('new', 'Ready'), replica('new', 'Starting')])).toBe(false);
  });

  it('backs off exponentially up to 30 s and calls a crash loop', () => {
    const r = replica('new', 'Backoff');
    r.exitTimes = [1000, 2000, 3000];
    expect(restartDelay(1000, r, 4000)).toBe(4000);
    r.exitTimes = Array.from({ length: 10 }, (_, i) => i);
    expect(restartDelay(1000, r, 10)).toBe(30_000);
    expect(crashLooping(r, 10, 3)).toBe(true);
    expect(crashLooping({ ...r, exitTimes: [1], neverReadyExits: 2 }, 10, 3)).toBe(false);
    expect(crashLooping({ ...r, exitTimes: [1], neverReadyExits: 3 }, 10, 3)).toBe(true);
  });

  it('observes upstreams of ready replicas of any revision, not of draining ones', () => {
    const replicas = [replica('old', 'Ready'), replica('new', 'Ready'), replica('new', 'Starting'), replica('old', 'Stopping')];
    const o = observationOf({ deployment: d(), progressStartedAt: 0, complete: false }, 'new', replicas);
    expect(o).toMatchObject({ revision: 2, readyReplicas: 1, updatedReplicas: 2, availableReplicas: 2, rollout: 'Progressing', reason: 'ReplicaStarting', readyByRevision: { 1: 1, 2: 1 } });
    expect(o.upstreams).toEqual([`http://127.0.0.1:${replicas[0].port}`, `http://127.0.0.1:${replicas[1].port}`]);
  });
});
