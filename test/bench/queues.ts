// npm run bench:queues -- [--workloads 15000] [--queues 30] [--nodes 8] [--concurrency 16] [--smoke] [--json out.json]
//
// Kueue's scheduler scale test (15,000 workloads over 30 cluster queues in 5 cohorts; see
// queues-shape.ts) through the whole platform: the REST API, real PostgreSQL and Redis, the
// controller on the Kubernetes driver against the control plane built from source
// (test/helpers/k8s-cluster.ts), with KWOK nodes; each pod "runs" for its class's runtime
// (tools/kwok/stages/beamline-pod-run-for.yaml). See docs/benchmarks.md, "Queues at Kueue's scale".
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { startK8sCluster } from '../helpers/k8s-cluster.js';
import { fakeGpuNode } from '../helpers/k8s-nodes.js';
import { benchApi, benchLog as log, seedToken, sleep, startBenchPlatform, type BenchPlatform } from './bench-platform.js';
import { pool } from './k8s-bind-rounds.js';
import { BORROWING_LIMIT_CPU, CLASSES, cohortName, cycleRow, KUEUE, NOMINAL_CPU, quantile, queueName, submissions, type CycleSample } from './queues-shape.js';

const { values } = parseArgs({
  options: {
    workloads: { type: 'string', default: '15000' },
    queues: { type: 'string', default: '30' },
    nodes: { type: 'string', default: '8' },
    concurrency: { type: 'string', default: '16' },
    'max-seconds': { type: 'string', default: '0' },
    smoke: { type: 'boolean', default: false },
    json: { type: 'string' },
    help: { type: 'boolean', default: false },
  },
});
if (values.help) {
  console.log(`npm run bench:queues -- [options]
  --workloads N    workloads to submit (default 15000, Kueue's scale test)
  --queues N       cluster queues, 6 per cohort (default 30)
  --nodes N        KWOK nodes of 100 CPUs each (default 8: 800 CPUs for 30 × 20 nominal)
  --concurrency N  submissions in flight (default 16)
  --max-seconds N  stop waiting N s after the first submission and report what was admitted by then (0: wait for all)
  --smoke          a small run to iterate with: 300 workloads, 6 queues, 2 nodes
  --json FILE      also write the figures as JSON`);
  process.exit(0);
}
const WORKLOADS = values.smoke ? 300 : Number(values.workloads);
const QUEUES = values.smoke ? 6 : Number(values.queues);
const NODES = values.smoke ? 2 : Number(values.nodes);
const CONCURRENCY = Number(values.concurrency);
const MAX_SECONDS = Number(values['max-seconds']);
const PROJECT = 'bench';
// Under src/ and decorated: imported after bench-platform.ts has registered the metadata hook.
const { CLUSTER_DRIVER } = await import('../../src/cluster/cluster-driver.js');
const { SchedulingLoop } = await import('../../src/training/scheduling/scheduling.loop.js');
const { SchedulingRepository } = await import('../../src/training/scheduling/scheduling.repository.js');
const { JobReconciler } = await import('../../src/training/scheduling/job.reconciler.js');

