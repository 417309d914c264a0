import { CoreV1Api, Watch, type KubeConfig, type V1Pod } from '@kubernetes/client-node';
import type { WorkloadSpec } from '../../src/cluster/cluster-driver.js';
import { KubernetesDriver } from '../../src/cluster/kubernetes/kubernetes-driver.js';
import type { Job, WorkerPlacement } from '../../src/gpu-scheduler/engine/model.js';
import { schedule } from '../../src/gpu-scheduler/engine/schedule.js';
import { engineQueues, OPEN_QUEUE } from '../../src/training/scheduling/queue-specs.js';
import { buildSnapshot, toEngineJob, type SchedulableJob } from '../../src/training/scheduling/snapshot.js';
import { adaptivePacer, BindConcurrency } from '../../src/training/scheduling/bind-concurrency.js';

/**
 * How Beamline's round makes a cycle's pods:
 * - `batch`: the driver's createWorkloads, as the controller's loop does now: every pod of the
 *   cycle, then every binding, API calls in flight adapted by AIMD from `concurrency` up to
 *   `maxConcurrency`, connections kept alive;
 * - `old`: the code before issue 17's batch: each workload created then bound,
 *   `concurrency` workloads in flight, a new connection per call (client-node alone);
 * - `per-workload`, `batch-fresh`: one change without the other, to tell their effects apart.
 */
export const CREATE_PATHS = ['batch', 'old', 'per-workload', 'batch-fresh'] as const;
export type CreatePath = (typeof CREATE_PATHS)[number];
export interface PathOptions {
  path: CreatePath;
  maxConcurrency: number;
}
const perWorkload = (path: CreatePath) => path === 'old' || path === 'per-workload';
/** The driver a round of `path` runs with. */
export const benchDriver = (kc: KubeConfig, namespace: string, path: CreatePath) => new KubernetesDriver({ namespace, kubeConfig: kc, keepAlive: path === 'batch' || path === 'per-workload' });

/**
 * Creates one cycle's workloads by `path`; `bound(spec)` is called as each workload's last
 * worker is bound. The batch's limit lives as long as the round, as the loop's does.
 */
export function cycleCreator(driver: KubernetesDriver, concurrency: number, options: PathOptions): (specs: WorkloadSpec[], bound: (spec: WorkloadSpec) => void) => Promise<void> {
  if (perWorkload(options.path)) {
    return (specs, bound) =>
      pool(specs, concurrency, async (spec) => {
        await driver.createWorkload(spec);
        bound(spec);
      });
  }
  const limit = new BindConcurrency({ initial: concurrency, min: 1, max: Math.max(concurrency, options.maxConcurrency) });
  return async (specs, bound) => {
    const outcomes = await driver.createWorkloads(specs, { pacer: adaptivePacer(limit), onBound: bound });
    for (const o of outcomes) if (o.outcome !== 'bound') throw new Error(`${o.spec.jobId}: ${o.outcome}: ${o.error.message}`);
  };
}

export interface RoundResult {
  scheduler: string;
  pods: number;
  seconds: number;
  podsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  nodesUsed: number;
  wholeFreeNodes: number;
}

const quantile = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];

/** Runs `fn` over items with at most `limit` in flight. */
export async function pool<T>(items: T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) await fn(items[next++]);
    }),
  );
}

function summarise(scheduler: string, latencies: number[], seconds: number, nodeOf: string[], nodes: number): RoundResult {
  const sorted = [...latencies].sort((a, b) => a - b);
  const used = new Set(nodeOf).size;
  return {
    scheduler,
    pods: latencies.length,
    seconds: +seconds.toFixed(2),
    podsPerSecond: +(latencies.length / seconds).toFixed(1),
    p50Ms: Math.round(quantile(sorted, 0.5)),
    p99Ms: Math.round(quantile(sorted, 0.99)),
    nodesUsed: used,
    wholeFreeNodes: nodes - used,
  };
}

/**
 * Calls `seen` with every pod of the namespace, listed then watched. A watch can end under
 * load; then list again (what was missed is seen at this moment, an overestimate) and watch
 * from that list's resourceVersion. Resolves to a function that stops it.
 */
export async function watchPods(kc: KubeConfig, namespace: string, seen: (pod: V1Pod) => void): Promise<() => void> {
  const core = kc.makeApiClient(CoreV1Api);
  let stopped = false;
  let current: { abort?: () => void } | undefined;
  const follow = async (): Promise<void> => {
    if (stopped) return;
    const list = await core.listNamespacedPod({ namespace });
    list.items.forEach(seen);
    current = (await new Watch(kc).watch(
      `/api/v1/namespaces/${namespace}/pods`,
      { resourceVersion: list.metadata?.resourceVersion, allowWatchBookmarks: true },
      (_type: string, pod: V1Pod) => seen(pod),
      () => void follow().catch(() => setTimeout(() => void follow(), 500)),
    )) as { abort?: () => void };
  };
  await follow();
  return () => {
    stopped = true;
    current?.abort?.();
  };
}

