import { ApiException, CoreV1Api, type KubeConfig } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WorkloadSpec } from '../../src/cluster/cluster-driver.js';
import { workloadSpec } from '../../src/cluster/testing/workload-spec.js';
import { KubernetesDriver } from '../../src/cluster/kubernetes/kubernetes-driver.js';
import { ANNOTATION, LABEL, podName } from '../../src/cluster/kubernetes/k8s-names.js';
import { workerPod } from '../../src/cluster/kubernetes/k8s-workload-objects.js';
import type { WorkerPlacement } from '../../src/gpu-scheduler/engine/model.js';
import { schedule } from '../../src/gpu-scheduler/engine/schedule.js';
import { adaptivePacer, BindConcurrency } from '../../src/training/scheduling/bind-concurrency.js';
import { engineQueues, OPEN_QUEUE } from '../../src/training/scheduling/queue-specs.js';
import { buildSnapshot, toEngineJob, type SchedulableJob } from '../../src/training/scheduling/snapshot.js';
import { adminKubeConfig, createTestNamespace, deleteTestNamespace, uniqueSuffix, untilDriver } from '../helpers/k8s-namespace.js';
import { createGpuNodes, deleteNodes } from '../helpers/k8s-nodes.js';

// One scheduling cycle's workloads created as one batch (every pod of the cycle, then every
// binding) on the real API server: the real engine decides on the driver's informer snapshot,
// as the controller's loop does, and the driver's batch makes the pods. The product is this
// file's own, so other files' nodes never take these jobs.
const s = uniqueSuffix();
const PRODUCT = `BB-${s}`;
const NODES = [0, 1, 2, 3].map((i) => `bb-${s}-${i}`);
let kc: KubeConfig;
let core: CoreV1Api;
let ns: string;
let driver: KubernetesDriver;

/** Successful pods/binding answers per pod, counted on the driver's own client: "bound once" means exactly one. */
const bindings = new Map<string, number>();
/** Planned refusals of the driver's calls: `before` the server saw it, or `after` it was done (the answer lost). */
let plan: (method: string, n: number) => 'before' | 'after' | 'pass' = () => 'pass';
const tooMany = () => new ApiException(429, 'Too Many Requests', { kind: 'Status', code: 429, reason: 'TooManyRequests' }, { 'retry-after': '0' });

function instrument(target: KubernetesDriver): void {
  const api = (target as unknown as { core: CoreV1Api }).core as unknown as Record<string, (...args: unknown[]) => Promise<unknown>>;
  for (const method of ['createNamespacedPod', 'createNamespacedPodBinding']) {
    const real = api[method].bind(api);
    let n = 0;
    api[method] = async (...args: unknown[]) => {
      const what = plan(method, n++);
      if (what === 'before') throw tooMany();
      const answer = await real(...args);
      if (method === 'createNamespacedPodBinding') {
        const name = (args[0] as { name: string }).name;
        bindings.set(name, (bindings.get(name) ?? 0) + 1);
      }
      if (what === 'after') throw tooMany();
      return answer;
    };
  }
}

beforeAll(async () => {
  kc = adminKubeConfig();
  core = kc.makeApiClient(CoreV1Api);
  ns = await createTestNamespace(kc, 'bb');
  await createGpuNodes(kc, NODES.map((name) => ({ name, product: PRODUCT, gpus: 8 })));
  driver = new KubernetesDriver({ namespace: ns, kubeConfig: kc });
  instrument(driver);
  await driver.start();
});

afterAll(async () => {
  await driver?.stop();
  await deleteNodes(kc, NODES);
  await deleteTestNamespace(kc, ns);
});

let jobs = 0;
const job = (workers: number, gpus: number): SchedulableJob => ({
  id: `bb-${s}-${jobs++}`,
  projectId: 'bb',
  queue: OPEN_QUEUE,
  priority: 0,
  workers,
  resources: { cpuMilli: 1000, memoryMiB: 1024, gpu: { count: gpus, products: [PRODUCT] } },
  createdAt: new Date(),
});

/** One cycle of the real engine on the driver's snapshot, once the informer has the nodes Ready: every job placed, or it waits. */
async function decide(pending: SchedulableJob[], placed: SchedulableJob[] = []): Promise<WorkloadSpec[]> {
  const decisions = await untilDriver(driver, () => {
    const inventory = driver.inventory();
    const result = schedule({
      snapshot: buildSnapshot(inventory.nodes, inventory.foreign, placed),
      pending: pending.map(toEngineJob),
      queues: engineQueues({ clusterQueues: [], projectQueues: [] }, inventory.nodes),
      policy: 'fgd-plus',
      now: Date.now(),
      seed: 1,
    });
    return result.decisions.length === pending.length ? result.decisions : undefined;
  });
  return decisions.map((d) => {
    const j = pending.find((p) => p.id === d.jobId)!;
    return workloadSpec({ jobId: j.id, attempt: 0, gpuCount: j.resources.gpu!.count!, workers: d.workers as WorkerPlacement[], ...(j.workers > 1 ? { secretEnv: { BEAMLINE_TOKEN: `t-${j.id}` } } : {}) });
  });
}

