// npm run bench:k8s-bind -- --help
//
// Binding throughput and latency of Beamline's scheduler against the real kube-scheduler,
// in one run, on one control plane built from source (test/helpers/k8s-cluster.ts), with
// N KWOK nodes of 8 GPUs each. See docs/benchmarks.md for how to read the figures.
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { K8S_BIN_DIR, startK8sCluster } from '../helpers/k8s-cluster.js';
import { fakeGpuNode } from '../helpers/k8s-nodes.js';
import { loadPods } from '../../src/gpu-scheduler/bench/trace.js';
import { beamlinePlacementRound, kubePlacementRound, type PlacementNodes, type PlacementResult } from './k8s-bind-placement.js';
import { beamlineRound, kubeSchedulerRound, pool, type RoundResult } from './k8s-bind-rounds.js';
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
  --concurrency C          API calls (single) or workloads (placement) in flight (default 32)
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
    for (const ns of ['bench-kube', 'bench-beamline']) await core.createNamespace({ body: { metadata: { name: ns } } });
    await waitUntil('service accounts', async () => (await core.listNamespacedServiceAccount({ namespace: 'bench-kube' })).items.length > 0);

    // 2. kube-scheduler binds M pods (single), or the placement workload's pods.
    scheduler = spawn(join(K8S_BIN_DIR, 'kube-scheduler'), [`--kubeconfig=${cluster.kubeconfig}`, '--leader-elect=false', '--secure-port=0'], { stdio: 'ignore' });
    await new Promise((r) => setTimeout(r, 3000)); // let its informers sync before the clock starts
    const jobs = PLACEMENT
      ? placementWorkload(loadPods(values.data!, values.trace!), { seed: Number(values.seed), clusterGpus: 8 * N, demand: Number(values.demand), arriveSeconds: Number(values['arrive-seconds']), node: { cpuMilli: 96_000, memoryMiB: 384 * 1024 } })
      : [];
    if (PLACEMENT) log(`placement workload: ${jobs.length} jobs, ${jobs.reduce((s, j) => s + j.workers, 0)} pods`);
    const kube = PLACEMENT ? await kubePlacementRound(kc, 'bench-kube', jobs, pools, C, 1000 * Number(values['quiet-seconds'])) : await kubeSchedulerRound(kc, 'bench-kube', M, C, N);
    log(`kube-scheduler: ${JSON.stringify(kube)}`);
    scheduler.kill('SIGTERM');
    scheduler = undefined;
    // Free the GPUs for the next round; a loaded API server may drop a 2,000-pod delete, so retry.
    await waitUntil('kube-scheduler pods deleted', async () => {
      await core.deleteCollectionNamespacedPod({ namespace: 'bench-kube', gracePeriodSeconds: 0 }).catch(() => undefined);
      return (await core.listNamespacedPod({ namespace: 'bench-kube' }).catch(() => ({ items: [1] }))).items.length === 0;
    });

    // 3. Beamline binds the same workload on the same nodes.
    const beamline = PLACEMENT ? await beamlinePlacementRound(kc, 'bench-beamline', jobs, pools, C, values.policy!) : await beamlineRound(kc, 'bench-beamline', M, C, N, values.policy!);
    log(`beamline: ${JSON.stringify(beamline)}`);
    if (PLACEMENT) printPlacement([kube, beamline] as PlacementResult[]);
    else print([kube, beamline] as RoundResult[]);
    if (values.json) writeFileSync(values.json, JSON.stringify([kube, beamline], null, 2));
  } finally {
    scheduler?.kill('SIGKILL');
    await cluster.stop();
  }
}

function print(rows: RoundResult[]): void {
  const head = ['scheduler', 'pods', 'seconds', 'pods/s', 'p50 ms', 'p99 ms', 'nodes used', 'whole free nodes'];
  console.log(`\nbench:k8s-bind  nodes=${N} (8 GPUs each)  pods=${M} (1 GPU each)  client concurrency=${C}\n`);
  console.log(`| ${head.join(' | ')} |\n|${head.map(() => '---').join('|')}|`);
  for (const r of rows) console.log(`| ${[r.scheduler, r.pods, r.seconds, r.podsPerSecond, r.p50Ms, r.p99Ms, r.nodesUsed, r.wholeFreeNodes].join(' | ')} |`);
}

function printPlacement(rows: PlacementResult[]): void {
  const head = ['scheduler', 'pods bound / arrived', 'GPUs allocated', 'alloc %', 'devices held', 'whole free 8-GPU nodes', '8-GPU jobs placed', '8-GPU wait p50 ms', '8-GPU wait p99 ms', 'GPUs in partial gangs', 'seconds', 'pods/s', 'p50 ms', 'p99 ms'];
  console.log(`\nbench:k8s-bind --workload placement  nodes=${N} (${N - S} whole + ${S} time-sliced, 8 GPUs each)  seed=${values.seed}  demand=${values.demand}  arrivals over ${values['arrive-seconds']} s  concurrency=${C}\n`);
  console.log(`| ${head.join(' | ')} |\n|${head.map(() => '---').join('|')}|`);
  for (const r of rows) {
    const cells = [r.scheduler, `${r.podsBound} / ${r.podsArrived}`, r.gpusAllocated, r.allocatedPct, r.devicesHeld, r.wholeFreeNodes, r.gpu8Placed, r.gpu8WaitP50, r.gpu8WaitP99, r.partialGangGpus, r.seconds, r.podsPerSecond, r.p50Ms, r.p99Ms];
    console.log(`| ${cells.join(' | ')} |`);
  }
}

main().catch((error: Error) => {
  console.error(error);
  process.exit(1);
});
