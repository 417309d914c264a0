import { describe, expect, it } from 'vitest';
import { ClusterSnapshot, Job, RunningJob } from './model.js';
import { ClusterQueueSpec } from './quota.js';
import { schedule, ScheduleInput } from './schedule.js';
import { aJob, aNode, aQueue, runningJob } from './testing/builders.js';

const MIN = 60_000;
const nodes = [aNode('a1').gpus(4, 'A100').build(), aNode('a2').gpus(4, 'A100').build()];
const cohortQueues: ClusterQueueSpec[] = [
  aQueue('team-a', [{ product: 'A100', nominal: 4000 }], { cohort: 'lab', reclaimWithinCohort: 'Any' }),
  aQueue('team-b', [{ product: 'A100', nominal: 4000 }], { cohort: 'lab' }),
];

function run(pending: Job[], opts: Partial<ScheduleInput> & { running?: RunningJob[]; queues?: ClusterQueueSpec[] } = {}) {
  const snapshot: ClusterSnapshot = { nodes: opts.snapshot?.nodes ?? nodes, running: opts.running ?? [] };
  return schedule({
    snapshot,
    pending,
    queues: opts.queues ?? cohortQueues,
    now: opts.now ?? 100 * MIN,
    seed: 1,
    minRuntimeMs: opts.minRuntimeMs ?? 10 * MIN,
    starvationMs: opts.starvationMs,
    policy: opts.policy,
    preempting: opts.preempting,
  });
}

/** team-b borrowed all of team-a's idle quota: 8 GPUs on both nodes. */
const borrowedByB = (startedAt: number): RunningJob[] => [
  runningJob(aJob('b1').whole(4).queue('team-b').project('pb').build(), [{ node: 'a1', gpuIndexes: [0, 1, 2, 3] }], { startedAt, flavor: 'A100' }),
  runningJob(aJob('b2').whole(4).queue('team-b').project('pb').build(), [{ node: 'a2', gpuIndexes: [0, 1, 2, 3] }], { startedAt: startedAt + 1, borrowing: true, flavor: 'A100' }),
];

describe('schedule: quotas and cohorts', () => {
  it('admits within nominal quota on the queue flavor', () => {
    const r = run([aJob('j').whole(2).build()]);
    expect(r.decisions).toEqual([{ jobId: 'j', workers: [{ node: 'a1', gpuIndexes: [0, 1] }], flavor: 'A100', borrowing: false }]);
  });

  it('borrows idle quota from the cohort and marks the job borrowing', () => {
    const r = run([aJob('big').whole(4).workers(2).build()]);
    expect(r.decisions[0]).toMatchObject({ jobId: 'big', borrowing: true });
  });

  it('does not borrow past the borrowing limit', () => {
    const queues = [aQueue('team-a', [{ product: 'A100', nominal: 4000, borrowingLimit: 2000 }], { cohort: 'lab' }), cohortQueues[1]];
    const r = run([aJob('big').whole(4).workers(2).build()], { queues });
    expect(r.decisions).toEqual([]);
    expect(r.pending[0].reason).toBe('quota: queue "team-a" uses 0/4 A100 GPU, the job needs 8, and its borrowing limit is 2');
  });

  it('without a cohort, quota is a hard cap', () => {
    const queues = [aQueue('team-a', [{ product: 'A100', nominal: 2000 }])];
    const r = run([aJob('j').whole(4).build()], { queues });
    expect(r.pending).toEqual([{ jobId: 'j', reason: 'quota: queue "team-a" uses 0/2 A100 GPU, the job needs 4, and has no cohort to borrow from' }]);
  });

  it('a product the queue has no quota for stays pending with a reason', () => {
    const snapshot = { nodes: [...nodes, aNode('h1').gpus(1, 'H100').build()], running: [] };
    const r = run([aJob('j').whole(1).products('H100').build()], { snapshot });
    expect(r.pending[0].reason).toBe('quota: queue "team-a" has no GPU quota for H100');
  });

  describe('MIG quota', () => {
    const migNodes = [aNode('m1').migDevice({ '1g.10gb': 7 }, 'A100').migDevice({ '1g.10gb': 7 }, 'A100').build()];
    const slices = (queue: string, n: number) => Array.from({ length: n }, (_, i) => aJob(`${queue}-${i}`).mig('1g.10gb').queue(queue).submittedAt(i).build());

    it('charges each slice to its profile and stops at the nominal quota, saying so in slices', () => {
      const queues = [aQueue('team-a', [], { mig: [{ product: 'A100', profile: '1g.10gb', nominal: 3000 }] })];
      const r = run(slices('team-a', 5), { queues, snapshot: { nodes: migNodes, running: [] } });
      expect(r.decisions.map((d) => d.jobId)).toEqual(['team-a-0', 'team-a-1', 'team-a-2']);
      expect(r.pending[0]).toEqual({ jobId: 'team-a-3', reason: 'quota: queue "team-a" uses 3/3 A100 MIG 1g.10gb slices, the job needs 1, and has no cohort to borrow from' });
    });

    it('borrows idle slices from the cohort, and counts running slices against the quota', () => {
      const queues = [
        aQueue('team-a', [], { cohort: 'lab', mig: [{ product: 'A100', profile: '1g.10gb', nominal: 2000 }] }),
        aQueue('team-b', [], { cohort: 'lab', mig: [{ product: 'A100', profile: '1g.10gb', nominal: 2000 }] }),
      ];
      const running = [runningJob(aJob('b-run').mig('1g.10gb').queue('team-b').build(), [{ node: 'm1', gpuIndexes: [1], migProfile: '1g.10gb' }], { flavor: 'A100' })];
      const r = run(slices('team-a', 4), { queues, running, snapshot: { nodes: migNodes, running } });
      // team-a: 2 own + 1 idle of team-b's (team-b runs 1 of its 2).
      expect(r.decisions.map((d) => d.jobId)).toEqual(['team-a-0', 'team-a-1', 'team-a-2']);
      expect(r.decisions[2].borrowing).toBe(true);
    });

    it('leaves a profile the queue lists no line for unlimited on its GPU products, as before MIG quota', () => {
      const queues = [aQueue('team-a', [{ product: 'A100', nominal: 1000 }])];
      const r = run(slices('team-a', 5), { queues, snapshot: { nodes: migNodes, running: [] } });
      expect(r.decisions).toHaveLength(5);
    });
  });

  it('a product no node has is named as absent, not as a quota problem', () => {
    const r = run([aJob('j').whole(1).products('H100').build()]);
    expect(r.pending).toEqual([{ jobId: 'j', reason: 'no node has product H100 (cluster has: A100 ×8)', unschedulable: true }]);
  });
});

