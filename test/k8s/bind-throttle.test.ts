import { ApiException, CoreV1Api, type KubeConfig } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WorkloadSpec } from '../../src/cluster/cluster-driver.js';
import { workloadSpec } from '../../src/cluster/testing/workload-spec.js';
import { KubernetesDriver } from '../../src/cluster/kubernetes/kubernetes-driver.js';
import { ANNOTATION, LABEL } from '../../src/cluster/kubernetes/k8s-names.js';
import { BindConcurrency, createWorkloadThrottled, isThrottle, runAdaptive } from '../../src/training/scheduling/bind-concurrency.js';
import { adminKubeConfig, createTestNamespace, deleteTestNamespace, uniqueSuffix } from '../helpers/k8s-namespace.js';
import { createGpuNodes, deleteNodes } from '../helpers/k8s-nodes.js';

// A throttled API server must never make the scheduling loop duplicate or lose a binding.
// The real API server and the real KubernetesDriver, with 429s put in front of its pod
// creates and binds: some refused before the server saw them, some answered 429 after the
// server had carried them out (the answer lost, as from an overloaded server), which is the
// case where a retry meets its own earlier pod (409 AlreadyExists) and its own earlier
// binding (409 on a pod already bound to the same node).
const s = uniqueSuffix();
const NODES = [`bt-${s}-a`, `bt-${s}-b`, `bt-${s}-c`];
let kc: KubeConfig;
let core: CoreV1Api;
let ns: string;
let driver: KubernetesDriver;

const tooMany = () => new ApiException(429, 'Too Many Requests', { kind: 'Status', code: 429, reason: 'TooManyRequests' }, { 'retry-after': '0' });

let throttling = true;

/** Wraps one CoreV1Api method of the driver: `plan(call)` says whether call n is refused before, after, or passed. */
function throttle<K extends 'createNamespacedPod' | 'createNamespacedPodBinding'>(api: CoreV1Api, method: K, plan: (n: number) => 'before' | 'after' | 'pass') {
  const real = api[method].bind(api) as (...args: unknown[]) => Promise<unknown>;
  let n = 0;
  (api as unknown as Record<K, (...args: unknown[]) => Promise<unknown>>)[method] = async (...args: unknown[]) => {
    const what = throttling ? plan(n++) : 'pass';
    if (what === 'before') throw tooMany();
    const answer = await real(...args);
    if (what === 'after') throw tooMany();
    return answer;
  };
}

beforeAll(async () => {
  kc = adminKubeConfig();
  core = kc.makeApiClient(CoreV1Api);
  ns = await createTestNamespace(kc, 'bt');
  await createGpuNodes(kc, NODES.map((name) => ({ name, gpus: 8 })));
  driver = new KubernetesDriver({ namespace: ns, kubeConfig: kc });
  await driver.start();
});

afterAll(async () => {
  await driver?.stop();
  await deleteNodes(kc, NODES);
  await deleteTestNamespace(kc, ns);
});

describe('binding through a throttling API server', () => {
  it('binds every worker exactly once, on its planned node, whether the 429 came before or after the call was done', async () => {
    const driverCore = (driver as unknown as { core: CoreV1Api }).core;
    // Of each method's calls, 0, 4, 8, … are refused unseen; 2, 6, 10, … done and then answered 429.
    const plan = (n: number) => (['before', 'pass', 'after', 'pass'] as const)[n % 4];
    throttle(driverCore, 'createNamespacedPod', plan);
    throttle(driverCore, 'createNamespacedPodBinding', plan);

    const specs: WorkloadSpec[] = [
      ...Array.from({ length: 6 }, (_, i) => workloadSpec({ jobId: `one-${i}-${s}`, gpuCount: 1, workers: [{ node: NODES[i % 3], gpuIndexes: [i] }] })),
      workloadSpec({ jobId: `gang-${s}`, gpuCount: 8, workers: NODES.map((node) => ({ node, gpuIndexes: [0, 1, 2, 3, 4, 5, 6, 7] })) }),
    ];
    const limit = new BindConcurrency({ initial: 4, min: 1, max: 8 });
    const left: WorkloadSpec[] = [];
    await runAdaptive(specs, limit, (spec) =>
      createWorkloadThrottled(() => driver.createWorkload(spec), limit, { sleep: () => Promise.resolve() }).catch((error: unknown) => {
        if (!isThrottle(error)) throw error;
        left.push(spec); // still throttled after its retries: the loop leaves it Scheduled for the reconciler
      }),
    );
    // The JobReconciler's pass, once the server lets calls through: the same create, again.
    throttling = false;
    for (const spec of left) await driver.createWorkload(spec);

    const pods = (await core.listNamespacedPod({ namespace: ns })).items;
    const expected = specs.flatMap((spec) => spec.workers.map((w, index) => ({ job: spec.jobId, index, node: w.node })));
    const actual = pods.map((p) => ({ job: p.metadata!.annotations![ANNOTATION.jobId], index: Number(p.metadata!.labels![LABEL.worker]), node: p.spec!.nodeName }));
    const key = (x: { job: string; index: number }) => `${x.job}/${x.index}`;
    expect(actual.sort((a, b) => key(a).localeCompare(key(b)))).toEqual(expected.sort((a, b) => key(a).localeCompare(key(b))));
    expect(limit.limit).toBeLessThan(4);
  });
});
