// npm run bench:k8s-bind -- --help
//
// Binding throughput and latency of Beamline's scheduler against the real kube-scheduler,
// in one run, on one control plane built from source (test/helpers/k8s-cluster.ts), with
// N KWOK nodes of 8 GPUs each. See docs/benchmarks.md for how to read the figures.
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { K8S_BIN_DIR, startK8sCluster } from '../helpers/k8s-cluster.js';
import { fakeGpuNode } from '../helpers/k8s-nodes.js';
import { loadPods } from '../../src/gpu-scheduler/bench/trace.js';
import { beamlinePlacementRound, kubePlacementRound, type PlacementNodes, type PlacementResult } from './k8s-bind-placement.js';
import { beamlineRound, CREATE_PATHS, kubeSchedulerRound, pool, type CreatePath, type RoundResult } from './k8s-bind-rounds.js';
import { placementWorkload, SHARED_REPLICAS } from './k8s-bind-workload.js';

const USAGE = `npm run bench:k8s-bind -- [options]

Beamline's scheduler against kube-scheduler, one after the other on the same API server and
the same KWOK nodes of 8 GPUs each (docs/benchmarks.md).

  --workload single|placement  single (default): --pods one-GPU pods submitted at once.
                           placement: a seeded mix of fractional, 1-, 2-, 4- and 8-GPU jobs and
                           gangs of 2 or 4 eight-GPU workers, drawn from the openb trace and
                           arriving over time; reports GPUs allocated, whole free nodes and
                           how long 8-GPU jobs wait, besides pods/s and time-to-bind
  --nodes N                nodes (default 1000; placement: 200)
  --pods M                 single: pods (default 2000)
  --concurrency C          kube-scheduler's client: creates in flight; Beamline per-workload:
                           workloads in flight; Beamline batch: API calls in flight at first (default 32)
  --paths LIST             Beamline's ways of making a cycle's pods, comma-separated (default batch,old):
                           batch: every pod of the cycle, then every binding, calls in flight adapted
                           to 429s (AIMD) from C up to --batch-max, connections kept alive: what the
                           controller's loop does;
                           old: the code before the batch: each workload created then bound, C
                           workloads in flight, a new connection per API call (client-node's default);
                           per-workload: old with connections kept alive; batch-fresh: batch with a
                           new connection per call (each change alone)
  --batch-max B            the batch's most calls in flight (default 64, the loop's)
  --repeat R               run kube-scheduler and each path R times, interleaved: kube-scheduler, then
                           the paths, their order reversed every other time (default 1)
  --policy P               Beamline's policy (default fgd-plus)
  --json FILE              also write the results as JSON
placement only:
  --shared-nodes S         of the N nodes, S are time-sliced (${SHARED_REPLICAS} replicas per GPU, resource
                           nvidia.com/gpu.shared): every fraction runs there (default N/8)
  --demand D               jobs are drawn until their GPUs reach D × the cluster's (default 1.3)
  --arrive-seconds T       arrivals are a Poisson process over about T seconds (default 20)
  --seed S                 the workload's seed (default 1)
  --data DIR               the openb CSVs (default ../shared/data/alibaba-gpu-v2023)
  --trace NAME             openb_pod_list_NAME.csv (default default)
  --quiet-seconds Q        kube-scheduler's round ends Q s after its last bind once all pods exist (default 10)
  --help                   this text`;

const { values } = parseArgs({
  options: {
    nodes: { type: 'string' },
    pods: { type: 'string', default: '2000' },
    concurrency: { type: 'string', default: '32' },
    policy: { type: 'string', default: 'fgd-plus' },
    json: { type: 'string' },
    workload: { type: 'string', default: 'single' },
    'shared-nodes': { type: 'string' },
    demand: { type: 'string', default: '1.3' },
    'arrive-seconds': { type: 'string', default: '20' },
    seed: { type: 'string', default: '1' },
    data: { type: 'string', default: '../shared/data/alibaba-gpu-v2023' },
    trace: { type: 'string', default: 'default' },
    'quiet-seconds': { type: 'string', default: '10' },
    paths: { type: 'string', default: 'batch,old' },
    'batch-max': { type: 'string', default: '64' },
    repeat: { type: 'string', default: '1' },
    help: { type: 'boolean', default: false },
  },
});
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}
if (!['single', 'placement'].includes(values.workload!)) {
  console.error(`unknown --workload ${values.workload}\n\n${USAGE}`);
  process.exit(2);
}
const PATHS = values.paths!.split(',').map((p) => p.trim()) as CreatePath[];
if (PATHS.some((p) => !CREATE_PATHS.includes(p))) {
  console.error(`unknown --paths ${values.paths}\n\n${USAGE}`);
  process.exit(2);
}
const REPEAT = Number(values.repeat);
const BATCH_MAX = Number(values['batch-max']);
const PLACEMENT = values.workload === 'placement';
const N = Number(values.nodes ?? (PLACEMENT ? 200 : 1000));
const M = Number(values.pods);
const S = Number(values['shared-nodes'] ?? Math.round(N / 8));
const C = Number(values.concurrency);
const log = (line: string) => console.error(`[bench] ${line}`);