describe('schedule: preemption on reclaim', () => {
  it('reclaims nominal quota from borrowed work that has run long enough', () => {
    const r = run([aJob('a').whole(4).priority(0).build()], { running: borrowedByB(0) });
    expect(r.preemptions).toEqual([{ jobId: 'b2', forJobId: 'a', reason: 'queue team-a reclaims its nominal quota borrowed by queue team-b' }]);
    expect(r.decisions[0]).toMatchObject({ jobId: 'a', workers: [{ node: 'a2', gpuIndexes: [0, 1, 2, 3] }] });
  });

  it('never preempts work younger than the minimum runtime', () => {
    const now = 100 * MIN;
    const r = run([aJob('a').whole(4).build()], { running: borrowedByB(now - 5 * MIN), now });
    expect(r.preemptions).toEqual([]);
    expect(r.pending[0].jobId).toBe('a');
  });

  it('does not preempt work that is within its own nominal quota', () => {
    // b1 alone is not borrowing; team-a asks for more than its nominal, so it cannot reclaim.
    const running = [borrowedByB(0)[0]];
    const r = run([aJob('a').whole(4).workers(2).build()], { running });
    expect(r.preemptions).toEqual([]);
  });

  it('with LowerPriority reclaim, equal priority borrowers are left alone', () => {
    const queues = [aQueue('team-a', [{ product: 'A100', nominal: 4000 }], { cohort: 'lab', reclaimWithinCohort: 'LowerPriority' }), cohortQueues[1]];
    expect(run([aJob('a').whole(4).build()], { running: borrowedByB(0), queues }).preemptions).toEqual([]);
    expect(run([aJob('a').whole(4).priority(5).build()], { running: borrowedByB(0), queues }).preemptions.map((p) => p.jobId)).toEqual(['b2']);
  });

  it('preempts lower priority work inside its own queue when allowed', () => {
    const queues = [aQueue('team-a', [{ product: 'A100', nominal: 8000 }], { withinClusterQueue: 'LowerPriority' })];
    const low = runningJob(aJob('low').whole(4).workers(2).priority(1).build(), [{ node: 'a1', gpuIndexes: [0, 1, 2, 3] }, { node: 'a2', gpuIndexes: [0, 1, 2, 3] }], { flavor: 'A100' });
    const r = run([aJob('high').whole(4).priority(9).build()], { running: [low], queues });
    expect(r.preemptions.map((p) => p.jobId)).toEqual(['low']);
    expect(r.decisions.map((d) => d.jobId)).toEqual(['high']);
  });
});