async function main(): Promise<void> {
  const cluster = await startK8sCluster({ log, kubeScheduler: false });
  const kc = new KubeConfig();
  kc.loadFromFile(cluster.kubeconfig);
  const core = kc.makeApiClient(CoreV1Api);
  let platform: BenchPlatform | undefined;
  try {
    // 1. KWOK nodes without GPUs (Kueue's test charges CPU), and the namespace the driver uses.
    const names = Array.from({ length: NODES }, (_, i) => `cpu-${String(i).padStart(3, '0')}`);
    await pool(names, 8, async (name) => void (await core.createNode({ body: fakeGpuNode({ name, gpus: 0, cpu: '100', memory: '4Ti' }) })));
    await core.createNamespace({ body: { metadata: { name: 'bench-queues' } } });
    while ((await core.listNamespacedServiceAccount({ namespace: 'bench-queues' })).items.length === 0) await sleep(200);

    // 2. The platform, in this process so its controller cycles can be timed one by one.
    process.env.KUBECONFIG = cluster.kubeconfig;
    platform = await startBenchPlatform('queues', {
      BEAMLINE_CLUSTER_DRIVER: 'kubernetes',
      BEAMLINE_K8S_NAMESPACE: 'bench-queues',
      BEAMLINE_PUBLIC_URL: 'http://beamline-api.beamline.svc:8080',
      BEAMLINE_SCHEDULER_INTERVAL_MS: '200',
      BEAMLINE_RECONCILE_INTERVAL_MS: '300',
      // A burst of thousands of submissions from one token is the point here (defaults: 60/min, 600/min per project).
      BEAMLINE_RATE_SUBMIT_PER_TOKEN: 'off',
      BEAMLINE_RATE_SUBMIT_PER_PROJECT: 'off',
    });
    const { app, prisma } = platform;
    const cycles = timeCycles(app);
    const api = benchApi(platform.base, await seedToken(prisma, PROJECT, 'ADMIN'));

    // 3. Kueue's queues: 6 per cohort, nominal 20 CPU, borrowing up to 100, no minimum runtime.
    for (let q = 0; q < QUEUES; q++) {
      const cq = await api('POST', '/v1/cluster-queues', {
        name: queueName(q),
        cohort: cohortName(q),
        quota: [{ resource: 'cpu', nominal: String(NOMINAL_CPU), borrowingLimit: String(BORROWING_LIMIT_CPU) }],
        preemption: { withinClusterQueue: 'LowerPriority', reclaimWithinCohort: 'Any', minRuntimeSeconds: 0 },
      });
      if (cq.status !== 201) throw new Error(`cluster queue: ${cq.status} ${JSON.stringify(cq.body)}`);
      const pq = await api('POST', `/v1/projects/${PROJECT}/queues`, { name: queueName(q), clusterQueue: queueName(q) });
      if (pq.status !== 201) throw new Error(`project queue: ${pq.status} ${JSON.stringify(pq.body)}`);
    }

    // 4. Submit everything through the REST API, as fast as it answers.
    const subs = submissions(WORKLOADS, QUEUES);
    log(`submitting ${subs.length} workloads over ${QUEUES} queues; ${NODES} nodes × 100 CPUs`);
    const start = Date.now();
    await pool(subs.map((sub, i) => ({ ...sub, key: `bench-${i}` })), CONCURRENCY, async ({ queue, cls, key }) => {
      if (MAX_SECONDS > 0 && Date.now() - start > MAX_SECONDS * 1000) return;
      const res = await api('POST', `/v1/projects/${PROJECT}/training-jobs`, {
        name: `${cls.name}-${queue}`,
        image: 'registry.local/bench:1',
        command: ['true'],
        queue,
        priority: cls.priority,
        env: { KWOK_SIMULATE: 'run-for', KWOK_RUNTIME: `${cls.runtimeMs}ms` },
        resources: { cpu: String(cls.cpu), memory: '1Gi' },
      }, { 'idempotency-key': key });
      if (res.status !== 201 && res.status !== 200) throw new Error(`submit: ${res.status} ${JSON.stringify(res.body)}`);
    });
    const submitSeconds = (Date.now() - start) / 1000;
    log(`submitted in ${submitSeconds.toFixed(1)} s`);

    // 5. Wait until every job has finished.
    for (;;) {
      const counts = await prisma.trainingJob.groupBy({ by: ['status'], _count: true });
      const by = Object.fromEntries(counts.map((c) => [c.status, c._count]));
      log(`${JSON.stringify(by)}; cycles ${cycles.length}`);
      if ((by.Succeeded ?? 0) + (by.Failed ?? 0) + (by.Cancelled ?? 0) >= subs.length) break;
      if (MAX_SECONDS > 0 && Date.now() - start > MAX_SECONDS * 1000) {
        log(`--max-seconds ${MAX_SECONDS} reached: reporting what was admitted so far`);
        break;
      }
      await sleep(5000);
    }
    const wall = (Date.now() - start) / 1000;
    const jobs = await prisma.trainingJob.findMany({ select: { name: true, status: true, createdAt: true, scheduledAt: true, finishedAt: true, attempt: true } });
    const report = summarise(jobs, subs.length, cycles, wall, submitSeconds);
    print(report);
    if (values.json) writeFileSync(values.json, JSON.stringify({ ...report, cycles }, null, 2));
  } finally {
    await platform?.close();
    await cluster.stop();
  }
}