async function waitUntil(what: string, check: () => Promise<boolean>): Promise<void> {
  while (!(await check())) await new Promise((r) => setTimeout(r, 500));
  log(what);
}

async function main(): Promise<void> {
  // kube-scheduler is timed here on its own, not next to the test cluster's.
  const cluster = await startK8sCluster({ log, kubeScheduler: false });
  const kc = new KubeConfig();
  kc.loadFromFile(cluster.kubeconfig);
  const core = kc.makeApiClient(CoreV1Api);
  let scheduler: ReturnType<typeof spawn> | undefined;
  try {
    // 1. N GPU nodes, Ready (KWOK heartbeats them). The placement workload's nodes are openb's
    //    most common 8-GPU node (96 CPU, 384 GiB); its last S nodes share their GPUs (time-slicing).
    const names = Array.from({ length: N }, (_, i) => `gpu-${String(i).padStart(5, '0')}`);
    const pools: PlacementNodes = { whole: names.slice(0, PLACEMENT ? N - S : N), shared: PLACEMENT ? names.slice(N - S) : [] };
    const shared = new Set(pools.shared);
    await pool(names, 32, async (name) => {
      const body = PLACEMENT
        ? fakeGpuNode({ name, gpus: 8, cpu: '96', memory: '384Gi', ...(shared.has(name) ? { sharing: { mode: 'time-slicing', replicas: SHARED_REPLICAS, renamed: true } } : {}) })
        : fakeGpuNode({ name, gpus: 8, cpu: '64', memory: '512Gi' });
      await core.createNode({ body });
    });
    await waitUntil(`${N} nodes Ready`, async () => {
      const list = await core.listNode();
      return list.items.filter((n) => n.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True')).length >= N;
    });
    // One namespace per round, so a round never meets an earlier round's pods by name.
    const namespaces: string[] = [];
    for (let r = 1; r <= REPEAT; r++) namespaces.push(`bench-kube-${r}`, ...PATHS.map((p) => `bench-${p}-${r}`));
    for (const ns of namespaces) await core.createNamespace({ body: { metadata: { name: ns } } });
    await waitUntil('service accounts', async () => {
      for (const namespace of namespaces) if ((await core.listNamespacedServiceAccount({ namespace })).items.length === 0) return false;
      return true;
    });
    const jobs = PLACEMENT
      ? placementWorkload(loadPods(values.data!, values.trace!), { seed: Number(values.seed), clusterGpus: 8 * N, demand: Number(values.demand), arriveSeconds: Number(values['arrive-seconds']), node: { cpuMilli: 96_000, memoryMiB: 384 * 1024 } })
      : [];
    if (PLACEMENT) log(`placement workload: ${jobs.length} jobs, ${jobs.reduce((s, j) => s + j.workers, 0)} pods`);
    // Every round ends by deleting its pods: the next round starts on empty nodes (the driver counts
    // any pod on a node, Beamline's of another namespace too). A loaded API server may drop a large delete, so retry.
    const clear = (namespace: string) =>
      waitUntil(`${namespace} pods deleted`, async () => {
        await core.deleteCollectionNamespacedPod({ namespace, gracePeriodSeconds: 0 }).catch(() => undefined);
        return (await core.listNamespacedPod({ namespace }).catch(() => ({ items: [1] }))).items.length === 0;
      });
    const rows: Array<(RoundResult | PlacementResult) & { round: number; load: string }> = [];
    const load = () => loadavg()[0].toFixed(1);

    for (let r = 1; r <= REPEAT; r++) {
      // 2. kube-scheduler binds M pods (single), or the placement workload's pods.
      scheduler = spawn(join(K8S_BIN_DIR, 'kube-scheduler'), [`--kubeconfig=${cluster.kubeconfig}`, '--leader-elect=false', '--secure-port=0'], { stdio: 'ignore' });
      await new Promise((res) => setTimeout(res, 3000)); // let its informers sync before the clock starts
      const kubeNs = `bench-kube-${r}`;
      const kubeLoad = load();
      const kube = PLACEMENT ? await kubePlacementRound(kc, kubeNs, jobs, pools, C, 1000 * Number(values['quiet-seconds'])) : await kubeSchedulerRound(kc, kubeNs, M, C, N);
      log(`kube-scheduler #${r} (load ${kubeLoad} → ${load()}): ${JSON.stringify(kube)}`);
      rows.push({ ...kube, round: r, load: `${kubeLoad} → ${load()}` });
      scheduler.kill('SIGTERM');
      scheduler = undefined;
      await clear(kubeNs);

      // 3. Beamline binds the same workload on the same nodes, by each path; the order alternates between repetitions.
      for (const path of r % 2 === 1 ? PATHS : [...PATHS].reverse()) {
        const ns = `bench-${path}-${r}`;
        const before = load();
        const options = { path, maxConcurrency: BATCH_MAX };
        const beamline = PLACEMENT ? await beamlinePlacementRound(kc, ns, jobs, pools, C, values.policy!, options) : await beamlineRound(kc, ns, M, C, N, values.policy!, options);
        log(`${beamline.scheduler} #${r} (load ${before} → ${load()}): ${JSON.stringify(beamline)}`);
        rows.push({ ...beamline, round: r, load: `${before} → ${load()}` });
        await clear(ns);
      }
    }
    if (PLACEMENT) printPlacement(rows as Array<PlacementResult & { round: number; load: string }>);
    else print(rows as Array<RoundResult & { round: number; load: string }>);
    if (values.json) writeFileSync(values.json, JSON.stringify(rows, null, 2));
  } finally {
    scheduler?.kill('SIGKILL');
    await cluster.stop();
  }
}

function print(rows: Array<RoundResult & { round: number; load: string }>): void {
  const head = ['round', 'scheduler', 'pods', 'seconds', 'pods/s', 'p50 ms', 'p99 ms', 'nodes used', 'whole free nodes', 'load avg (1 min) before → after'];
  console.log(`\nbench:k8s-bind  nodes=${N} (8 GPUs each)  pods=${M} (1 GPU each)  concurrency=${C}  batch max=${BATCH_MAX}\n`);
  console.log(`| ${head.join(' | ')} |\n|${head.map(() => '---').join('|')}|`);
  for (const r of rows) console.log(`| ${[r.round, r.scheduler, r.pods, r.seconds, r.podsPerSecond, r.p50Ms, r.p99Ms, r.nodesUsed, r.wholeFreeNodes, r.load].join(' | ')} |`);
}

function printPlacement(rows: Array<PlacementResult & { round: number; load: string }>): void {
  const head = ['round', 'scheduler', 'pods bound / arrived', 'GPUs allocated', 'alloc %', 'devices held', 'whole free 8-GPU nodes', '8-GPU jobs placed', '8-GPU wait p50 ms', '8-GPU wait p99 ms', 'GPUs in partial gangs', 'seconds', 'pods/s', 'p50 ms', 'p99 ms', 'load avg (1 min) before → after'];
  console.log(`\nbench:k8s-bind --workload placement  nodes=${N} (${N - S} whole + ${S} time-sliced, 8 GPUs each)  seed=${values.seed}  demand=${values.demand}  arrivals over ${values['arrive-seconds']} s  concurrency=${C}  batch max=${BATCH_MAX}\n`);
  console.log(`| ${head.join(' | ')} |\n|${head.map(() => '---').join('|')}|`);
  for (const r of rows) {
    const cells = [r.round, r.scheduler, `${r.podsBound} / ${r.podsArrived}`, r.gpusAllocated, r.allocatedPct, r.devicesHeld, r.wholeFreeNodes, r.gpu8Placed, r.gpu8WaitP50, r.gpu8WaitP99, r.partialGangGpus, r.seconds, r.podsPerSecond, r.p50Ms, r.p99Ms, r.load];
    console.log(`| ${cells.join(' | ')} |`);
  }
}

main().catch((error: Error) => {
  console.error(error);
  process.exit(1);
});