describe('schedule: choosing victims', () => {
  const queues = [aQueue('team-a', [{ product: 'A100', nominal: 8000 }], { withinClusterQueue: 'LowerPriority' })];
  const low = (id: string, gpus: number[], node: string, startedAt: number, priority = 1) =>
    runningJob(aJob(id).whole(gpus.length).priority(priority).build(), [{ node, gpuIndexes: gpus }], { startedAt, flavor: 'A100' });

  it('never preempts for an equal priority', () => {
    const r = run([aJob('high').whole(4).priority(1).build()], { running: [low('l1', [0, 1, 2, 3], 'a1', 0), low('l2', [0, 1, 2, 3], 'a2', 0)], queues });
    expect(r.preemptions).toEqual([]);
    expect(r.decisions).toEqual([]);
  });

  it('preempts the fewest GPU-hours: the younger of two equal victims', () => {
    const now = 100 * MIN;
    const r = run([aJob('high').whole(4).priority(9).build()], { running: [low('old', [0, 1, 2, 3], 'a1', now - 90 * MIN), low('young', [0, 1, 2, 3], 'a2', now - 20 * MIN)], queues, now });
    expect(r.preemptions).toEqual([{ jobId: 'young', forJobId: 'high', reason: 'lower priority (1) than job high (9) in queue team-a' }]);
  });

  it('puts back a victim the job turns out not to need', () => {
    // Cheapest first: small (60 GPU-min), then big (80), then mid (180). Taking small frees
    // too little; taking big frees a whole node, and then small is not needed after all.
    const now = 100 * MIN;
    const running = [low('small', [0], 'a1', now - 60 * MIN), low('mid', [1, 2, 3], 'a1', now - 60 * MIN), low('big', [0, 1, 2, 3], 'a2', now - 20 * MIN)];
    const r = run([aJob('high').whole(4).priority(9).build()], { running, queues, now });
    expect(r.preemptions.map((p) => p.jobId)).toEqual(['big']);
    expect(r.decisions[0]).toMatchObject({ jobId: 'high', workers: [{ node: 'a2', gpuIndexes: [0, 1, 2, 3] }] });
  });

  it('takes a lower priority before fewer GPU-hours', () => {
    const now = 100 * MIN;
    const r = run([aJob('high').whole(4).priority(9).build()], { running: [low('p1', [0, 1, 2, 3], 'a1', 0, 1), low('p3', [0, 1, 2, 3], 'a2', now - 11 * MIN, 3)], queues, now });
    expect(r.preemptions.map((p) => p.jobId)).toEqual(['p1']);
  });

  it('a queue\'s own minimum runtime protects its jobs, overriding the cycle\'s', () => {
    const now = 100 * MIN;
    const running = [low('l1', [0, 1, 2, 3], 'a1', now - 2 * MIN), low('l2', [0, 1, 2, 3], 'a2', now - 2 * MIN)];
    const short = [{ ...queues[0], minRuntimeMs: MIN }];
    const long = [{ ...queues[0], minRuntimeMs: 5 * MIN }];
    expect(run([aJob('high').whole(4).priority(9).build()], { running, queues: short, now, minRuntimeMs: 10 * MIN }).preemptions).toHaveLength(1);
    expect(run([aJob('high').whole(4).priority(9).build()], { running, queues: long, now, minRuntimeMs: 0 }).preemptions).toEqual([]);
  });

  it('waits for a victim already being preempted instead of choosing another', () => {
    // 'leaving' is younger than the minimum runtime and of high priority: only its preemption in flight makes it a victim.
    const now = 100 * MIN;
    const running = [low('leaving', [0, 1, 2, 3], 'a1', now - MIN, 8), low('other', [0, 1, 2, 3], 'a2', 0)];
    const r = run([aJob('high').whole(4).priority(9).build()], { running, queues, now, preempting: new Set(['leaving']) });
    expect(r.preemptions).toEqual([{ jobId: 'leaving', forJobId: 'high', reason: 'already being preempted' }]);
    expect(r.decisions[0]).toMatchObject({ jobId: 'high', workers: [{ node: 'a1', gpuIndexes: [0, 1, 2, 3] }] });
  });
});

