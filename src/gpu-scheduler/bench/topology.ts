import { ClusterState } from '../engine/cluster-state.js';
import { TargetWorkload } from '../engine/fragmentation.js';
import { Job, NodeSpec, TopologySpec, WorkerPlacement } from '../engine/model.js';
import { placeGang } from '../engine/placement.js';
import { createPolicy, DEFAULT_POLICY } from '../engine/policies/index.js';
import { createRng, Rng, shuffle } from '../engine/rng.js';
import { domainsTouched, RACK_LABEL } from '../engine/topology.js';

/**
 * A synthetic multi-rack cluster, seeded: `racks` racks of 4-8 nodes (uniform), each node
 * 8 × H100-80GB with 96 cores and 1 TiB, labelled as the GPU Operator and device plugin
 * label them plus the rack in topology.kubernetes.io/zone. Node names are shuffled, so that
 * the lowest-name tie-break of a topology-blind policy knows nothing of racks (as with
 * real node names).
 */
export function multiRackCluster(seed: number, racks = 16): NodeSpec[] {
  const rng = createRng(seed);
  const nodes: NodeSpec[] = [];
  for (let r = 0; r < racks; r++) {
    const size = 4 + rng.int(5);
    for (let i = 0; i < size; i++) {
      nodes.push({
        name: '',
        labels: {
          'nvidia.com/gpu.product': 'H100-80GB',
          'nvidia.com/gpu.count': '8',
          'nvidia.com/gpu.memory': '81559',
          'nvidia.com/mig.config': 'all-disabled',
          [RACK_LABEL]: `rack-${String(r).padStart(2, '0')}`,
        },
        taints: [],
        cpuMilli: 96_000,
        memoryMiB: 1_048_576,
        gpus: Array.from({ length: 8 }, (_, index) => ({ index, product: 'H100-80GB', memoryMiB: 81_559 })),
      });
    }
  }
  const names = shuffle(nodes.map((_, i) => `node-${String(i).padStart(4, '0')}`), rng);
  return nodes.map((n, i) => ({ ...n, name: names[i] }));
}

export interface TopologyRow {
  mode: string;
  gangGpus: number;
  arrived: number;
  placed: number;
  oneRack: number;
  meanRacks: number;
}

interface Running {
  job: Job;
  workers: WorkerPlacement[];
  ends: number;
}

const gang = (id: string, gpus: number, rng: Rng, topology?: TopologySpec): Job => ({
  id,
  // 4-GPU workers: an 8-GPU gang is 2 workers, a 32-GPU gang 8.
  workers: gpus / 4,
  request: { cpuMilli: 8_000 + 4_000 * rng.int(3), memoryMiB: 65_536, gpu: { kind: 'whole', count: 4 } },
  priority: 0,
  queue: 'q',
  project: 'p',
  submittedAt: 0,
  ...(topology ? { topology } : {}),
});

/**
 * One seeded run: 400 steps; each step some running jobs end, then 1-3 small jobs (1, 2, 4
 * or 8 GPUs, one worker) and one gang of 8, 16 or 32 GPUs arrive. The same arrivals, lengths
 * and sizes for every mode; only the gangs' topology differs. Placement: the default policy.
 */
export function topologyRun(seed: number, topology: TopologySpec | undefined): Map<number, { arrived: number; placed: number; oneRack: number; racks: number }> {
  const state = new ClusterState(multiRackCluster(seed));
  const rng = createRng(seed * 31 + 7);
  // Placement draws from its own stream, so every mode sees the same arrivals.
  const placeRng = createRng(seed * 31 + 8);
  const policy = createPolicy(DEFAULT_POLICY, TargetWorkload.fromRequests([gang('w', 8, rng).request, { cpuMilli: 4_000, memoryMiB: 16_384, gpu: { kind: 'whole', count: 1 } }]));
  const out = new Map([8, 16, 32].map((g) => [g, { arrived: 0, placed: 0, oneRack: 0, racks: 0 }]));
  const rackSpec: TopologySpec = { scope: 'rack', mode: 'required' };
  let running: Running[] = [];
  for (let step = 0; step < 400; step++) {
    for (const r of running.filter((x) => x.ends <= step)) for (const w of r.workers) state.release(w, r.job.request);
    running = running.filter((x) => x.ends > step);
    const smalls = 1 + rng.int(3);
    for (let i = 0; i < smalls; i++) {
      const count = [1, 1, 2, 4, 8][rng.int(5)];
      const job: Job = { id: `s${step}-${i}`, workers: 1, request: { cpuMilli: 4_000 * count, memoryMiB: 16_384 * count, gpu: { kind: 'whole', count } }, priority: 0, queue: 'q', project: 'p', submittedAt: step };
      const ends = step + 5 + rng.int(40);
      const w = placeGang(state, job, policy, placeRng);
      if (w) running.push({ job, workers: w, ends });
    }
    const gpus = [8, 16, 32][rng.int(3)];
    const job = gang(`g${step}`, gpus, rng, topology);
    const ends = step + 10 + rng.int(60);
    const w = placeGang(state, job, policy, placeRng);
    const row = out.get(gpus)!;
    row.arrived++;
    if (!w) continue;
    running.push({ job, workers: w, ends });
    row.placed++;
    const racks = domainsTouched(state, w, rackSpec);
    row.racks += racks;
    if (racks === 1) row.oneRack++;
  }
  return out;
}

/** The table's rows, summed over seeds: topology-blind, rack preferred, rack required. */
export function topologyTable(seeds: readonly number[]): TopologyRow[] {
  const modes: [string, TopologySpec | undefined][] = [
    ['topology-blind', undefined],
    ['rack, preferred', { scope: 'rack', mode: 'preferred' }],
    ['rack, required', { scope: 'rack', mode: 'required' }],
  ];
  const rows: TopologyRow[] = [];
  for (const [mode, t] of modes) {
    const sum = new Map([8, 16, 32].map((g) => [g, { arrived: 0, placed: 0, oneRack: 0, racks: 0 }]));
    for (const seed of seeds) {
      for (const [g, r] of topologyRun(seed, t)) {
        const s = sum.get(g)!;
        s.arrived += r.arrived;
        s.placed += r.placed;
        s.oneRack += r.oneRack;
        s.racks += r.racks;
      }
    }
    for (const [g, s] of sum) rows.push({ mode, gangGpus: g, arrived: s.arrived, placed: s.placed, oneRack: s.oneRack, meanRacks: s.placed ? s.racks / s.placed : NaN });
  }
  return rows;
}
