import { createRng } from '../../src/gpu-scheduler/engine/rng.js';
import type { TracePod } from '../../src/gpu-scheduler/bench/trace.js';

// The placement workload of bench:k8s-bind (`--workload placement`): a seeded mix of
// fractional, 1-, 2-, 4- and 8-GPU jobs and multi-node gangs of 8-GPU workers, arriving over
// time. Each job's CPU, memory and GPU share are those of a pod drawn from the openb trace
// (read from where the caller keeps it; nothing of it is copied here). The mix is re-weighted
// towards multi-GPU jobs, which are rare in openb (default trace: 44 of 8,152 pods ask for 8
// GPUs) but are where placement decides whether a whole node is left for them.

/** Shares of the jobs by kind (they need not sum to 1: they are weights). */
export const DEFAULT_MIX = { share: 0.4, gpu1: 0.35, gpu2: 0.1, gpu4: 0.07, gpu8: 0.05, gang: 0.03 } as const;
export type JobKind = keyof typeof DEFAULT_MIX;

/** Replicas per GPU on the time-sliced pool: every fraction runs there, for both schedulers. */
export const SHARED_REPLICAS = 4;

export interface BenchJob {
  index: number;
  kind: JobKind;
  /** Milliseconds after the round's start at which the job is submitted. */
  arriveMs: number;
  /** 1, or 2–4 for a gang (every worker asks for 8 GPUs). */
  workers: number;
  /** Per worker. */
  cpuMilli: number;
  memoryMiB: number;
  gpu: { count: number } | { milli: number };
}

export interface WorkloadOptions {
  seed: number;
  /** Whole GPUs of the cluster (both pools). */
  clusterGpus: number;
  /** Jobs are drawn until their GPUs reach this share of clusterGpus (1.3 = 130 %). */
  demand: number;
  /** Arrivals are a Poisson process over about this many seconds. */
  arriveSeconds: number;
  mix?: Record<JobKind, number>;
  /** The nodes' CPU and memory: trace pods asking for more (openb has 8-GPU pods of 120 CPU) are not drawn, since no scheduler could place them. */
  node: { cpuMilli: number; memoryMiB: number };
}

/** GPUs one job asks for in all (a fraction counts as its fraction). */
export const jobGpus = (j: BenchJob): number => j.workers * ('count' in j.gpu ? j.gpu.count : j.gpu.milli / 1000);

/**
 * 1. Split the trace's GPU pods that fit a node by kind (fraction: one GPU below 1000 milli; whole: 1, 2, 4, 8).
 * 2. Draw jobs: a kind by the mix's weights, then a trace pod of that kind (a gang's workers
 *    copy one 8-GPU pod; 2 or 4 of them, evenly), until the demand is reached.
 * 3. Arrival times: exponential gaps at rate jobs / arriveSeconds.
 */
export function placementWorkload(trace: TracePod[], options: WorkloadOptions): BenchJob[] {
  const rng = createRng(options.seed);
  const mix = options.mix ?? DEFAULT_MIX;
  // 1.
  const byKind: Record<JobKind, TracePod[]> = { share: [], gpu1: [], gpu2: [], gpu4: [], gpu8: [], gang: [] };
  for (const p of trace) {
    if (p.request.cpuMilli > options.node.cpuMilli || p.request.memoryMiB > options.node.memoryMiB) continue;
    const g = p.request.gpu;
    if (g.kind === 'share') byKind.share.push(p);
    else if (g.kind === 'whole' && [1, 2, 4, 8].includes(g.count)) byKind[`gpu${g.count}` as JobKind].push(p);
  }
  byKind.gang = byKind.gpu8;
  for (const [kind, pods] of Object.entries(byKind)) if (pods.length === 0 && mix[kind as JobKind] > 0) throw new Error(`the trace has no ${kind} pods`);
  // 2.
  const kinds = Object.keys(mix) as JobKind[];
  const total = kinds.reduce((s, k) => s + mix[k], 0);
  const jobs: BenchJob[] = [];
  for (let gpus = 0; gpus < options.demand * options.clusterGpus; ) {
    let r = rng.next() * total;
    const kind = kinds.find((k) => (r -= mix[k]) < 0) ?? kinds[kinds.length - 1];
    const pod = byKind[kind][rng.int(byKind[kind].length)];
    const g = pod.request.gpu;
    const job: BenchJob = {
      index: jobs.length,
      kind,
      arriveMs: 0,
      workers: kind === 'gang' ? (rng.next() < 0.5 ? 2 : 4) : 1,
      cpuMilli: pod.request.cpuMilli,
      memoryMiB: pod.request.memoryMiB,
      gpu: g.kind === 'share' ? { milli: g.milli } : { count: g.kind === 'whole' ? g.count : 0 },
    };
    jobs.push(job);
    gpus += jobGpus(job);
  }
  // 3.
  const meanGapMs = (options.arriveSeconds * 1000) / jobs.length;
  let t = 0;
  for (const j of jobs) {
    j.arriveMs = Math.round(t);
    t += -Math.log(1 - rng.next()) * meanGapMs;
  }
  return jobs;
}

/** Replicas of the time-sliced resource a fraction takes: whole replicas, as Beamline's engine charges it (engine/sharing.ts). */
export const sharedReplicas = (milli: number): number => Math.ceil(milli / Math.floor(1000 / SHARED_REPLICAS));