/**
 * Times each controller cycle and its parts by wrapping, in this process, the reconciler,
 * the scheduling loop, the repository's pending-reason writes and the driver's pod creation.
 */
function timeCycles(app: BenchPlatform['app']): CycleSample[] {
  const samples: CycleSample[] = [];
  const driver = app.get<typeof CLUSTER_DRIVER, import('../../src/cluster/cluster-driver.js').ClusterDriver>(CLUSTER_DRIVER, { strict: false });
  let reconcileMs = 0;
  let reasonsMs = 0;
  let firstBind: number | undefined;
  let lastBind = 0;
  const wrap = <T extends object>(target: T, method: keyof T & string, around: (call: () => Promise<unknown>) => Promise<unknown>) => {
    const original = (target[method] as (...args: unknown[]) => Promise<unknown>).bind(target);
    (target as Record<string, unknown>)[method] = (...args: unknown[]) => around(() => original(...args));
  };
  const adding = (add: (ms: number) => void) => async (call: () => Promise<unknown>) => {
    const t0 = performance.now();
    try {
      return await call();
    } finally {
      add(performance.now() - t0);
    }
  };
  wrap(app.get(JobReconciler, { strict: false }), 'runOnce', adding((ms) => (reconcileMs += ms)));
  wrap(app.get(SchedulingRepository, { strict: false }), 'setPendingReasons', adding((ms) => (reasonsMs += ms)));
  wrap(driver, 'createWorkload', async (call) => {
    firstBind ??= performance.now();
    try {
      return await call();
    } finally {
      lastBind = performance.now();
    }
  });
  wrap(app.get(SchedulingLoop, { strict: false }), 'runOnce', async (call) => {
    firstBind = undefined;
    reasonsMs = 0;
    const t0 = performance.now();
    const result = (await call()) as { bound: number; pending: number };
    const ms = performance.now() - t0;
    samples.push({ ms, reconcileMs, bindMs: firstBind === undefined ? 0 : lastBind - firstBind, reasonsMs, bound: result.bound, pending: result.pending });
    reconcileMs = 0;
    return result;
  });
  return samples;
}

interface JobRow {
  name: string;
  status: string;
  createdAt: Date;
  scheduledAt: Date | null;
  finishedAt: Date | null;
  attempt: number;
}

function summarise(jobs: JobRow[], planned: number, cycles: CycleSample[], wall: number, submitSeconds: number) {
  const maxPending = Math.max(0, ...cycles.map((c) => c.pending));
  const admitted = jobs.filter((j) => j.scheduledAt);
  const first = Math.min(...jobs.map((j) => j.createdAt.getTime()));
  const lastAdmit = Math.max(...admitted.map((j) => j.scheduledAt!.getTime()));
  const admitSeconds = (lastAdmit - first) / 1000;
  const wait = (rows: JobRow[]) => rows.filter((j) => j.scheduledAt).map((j) => j.scheduledAt!.getTime() - j.createdAt.getTime());
  const byClass = CLASSES.map((c) => {
    const rows = jobs.filter((j) => j.name.startsWith(`${c.name}-`));
    const w = wait(rows);
    return { class: c.name, jobs: rows.length, avgMs: Math.round(w.reduce((a, b) => a + b, 0) / Math.max(1, w.length)), p50Ms: quantile(w, 0.5), p99Ms: quantile(w, 0.99) };
  });
  const all = wait(jobs);
  return {
    planned,
    workloads: jobs.length,
    admitted: admitted.length,
    maxPending,
    queues: QUEUES,
    nodes: NODES,
    succeeded: jobs.filter((j) => j.status === 'Succeeded').length,
    preempted: jobs.filter((j) => j.attempt > 0).length,
    submitSeconds: +submitSeconds.toFixed(1),
    admitSeconds: +admitSeconds.toFixed(1),
    wallSeconds: +wall.toFixed(1),
    admissionsPerSecond: +(admitted.length / admitSeconds).toFixed(1),
    p50AdmitMs: quantile(all, 0.5),
    p99AdmitMs: quantile(all, 0.99),
    byClass,
    podsCreatedMs: Math.round(cycles.reduce((a, c) => a + c.bindMs, 0)),
    reasonsMs: Math.round(cycles.reduce((a, c) => a + c.reasonsMs, 0)),
    reconcileMs: Math.round(cycles.reduce((a, c) => a + c.reconcileMs, 0)),
    cycleMs: Math.round(cycles.reduce((a, c) => a + c.ms, 0)),
    cycleRows: [
      cycleRow('all cycles', cycles),
      cycleRow(`≥ ${Math.round(maxPending * 0.9)} pending (90% of the most seen)`, cycles.filter((c) => c.pending >= maxPending * 0.9)),
      cycleRow('≥ 10,000 pending', cycles.filter((c) => c.pending >= 10_000)),
      cycleRow('cycles that bound nothing', cycles.filter((c) => c.bound === 0)),
    ],
  };
}