/**
 * kube-scheduler's round: the client creates M pods requesting one `nvidia.com/gpu` each
 * (concurrency C), kube-scheduler binds them; a watch records when each gets its node.
 * Latency: from the moment the batch was submitted (round start) to the watch event
 * showing spec.nodeName, the same clock as Beamline's round.
 */
export async function kubeSchedulerRound(kc: KubeConfig, namespace: string, pods: number, concurrency: number, nodes: number): Promise<RoundResult> {
  const core = kc.makeApiClient(CoreV1Api);
  const boundAt = new Map<string, number>();
  const nodeOf: string[] = [];
  let resolveAll!: () => void;
  const allBound = new Promise<void>((r) => (resolveAll = r));
  const seen = (pod: V1Pod) => {
    const name = pod.metadata?.name ?? '';
    if (pod.spec?.nodeName && !boundAt.has(name)) {
      boundAt.set(name, performance.now());
      nodeOf.push(pod.spec.nodeName);
      if (boundAt.size === pods) resolveAll();
    }
  };
  const stopWatch = await watchPods(kc, namespace, seen);
  const names = Array.from({ length: pods }, (_, i) => `kube-${i}`);
  const start = performance.now();
  await pool(names, concurrency, async (name) => {
    await core.createNamespacedPod({
      namespace,
      body: {
        metadata: { name },
        spec: {
          containers: [{ name: 'worker', image: 'bench', resources: { limits: { 'nvidia.com/gpu': '1' }, requests: { cpu: '1', memory: '1Gi' } } }],
          tolerations: [{ key: 'nvidia.com/gpu', operator: 'Exists' }],
        },
      },
    });
  });
  await allBound;
  const seconds = (Math.max(...boundAt.values()) - start) / 1000;
  stopWatch();
  return summarise('kube-scheduler', names.map((n) => boundAt.get(n)! - start), seconds, nodeOf, nodes);
}

/**
 * Beamline's round: M single-GPU jobs are queued at once; cycles of the real engine on
 * the KubernetesDriver's informer snapshot decide, and the driver creates and binds each
 * job's pod (pods/binding) by `options.path`. Latency: from the batch being queued (round
 * start) to the Binding call of the job's last worker returning.
 */
export async function beamlineRound(kc: KubeConfig, namespace: string, pods: number, concurrency: number, nodes: number, policy: string, options: PathOptions): Promise<RoundResult> {
  const driver = benchDriver(kc, namespace, options.path);
  await driver.start();
  const create = cycleCreator(driver, concurrency, options);
  const now = new Date();
  const jobs: SchedulableJob[] = Array.from({ length: pods }, (_, i) => ({
    id: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
    projectId: 'bench',
    queue: OPEN_QUEUE, // no project queues: the open queue, as the loop resolves it
    priority: 0,
    workers: 1,
    resources: { cpuMilli: 1000, memoryMiB: 1024, gpu: { count: 1 } },
    createdAt: now,
  }));
  const placed: SchedulableJob[] = [];
  const latencies: number[] = [];
  const nodeOf: string[] = [];
  const start = performance.now();
  let pending: SchedulableJob[] = jobs;
  for (let cycle = 0; pending.length > 0; cycle++) {
    // 1. snapshot → 2. decide → 3. bind, as the controller's loop does.
    const inventory = driver.inventory();
    const result = schedule({
      snapshot: buildSnapshot(inventory.nodes, inventory.foreign, placed),
      pending: pending.map(toEngineJob) as Job[],
      queues: engineQueues({ clusterQueues: [], projectQueues: [] }, inventory.nodes),
      policy,
      now: now.getTime(),
      seed: cycle,
    });
    if (result.decisions.length === 0) throw new Error(`nothing placed; first reason: ${result.pending[0]?.reason}`);
    const byId = new Map(pending.map((j) => [j.id, j]));
    const specs = result.decisions.map((d) => {
      const job = byId.get(d.jobId)!;
      job.placement = d.workers as WorkerPlacement[];
      placed.push(job);
      return specOf(job);
    });
    await create(specs, (spec) => {
      latencies.push(performance.now() - start);
      nodeOf.push(spec.workers[0].node);
    });
    const done = new Set(result.decisions.map((d) => d.jobId));
    pending = pending.filter((j) => !done.has(j.id));
  }
  const seconds = (performance.now() - start) / 1000;
  await driver.stop();
  return summarise(`beamline (${policy}, ${options.path})`, latencies, seconds, nodeOf, nodes);
}

function specOf(job: SchedulableJob): WorkloadSpec {
  return {
    jobId: job.id,
    attempt: 0,
    project: 'bench',
    name: 'bench',
    image: 'bench',
    command: ['true'],
    args: [],
    env: {},
    cpuMilli: 1000,
    memoryMiB: 1024,
    gpuCount: 1,
    workers: job.placement!,
  };
}