describe('schedule: ordering', () => {
  const queues = [aQueue('team-a', [{ product: 'A100', nominal: 8000 }])];

  it('takes higher priority first', () => {
    const r = run([aJob('low').whole(4).workers(2).priority(1).build(), aJob('high').whole(4).workers(2).priority(5).submittedAt(9).build()], { queues });
    expect(r.decisions.map((d) => d.jobId)).toEqual(['high']);
  });

  it('shares fairly between two projects at equal priority', () => {
    // Project p1 submitted everything first, but p2 gets every other GPU.
    const jobs = [
      ...[1, 2, 3, 4, 5, 6].map((i) => aJob(`p1-${i}`).whole(1).project('p1').submittedAt(i).build()),
      ...[1, 2, 3, 4, 5, 6].map((i) => aJob(`p2-${i}`).whole(1).project('p2').submittedAt(100 + i).build()),
    ];
    const r = run(jobs, { queues });
    const admitted = r.decisions.map((d) => d.jobId);
    expect(admitted.filter((j) => j.startsWith('p1'))).toHaveLength(4);
    expect(admitted.filter((j) => j.startsWith('p2'))).toHaveLength(4);
  });

  it('backfills small jobs, but not onto nodes held for a starving gang', () => {
    // a1 is half busy; the 2-node gang cannot start. Fresh: small jobs backfill. Starving: they wait.
    const busy = runningJob(aJob('busy').whole(2).build(), [{ node: 'a1', gpuIndexes: [0, 1] }], { startedAt: 0, flavor: 'A100' });
    const gang = (submittedAt: number) => aJob('gang').whole(4).workers(2).priority(5).submittedAt(submittedAt).build();
    const small = aJob('small').whole(1).submittedAt(50 * MIN).build();
    const now = 100 * MIN;
    const queues = [aQueue('team-a', [{ product: 'A100', nominal: 16_000 }])];
    const fresh = run([gang(now - MIN), small], { running: [busy], queues, now, starvationMs: 30 * MIN });
    expect(fresh.decisions.map((d) => d.jobId)).toEqual(['small']);
    const starving = run([gang(0), small], { running: [busy], queues, now, starvationMs: 30 * MIN });
    expect(starving.decisions).toEqual([]);
    expect(starving.pending.find((p) => p.jobId === 'small')?.reason).toMatch(/held for starving job gang/);
  });
});

describe('schedule: pending reasons', () => {
  const queues = [aQueue('team-a', [{ product: 'A100', nominal: 64_000 }])];
  const busy = runningJob(aJob('busy').whole(1).build(), [{ node: 'a1', gpuIndexes: [0] }], { flavor: 'A100' });

  it.each([
    { name: 'too few GPUs on any one node', job: aJob('j').whole(4).build(), running: [busy, { ...busy, workers: [{ node: 'a2', gpuIndexes: [0] }] }], reason: 'fits no single node now: needs 4 × A100 on one node, largest free is 3' },
    { name: 'more GPUs than any node has', job: aJob('j').whole(8).build(), running: [], reason: 'fits no single node: needs 8 GPUs on one node, the largest has 4', unschedulable: true },
    { name: 'no CPU to spare', job: aJob('j').whole(1).cpu(100_000).build(), running: [], reason: 'needs 100 CPU on one node; most free is 64' },
    { name: 'a selector no node matches', job: aJob('j').whole(1).selector('zone', 'x').build(), running: [], reason: 'no node can ever run it: node selector zone=x (2 nodes)', unschedulable: true },
  ])('$name (unschedulable: $unschedulable)', ({ job, running, reason, unschedulable }) => {
    expect(run([job], { running, queues }).pending).toEqual([{ jobId: 'j', reason, ...(unschedulable ? { unschedulable } : {}) }]);
  });
});

