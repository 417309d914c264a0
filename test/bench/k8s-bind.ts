// npm run bench:k8s-bind -- [--nodes 1000] [--pods 2000] [--concurrency 32] [--policy fgd-plus] [--json out.json]
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
import { beamlineRound, kubeSchedulerRound, pool, type RoundResult } from './k8s-bind-rounds.js';

const { values } = parseArgs({
  options: {
    nodes: { type: 'string', default: '1000' },
    pods: { type: 'string', default: '2000' },
    concurrency: { type: 'string', default: '32' },
    policy: { type: 'string', default: 'fgd-plus' },
    json: { type: 'string' },
  },
});
const N = Number(values.nodes);
const M = Number(values.pods);
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
    // 1. N GPU nodes, Ready (KWOK heartbeats them).
    const names = Array.from({ length: N }, (_, i) => `gpu-${String(i).padStart(5, '0')}`);
    await pool(names, 32, async (name) => void (await core.createNode({ body: fakeGpuNode({ name, gpus: 8, cpu: '64', memory: '512Gi' }) })));
    await waitUntil(`${N} nodes Ready`, async () => {
      const list = await core.listNode();
      return list.items.filter((n) => n.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True')).length >= N;
    });
    for (const ns of ['bench-kube', 'bench-beamline']) await core.createNamespace({ body: { metadata: { name: ns } } });
    await waitUntil('service accounts', async () => (await core.listNamespacedServiceAccount({ namespace: 'bench-kube' })).items.length > 0);

    // 2. kube-scheduler binds M pods.
    scheduler = spawn(join(K8S_BIN_DIR, 'kube-scheduler'), [`--kubeconfig=${cluster.kubeconfig}`, '--leader-elect=false', '--secure-port=0'], { stdio: 'ignore' });
    await new Promise((r) => setTimeout(r, 3000)); // let its informers sync before the clock starts
    const kube = await kubeSchedulerRound(kc, 'bench-kube', M, C, N);
    log(`kube-scheduler: ${JSON.stringify(kube)}`);
    scheduler.kill('SIGTERM');
    scheduler = undefined;
    // Free the GPUs for the next round; a loaded API server may drop a 2,000-pod delete, so retry.
    await waitUntil('kube-scheduler pods deleted', async () => {
      await core.deleteCollectionNamespacedPod({ namespace: 'bench-kube', gracePeriodSeconds: 0 }).catch(() => undefined);
      return (await core.listNamespacedPod({ namespace: 'bench-kube' }).catch(() => ({ items: [1] }))).items.length === 0;
    });

    // 3. Beamline binds M single-GPU jobs on the same nodes.
    const beamline = await beamlineRound(kc, 'bench-beamline', M, C, N, values.policy!);
    log(`beamline: ${JSON.stringify(beamline)}`);
    print([kube, beamline]);
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

main().catch((error: Error) => {
  console.error(error);
  process.exit(1);
});
