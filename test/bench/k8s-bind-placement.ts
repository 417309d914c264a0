import { CoreV1Api, type KubeConfig, type V1Pod } from '@kubernetes/client-node';
import type { WorkloadSpec } from '../../src/cluster/cluster-driver.js';
import type { Job, WorkerPlacement } from '../../src/gpu-scheduler/engine/model.js';
import { schedule } from '../../src/gpu-scheduler/engine/schedule.js';
import { engineQueues, OPEN_QUEUE } from '../../src/training/scheduling/queue-specs.js';
import { buildSnapshot, toEngineJob, type SchedulableJob } from '../../src/training/scheduling/snapshot.js';
import { benchDriver, cycleCreator, watchPods, type PathOptions } from './k8s-bind-rounds.js';
import { jobGpus, SHARED_REPLICAS, sharedReplicas, type BenchJob } from './k8s-bind-workload.js';

// The two rounds of `bench:k8s-bind --workload placement` and their common summary.
// No job ends during a round, so the cluster fills up: what is placed, and where, is what
// each scheduler made of the same arrivals on the same nodes.

export interface PlacementResult {
  scheduler: string;
  jobs: number;
  podsArrived: number;
  podsBound: number;
  /** From the first arrival to the last bind. */
  seconds: number;
  podsPerSecond: number;
  /** Time-to-bind: from the job's arrival to its pod being bound, over bound pods. */
  p50Ms: number;
  p99Ms: number;
  /** GPUs asked for by bound pods (a fraction counts as its fraction) and that as a share of the cluster's GPUs. */
  gpusAllocated: number;
  allocatedPct: number;
  /** Devices the bound pods hold: whole GPUs, plus time-sliced replicas ÷ replicas per GPU. */
  devicesHeld: number;
  /** Nodes of the whole-GPU pool with nothing bound: where an 8-GPU worker still fits. */
  wholeFreeNodes: number;
  /** Jobs whose workers ask for 8 GPUs each (1 worker, or a gang of 2–4): all workers bound / arrived. */
  gpu8Placed: string;
  /** Wait of those jobs (arrival to the last worker bound); `never` when the quantile falls on one left waiting. */
  gpu8WaitP50: string;
  gpu8WaitP99: string;
  /** GPUs held by gang workers whose gang never got all its workers (idle: a gang runs all or nothing). */
  partialGangGpus: number;
}

export interface PlacementNodes {
  whole: string[];
  shared: string[];
}

interface BoundPod {
  job: BenchJob;
  atMs: number;
  node: string;
}

const quantile = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
const podGpus = (j: BenchJob) => jobGpus(j) / j.workers;
const podDevices = (j: BenchJob) => ('count' in j.gpu ? j.gpu.count : sharedReplicas(j.gpu.milli) / SHARED_REPLICAS);