describe('schedule: lending, fair share between queues, StrictFIFO', () => {
  it('a lendingLimit keeps part of an idle queue\'s quota from borrowers', () => {
    const queues = [
      aQueue('team-a', [{ product: 'A100', nominal: 4000, lendingLimit: 1000 }], { cohort: 'lab' }),
      aQueue('team-b', [{ product: 'A100', nominal: 4000 }], { cohort: 'lab' }),
    ];
    const r = run([aJob('b5').whole(4).queue('team-b').build(), aJob('b6').whole(2).queue('team-b').submittedAt(1).build()], { queues });
    expect(r.decisions.map((d) => d.jobId)).toEqual(['b5']);
    expect(r.pending).toEqual([{ jobId: 'b6', reason: 'quota: queue "team-b" uses 4/4 A100 GPU, the job needs 2, and cohort "lab" has only 1 idle to lend' }]);
  });

  it('says the cohort lends none when the owner uses its quota', () => {
    const running = [runningJob(aJob('a1').whole(4).queue('team-a').build(), [{ node: 'a1', gpuIndexes: [0, 1, 2, 3] }], { flavor: 'A100' })];
    const busyB = runningJob(aJob('b1').whole(4).queue('team-b').build(), [{ node: 'a2', gpuIndexes: [0, 1, 2, 3] }], { flavor: 'A100' });
    const r = run([aJob('b2').whole(1).queue('team-b').build()], { running: [...running, busyB] });
    expect(r.pending).toEqual([{ jobId: 'b2', reason: 'quota: queue "team-b" uses 4/4 A100 GPU, the job needs 1, and cohort "lab" lends none' }]);
  });

  it('orders queues of one project by weighted share of their nominal quota, not submission time', () => {
    // One project, two queues: heavy submitted 6 jobs first and already runs 3; light's jobs come later.
    const queues = [aQueue('heavy', [{ product: 'A100', nominal: 4000 }], { cohort: 'lab' }), aQueue('light', [{ product: 'A100', nominal: 4000 }], { cohort: 'lab' })];
    const running = [0, 1, 2].map((i) => runningJob(aJob(`h-run${i}`).whole(1).queue('heavy').build(), [{ node: 'a1', gpuIndexes: [i] }], { flavor: 'A100' }));
    const jobs = [
      ...[1, 2, 3, 4, 5, 6].map((i) => aJob(`h${i}`).whole(1).queue('heavy').submittedAt(i).build()),
      ...[1, 2, 3].map((i) => aJob(`l${i}`).whole(1).queue('light').submittedAt(100 + i).build()),
    ];
    // 5 free GPUs: light (share 0) takes 3, heavy's share is already 3/4, so it gets the rest only after.
    const admitted = run(jobs, { queues, running }).decisions.map((d) => d.jobId);
    expect(admitted).toEqual(['l1', 'l2', 'l3', 'h1', 'h2']);
    // Weight 4 on heavy divides its share by 4 (3/16): it takes 3 of the 5 instead of 2.
    const weighted = [{ ...queues[0], weight: 4 }, queues[1]];
    expect(run(jobs, { queues: weighted, running }).decisions.map((d) => d.jobId)).toEqual(['l1', 'h1', 'h2', 'l2', 'h3']);
  });

  it('StrictFIFO holds back the rest of the queue behind a head that does not fit; BestEffortFIFO does not', () => {
    const queues = (strategy: 'StrictFIFO' | 'BestEffortFIFO') => [aQueue('team-a', [{ product: 'A100', nominal: 8000 }], { strategy })];
    const busy = runningJob(aJob('busy').whole(2).build(), [{ node: 'a1', gpuIndexes: [0, 1] }], { flavor: 'A100' });
    const jobs = [aJob('big').whole(4).workers(2).submittedAt(1).build(), aJob('small').whole(1).submittedAt(2).build()];
    const strict = run(jobs, { queues: queues('StrictFIFO'), running: [busy] });
    expect(strict.decisions).toEqual([]);
    expect(strict.pending.find((p) => p.jobId === 'small')?.reason).toBe('waiting behind job big, first in StrictFIFO queue "team-a"');
    expect(run(jobs, { queues: queues('BestEffortFIFO'), running: [busy] }).decisions.map((d) => d.jobId)).toEqual(['small']);
  });
});

describe('schedule: determinism and purity', () => {
  it('gives the same decisions for the same input and leaves the snapshot untouched', () => {
    const many = Array.from({ length: 12 }, (_, i) => aJob(`j${i}`).share(300 + 50 * (i % 5)).project(`p${i % 3}`).submittedAt(i).build());
    const snapshot: ClusterSnapshot = { nodes, running: [] };
    const frozen = JSON.stringify(snapshot);
    const input = { snapshot, pending: many, queues: [aQueue('team-a', [{ product: 'A100', nominal: 8000 }])], now: 0, seed: 42, policy: 'random' };
    expect(schedule(input)).toEqual(schedule(input));
    expect(JSON.stringify(snapshot)).toBe(frozen);
  });
});
