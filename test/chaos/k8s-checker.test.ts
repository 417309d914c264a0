import type { V1Pod } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import type { JobRow } from './checker.js';
import { checkPods } from './k8s-checker.js';
import type { PodRecord } from './k8s-pod-ledger.js';

// The Kubernetes checker's rules, one case each (pure: no processes, no API server).
const record = (o: Partial<PodRecord> & { name: string; attempt: string }): PodRecord => ({ uid: `${o.name}-uid`, jobId: 'j1', nodes: new Set(['n1']), phases: [], ...o });
const pod = (name: string, job: string, attempt: number, phase = 'Succeeded'): V1Pod => ({
  metadata: { name, annotations: { 'beamline.dev/training-job-id': job }, labels: { 'beamline.dev/attempt': String(attempt) } },
  spec: { containers: [], nodeName: 'n1' },
  status: { phase },
});
const jobs = (...rows: Partial<JobRow>[]) => new Map(rows.map((r) => [r.id!, { key: `chaos-${r.id}`, reason: '', attempt: 0, status: 'Succeeded', ...r } as JobRow]));

describe('checkPods', () => {
  it('finds nothing when attempts ran one after the other and only the Succeeded attempt keeps its pod', () => {
    const ledger = [record({ name: 'a0', attempt: '0', runningAt: 1, endedAt: 5 }), record({ name: 'a1', attempt: '1', runningAt: 6, endedAt: 9, nodes: new Set(['n2']) })];
    expect(checkPods(ledger, [pod('a1', 'j1', 1)], jobs({ id: 'j1', attempt: 1 }))).toEqual([]);
  });

  it('names two attempts of one job running at once, an unended one included', () => {
    const ledger = [record({ name: 'a0', attempt: '0', runningAt: 1 }), record({ name: 'a1', attempt: '1', runningAt: 6, endedAt: 9 })];
    expect(checkPods(ledger, [], jobs({ id: 'j1', attempt: 1 }))).toEqual(['ran twice at once: job j1 had a0 (attempt 0) and a1 (attempt 1) running together']);
  });

  it('names one pod name bound as two pods, and one pod on two nodes', () => {
    const ledger = [record({ name: 'a0', attempt: '0', uid: 'u1' }), record({ name: 'a0', attempt: '0', uid: 'u2', nodes: new Set(['n1', 'n2']) })];
    const found = checkPods(ledger, [], jobs({ id: 'j1' }));
    expect(found).toContain('bound to two nodes: a0 (uid u2) on n1, n2');
    expect(found.some((a) => a.startsWith('bound twice: a0 was bound as 2 pods'))).toBe(true);
  });

  it('names pods left for cancelled jobs, older attempts, unfinished jobs and no job', () => {
    const found = checkPods([], [pod('c', 'jc', 0, 'Running'), pod('old', 'js', 0), pod('live', 'jr', 0, 'Running'), pod('stray', 'nobody', 0)], jobs({ id: 'jc', status: 'Cancelled' }, { id: 'js', attempt: 1 }, { id: 'jr', status: 'Running' }));
    expect(found).toEqual([
      'orphan pod: c (Running on n1) of Cancelled job jc (attempt 0)',
      'orphan pod: old (Succeeded on n1) of Succeeded job js (attempt 1)',
      'pod of an unfinished job: live (Running on n1), job jr is Running',
      'orphan pod: stray (Succeeded on n1) names no job of this run (nobody)',
    ]);
  });
});