export function summarisePlacement(scheduler: string, jobs: BenchJob[], bound: BoundPod[], nodes: PlacementNodes): PlacementResult {
  const sorted = bound.map((b) => b.atMs - b.job.arriveMs).sort((a, b) => a - b);
  const lastBind = Math.max(0, ...bound.map((b) => b.atMs));
  const used = new Set(bound.map((b) => b.node));
  const boundOf = new Map<number, BoundPod[]>();
  for (const b of bound) boundOf.set(b.job.index, [...(boundOf.get(b.job.index) ?? []), b]);
  const gpu8 = jobs.filter((j) => 'count' in j.gpu && j.gpu.count === 8);
  const waits = gpu8
    .map((j) => {
      const pods = boundOf.get(j.index) ?? [];
      return pods.length === j.workers ? Math.max(...pods.map((p) => p.atMs)) - j.arriveMs : Infinity;
    })
    .sort((a, b) => a - b);
  const fmt = (ms: number) => (ms === Infinity ? 'never' : String(Math.round(ms)));
  const clusterGpus = 8 * (nodes.whole.length + nodes.shared.length);
  const gpusAllocated = bound.reduce((s, b) => s + podGpus(b.job), 0);
  return {
    scheduler,
    jobs: jobs.length,
    podsArrived: jobs.reduce((s, j) => s + j.workers, 0),
    podsBound: bound.length,
    seconds: +(lastBind / 1000).toFixed(2),
    podsPerSecond: +(bound.length / (lastBind / 1000)).toFixed(1),
    p50Ms: Math.round(quantile(sorted, 0.5) ?? 0),
    p99Ms: Math.round(quantile(sorted, 0.99) ?? 0),
    gpusAllocated: +gpusAllocated.toFixed(1),
    allocatedPct: +((100 * gpusAllocated) / clusterGpus).toFixed(1),
    devicesHeld: +bound.reduce((s, b) => s + podDevices(b.job), 0).toFixed(1),
    wholeFreeNodes: nodes.whole.filter((n) => !used.has(n)).length,
    gpu8Placed: `${waits.filter((w) => w !== Infinity).length}/${gpu8.length}`,
    gpu8WaitP50: fmt(quantile(waits, 0.5) ?? 0),
    gpu8WaitP99: fmt(quantile(waits, 0.99) ?? 0),
    partialGangGpus: bound.filter((b) => b.job.workers > 1 && (boundOf.get(b.job.index)?.length ?? 0) < b.job.workers).reduce((s, b) => s + podGpus(b.job), 0),
  };
}

const sleepUntil = (t: number) => new Promise((r) => setTimeout(r, Math.max(0, t - performance.now())));

/**
 * kube-scheduler's round. How the workload is represented for it (it has neither fractions nor gangs):
 * - a fraction asks for `nvidia.com/gpu.shared: r` on the time-sliced pool, r = the whole
 *   replicas Beamline charges for it (ceil(share × 4)); kube-scheduler counts replicas per
 *   node, not per device, so it never meets a device too full for a share (favours it);
 * - a gang is its workers as independent pods created at the same moment, each asking for
 *   `nvidia.com/gpu: 8`: no all-or-nothing, so part of a gang can hold GPUs while the rest
 *   waits (counted in `partialGangGpus`; it raises its GPUs allocated, and its gang wait is
 *   only over when the last worker is bound).
 * Pods are created at their job's arrival time (at most `concurrency` calls in flight); the
 * round ends when every pod is bound, or when none was bound for `quietMs` after the last arrival.
 */
export async function kubePlacementRound(kc: KubeConfig, namespace: string, jobs: BenchJob[], nodes: PlacementNodes, concurrency: number, quietMs: number): Promise<PlacementResult> {
  const core = kc.makeApiClient(CoreV1Api);
  const byName = new Map<string, BenchJob>();
  const bound = new Map<string, BoundPod>();
  let start = 0;
  let lastBound = 0;
  const stopWatch = await watchPods(kc, namespace, (pod: V1Pod) => {
    const name = pod.metadata?.name ?? '';
    const job = byName.get(name);
    if (job && pod.spec?.nodeName && !bound.has(name)) {
      lastBound = performance.now();
      bound.set(name, { job, atMs: lastBound - start, node: pod.spec.nodeName });
    }
  });
  const pods = jobs.flatMap((job) => Array.from({ length: job.workers }, (_, w) => ({ job, name: `k-${job.index}-${w}` })));
  for (const p of pods) byName.set(p.name, p.job);
  start = performance.now();
  let inFlight = 0;
  const calls: Promise<void>[] = [];
  for (const { job, name } of pods) {
    await sleepUntil(start + job.arriveMs);
    while (inFlight >= concurrency) await new Promise((r) => setTimeout(r, 5));
    inFlight++;
    const limits: Record<string, string> = 'count' in job.gpu ? { 'nvidia.com/gpu': String(job.gpu.count) } : { 'nvidia.com/gpu.shared': String(sharedReplicas(job.gpu.milli)) };
    const body = {
      metadata: { name, labels: { job: String(job.index) } },
      spec: {
        containers: [{ name: 'worker', image: 'bench', resources: { limits, requests: { cpu: `${job.cpuMilli}m`, memory: `${job.memoryMiB}Mi` } } }],
        tolerations: [{ key: 'nvidia.com/gpu', operator: 'Exists' }],
      },
    };
    calls.push(core.createNamespacedPod({ namespace, body }).then(() => void inFlight--));
  }
  await Promise.all(calls);
  lastBound = Math.max(lastBound, performance.now());
  while (bound.size < pods.length && performance.now() - lastBound < quietMs) await new Promise((r) => setTimeout(r, 200));
  stopWatch();
  return summarisePlacement('kube-scheduler', jobs, [...bound.values()], nodes);
}