function print(r: ReturnType<typeof summarise>): void {
  const table = (head: string[], rows: (string | number)[][]) =>
    console.log(`| ${head.join(' | ')} |\n|${head.map(() => '---').join('|')}|\n${rows.map((row) => `| ${row.join(' | ')} |`).join('\n')}\n`);
  console.log(`\nbench:queues  submitted=${r.workloads} of ${r.planned}  admitted=${r.admitted}  most pending after a cycle=${r.maxPending}  queues=${r.queues} (6 per cohort)  nodes=${r.nodes} × 100 CPUs  preempted at least once=${r.preempted}\n`);
  const kueueRate = KUEUE.workloads / KUEUE.wallSeconds;
  table(
    ['system', 'workloads', 'admitted in (s)', 'admissions/s', 'p50 time-to-admit (s)', 'p99 time-to-admit (s)', 'submit (s)', 'all finished (s)'],
    [
      ['Kueue (published, minimalkueue in envtest, no pods)', KUEUE.workloads, KUEUE.wallSeconds, kueueRate.toFixed(1), '–', '–', '–', KUEUE.wallSeconds],
      ['Beamline (REST + PostgreSQL + pods on kube-apiserver/KWOK)', r.admitted, r.admitSeconds, r.admissionsPerSecond, (r.p50AdmitMs / 1000).toFixed(1), (r.p99AdmitMs / 1000).toFixed(1), r.submitSeconds, r.wallSeconds],
    ],
  );
  table(
    ['class', 'jobs', 'Beamline avg time-to-admit (s)', 'p50 (s)', 'p99 (s)', 'Kueue avg (s)'],
    r.byClass.map((c) => [c.class, c.jobs, (c.avgMs / 1000).toFixed(1), (c.p50Ms / 1000).toFixed(1), (c.p99Ms / 1000).toFixed(1), (KUEUE.avgTimeToAdmitMs[c.class as 'small'] / 1000).toFixed(1)]),
  );
  table(['scheduling cycles (SchedulingLoop.runOnce)', 'count', 'p50 ms', 'p99 ms', 'max ms', 'p50 ms without pods and reasons', 'p99 ms without', 'max ms without'], r.cycleRows);
  const s = (ms: number) => (ms / 1000).toFixed(1);
  console.log(`time in scheduling cycles: ${s(r.cycleMs)} s: creating + binding pods on the API server ${s(r.podsCreatedMs)} s, writing pending reasons ${s(r.reasonsMs)} s, the rest (reads, decide, records) ${s(r.cycleMs - r.podsCreatedMs - r.reasonsMs)} s; reconciler (between cycles): ${s(r.reconcileMs)} s`);
}

main().catch((error: Error) => {
  console.error(error);
  process.exit(1);
});