/** Every pod of the namespace as job/worker → node, from the API server itself. */
async function actual(): Promise<Record<string, string>> {
  const pods = (await core.listNamespacedPod({ namespace: ns })).items.filter((p) => !p.metadata?.deletionTimestamp);
  return Object.fromEntries(pods.map((p) => [`${p.metadata!.annotations![ANNOTATION.jobId]}/${p.metadata!.labels![LABEL.worker]}`, p.spec?.nodeName ?? '']));
}
const expected = (specs: WorkloadSpec[]) => Object.fromEntries(specs.flatMap((spec) => spec.workers.map((w, i) => [`${spec.jobId}/${i}`, w.node])));
const podsOf = (specs: WorkloadSpec[]) => specs.flatMap((spec) => spec.workers.map((_, i) => podName(spec.jobId, spec.attempt, i)));

describe('one cycle created as a batch on the real API server', () => {
  const pacer = () => adaptivePacer(new BindConcurrency({ initial: 4, min: 1, max: 8 }), { sleep: () => Promise.resolve() });
  let cycle: WorkloadSpec[] = [];
  let next: WorkloadSpec[] = [];

  it('places several jobs in one cycle and binds every pod once, to its planned node', async () => {
    // Singles, a 4-GPU job, a gang of 2 × 8 GPUs and a gang of 2 × 2 (gangs with secret env: worker 0 owns the Secret).
    cycle = await decide([job(1, 1), job(1, 1), job(1, 4), job(2, 8), job(2, 2)]);
    expect(new Set(cycle.flatMap((c) => c.workers.map((w) => w.node))).size).toBeGreaterThan(1);
    const bound: string[] = [];
    const outcomes = await driver.createWorkloads(cycle, { pacer: pacer(), onBound: (spec) => bound.push(spec.jobId) });

    expect(outcomes.map((o) => o.outcome)).toEqual(cycle.map(() => 'bound'));
    expect(await actual()).toEqual(expected(cycle));
    expect(Object.fromEntries(podsOf(cycle).map((p) => [p, bindings.get(p)]))).toEqual(Object.fromEntries(podsOf(cycle).map((p) => [p, 1])));
    expect(bound.sort()).toEqual(cycle.map((c) => c.jobId).sort());
    const secrets = (await core.listNamespacedSecret({ namespace: ns })).items.map((x) => x.metadata!.name).filter((n) => n?.endsWith('-env'));
    expect(secrets).toHaveLength(2);
  });

  it('repeated by a restarted controller (a new driver), changes nothing and binds nothing again', async () => {
    const restarted = new KubernetesDriver({ namespace: ns, kubeConfig: kc });
    instrument(restarted);
    const before = (await core.listNamespacedPod({ namespace: ns })).items.map((p) => p.metadata!.uid).sort();
    try {
      const outcomes = await restarted.createWorkloads(cycle, { pacer: pacer() });
      expect(outcomes.map((o) => o.outcome)).toEqual(cycle.map(() => 'bound'));
    } finally {
      await restarted.stop();
    }
    expect((await core.listNamespacedPod({ namespace: ns })).items.map((p) => p.metadata!.uid).sort()).toEqual(before);
    expect(podsOf(cycle).map((p) => bindings.get(p))).toEqual(podsOf(cycle).map(() => 1));
  });

  it('through 429s before and after the server acted, binds every worker of the next cycle exactly once where planned', async () => {
    const placed: SchedulableJob[] = cycle.map((c) => ({ ...job(c.workers.length, c.gpuCount), id: c.jobId, placement: c.workers }));
    next = await decide([job(1, 1), job(1, 1), job(2, 1)], placed);
    // Of each method's calls, 0, 4, 8, … are refused unseen; 2, 6, 10, … done and then answered 429.
    plan = (_method, n) => (['before', 'pass', 'after', 'pass'] as const)[n % 4];
    try {
      const outcomes = await driver.createWorkloads(next, { pacer: pacer() });
      expect(outcomes.map((o) => o.outcome)).toEqual(next.map(() => 'bound'));
    } finally {
      plan = () => 'pass';
    }
    expect(await actual()).toEqual(expected([...cycle, ...next]));
    expect(podsOf(next).map((p) => bindings.get(p))).toEqual(podsOf(next).map(() => 1));
  });

  it('deletes only the gang whose worker is bound elsewhere already; the rest of the batch is bound', async () => {
    const gang = workloadSpec({ jobId: `bb-${s}-stale`, attempt: 0, gpuCount: 1, workers: [{ node: NODES[0], gpuIndexes: [7] }, { node: NODES[1], gpuIndexes: [7] }] });
    const single = workloadSpec({ jobId: `bb-${s}-fresh`, attempt: 0, gpuCount: 1, workers: [{ node: NODES[2], gpuIndexes: [7] }] });
    // Worker 1 of the gang exists already, bound to another node than planned (e.g. an older decision's).
    const stale = workerPod(gang, 1, ns);
    await core.createNamespacedPod({ namespace: ns, body: stale });
    await core.createNamespacedPodBinding({ namespace: ns, name: stale.metadata!.name!, body: { apiVersion: 'v1', kind: 'Binding', metadata: { name: stale.metadata!.name! }, target: { apiVersion: 'v1', kind: 'Node', name: NODES[3] } } });

    const outcomes = await driver.createWorkloads([gang, single], { pacer: pacer() });
    expect(outcomes.map((o) => o.outcome)).toEqual(['failed', 'bound']);
    expect(outcomes[0].outcome === 'failed' && outcomes[0].error.message).toContain(`already bound to ${NODES[3]}, not ${NODES[1]}`);
    // The gang's pods are deleted (being deleted counts: KWOK confirms it shortly); the others stay where they were bound.
    expect(await actual()).toEqual(expected([...cycle, ...next, single]));
  });
});