/**
 * Beamline's round, as the controller's loop runs: each cycle takes the jobs arrived and not
 * yet placed, decides with the real engine on the KubernetesDriver's informer snapshot, then
 * creates and binds the decisions' pods by `options.path` (cycleCreator in k8s-bind-rounds.ts). With
 * nothing to decide it sleeps until the next arrival; it ends when every job has arrived and
 * a cycle places nothing (no job ends here, so nothing will ever be freed).
 */
export async function beamlinePlacementRound(kc: KubeConfig, namespace: string, jobs: BenchJob[], nodes: PlacementNodes, concurrency: number, policy: string, options: PathOptions): Promise<PlacementResult> {
  const driver = benchDriver(kc, namespace, options.path);
  await driver.start();
  const create = cycleCreator(driver, concurrency, options);
  const epoch = Date.now();
  const queued: SchedulableJob[] = [];
  const placed: SchedulableJob[] = [];
  const benchOf = new Map<string, BenchJob>();
  const bound: BoundPod[] = [];
  let arrived = 0;
  const start = performance.now();
  for (let cycle = 0; ; cycle++) {
    // 1. Arrivals up to now join the queue.
    const elapsed = performance.now() - start;
    while (arrived < jobs.length && jobs[arrived].arriveMs <= elapsed) {
      const j = jobs[arrived++];
      const id = `00000000-0000-4000-8000-${String(j.index).padStart(12, '0')}`;
      benchOf.set(id, j);
      queued.push({ id, projectId: 'bench', queue: OPEN_QUEUE, priority: 0, workers: j.workers, resources: { cpuMilli: j.cpuMilli, memoryMiB: j.memoryMiB, gpu: j.gpu }, createdAt: new Date(epoch + j.arriveMs) });
    }
    // 2. Snapshot and decide.
    const inventory = driver.inventory();
    const result =
      queued.length === 0
        ? { decisions: [] }
        : schedule({
            snapshot: buildSnapshot(inventory.nodes, inventory.foreign, placed),
            pending: queued.map(toEngineJob) as Job[],
            queues: engineQueues({ clusterQueues: [], projectQueues: [] }, inventory.nodes),
            policy,
            now: epoch + elapsed,
            seed: cycle,
          });
    if (result.decisions.length === 0) {
      if (arrived === jobs.length) break;
      await sleepUntil(start + jobs[arrived].arriveMs);
      continue;
    }
    // 3. Create and bind.
    const byId = new Map(queued.map((j) => [j.id, j]));
    const specs = result.decisions.map((d) => {
      const job = byId.get(d.jobId)!;
      job.placement = d.workers as WorkerPlacement[];
      placed.push(job);
      return specOf(job);
    });
    await create(specs, (spec) => {
      const atMs = performance.now() - start;
      for (const w of spec.workers) bound.push({ job: benchOf.get(spec.jobId)!, atMs, node: w.node });
    });
    const done = new Set(result.decisions.map((d) => d.jobId));
    queued.splice(0, queued.length, ...queued.filter((j) => !done.has(j.id)));
  }
  await driver.stop();
  return summarisePlacement(`beamline (${policy}, ${options.path})`, jobs, bound, nodes);
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
    cpuMilli: job.resources.cpuMilli,
    memoryMiB: job.resources.memoryMiB,
    gpuCount: job.resources.gpu?.count ?? 0,
    workers: job.placement!,
  };
}
