// npm run bench:queues -- [--workloads 15000] [--queues 30] [--nodes 8] [--concurrency 16] [--cluster kwok|sim] [--hold] [--smoke] [--json out.json]
//
// Kueue's scheduler scale test (15,000 workloads over 30 cluster queues in 5 cohorts; see
// queues-shape.ts) through the whole platform: the REST API, real PostgreSQL and Redis, the
// controller on the Kubernetes driver against the control plane built from source
// (test/helpers/k8s-cluster.ts), with KWOK nodes; each pod "runs" for its class's runtime
// (tools/kwok/stages/beamline-pod-run-for.yaml). With --cluster sim, Kueue's own method instead:
// no API server, workloads finish after their runtime in a simulated cluster (sim-cluster.ts).
// See docs/benchmarks.md, "Queues at Kueue's scale".
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { startK8sCluster } from '../helpers/k8s-cluster.js';
import { fakeGpuNode } from '../helpers/k8s-nodes.js';
import { benchApi, benchLog as log, seedToken, sleep, startBenchPlatform, waitFor, type BenchPlatform } from './bench-platform.js';
import { pool } from './k8s-bind-rounds.js';
import { simCluster, simulateOn } from './sim-cluster.js';
import { freePort } from '../../src/common/embedded/free-port.js';
import { BORROWING_LIMIT_CPU, CLASSES, cohortName, cycleRow, KUEUE, NOMINAL_CPU, quantile, queueName, submissions, type CycleSample } from './queues-shape.js';

const { values } = parseArgs({
  options: {
    workloads: { type: 'string', default: '15000' },
    queues: { type: 'string', default: '30' },
    nodes: { type: 'string', default: '8' },
    concurrency: { type: 'string', default: '16' },
    'max-seconds': { type: 'string', default: '0' },
    cluster: { type: 'string', default: 'kwok' },
    hold: { type: 'boolean', default: false },
    'api-process': { type: 'boolean', default: false },
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
  --cluster C      kwok (default): pods created, bound and run on kube-apiserver + KWOK built from source;
                   sim: Kueue's scale-test method, no API server: each admitted workload finishes after its
                   runtime in a simulated cluster of the same nodes (test/bench/sim-cluster.ts)
  --hold           admit nothing until every workload is submitted, so the first cycles see them all pending
  --api-process    serve the REST API from a second process (BEAMLINE_ROLE=api) and run only the controller in
                   this one, as a deployment does (default: both in this process, one event loop)
  --smoke          a small run to iterate with: 300 workloads, 6 queues, 2 nodes
  --json FILE      also write the figures as JSON`);
  process.exit(0);
}
const WORKLOADS = values.smoke ? 300 : Number(values.workloads);
const QUEUES = values.smoke ? 6 : Number(values.queues);
const NODES = values.smoke ? 2 : Number(values.nodes);
const CONCURRENCY = Number(values.concurrency);
const MAX_SECONDS = Number(values['max-seconds']);
const CLUSTER = values.cluster;
if (CLUSTER !== 'kwok' && CLUSTER !== 'sim') {
  console.error(`--cluster must be kwok or sim, not ${CLUSTER}`);
  process.exit(2);
}
const HOLD = values.hold;
const API_PROCESS = values['api-process'];
const PROJECT = 'bench';
// Under src/ and decorated: imported after bench-platform.ts has registered the metadata hook.
const { CLUSTER_DRIVER } = await import('../../src/cluster/cluster-driver.js');
const { SchedulingLoop } = await import('../../src/training/scheduling/scheduling.loop.js');
const { SchedulingRepository } = await import('../../src/training/scheduling/scheduling.repository.js');
const { JobReconciler } = await import('../../src/training/scheduling/job.reconciler.js');
const { PrismaService } = await import('../../src/common/database/prisma.service.js');
const { TrainingService } = await import('../../src/training/training.service.js');
const { JobTokens } = await import('../../src/training/scheduling/job-tokens.js');

async function main(): Promise<void> {
  const cluster = CLUSTER === 'kwok' ? await startK8sCluster({ log, kubeScheduler: false }) : undefined;
  const sim = CLUSTER === 'sim' ? simCluster(NODES, 100) : undefined;
  let platform: BenchPlatform | undefined;
  let apiProcess: { base: string; stop(): Promise<void> } | undefined;
  try {
    // 1. KWOK nodes without GPUs (Kueue's test charges CPU), and the namespace the driver uses.
    if (cluster) {
      const kc = new KubeConfig();
      kc.loadFromFile(cluster.kubeconfig);
      const core = kc.makeApiClient(CoreV1Api);
      const names = Array.from({ length: NODES }, (_, i) => `cpu-${String(i).padStart(3, '0')}`);
      await pool(names, 8, async (name) => void (await core.createNode({ body: fakeGpuNode({ name, gpus: 0, cpu: '100', memory: '4Ti' }) })));
      await core.createNamespace({ body: { metadata: { name: 'bench-queues' } } });
      while ((await core.listNamespacedServiceAccount({ namespace: 'bench-queues' })).items.length === 0) await sleep(200);
      process.env.KUBECONFIG = cluster.kubeconfig;
    }

    // 2. The platform, in this process so its controller cycles can be timed one by one.
    const driverEnv: Record<string, string> = cluster
      ? { BEAMLINE_CLUSTER_DRIVER: 'kubernetes', BEAMLINE_K8S_NAMESPACE: 'bench-queues', BEAMLINE_PUBLIC_URL: 'http://beamline-api.beamline.svc:8080' }
      : { BEAMLINE_CLUSTER_DRIVER: 'local' };
    platform = await startBenchPlatform(
      'queues',
      {
        ...driverEnv,
        BEAMLINE_SCHEDULER_INTERVAL_MS: '200',
        BEAMLINE_RECONCILE_INTERVAL_MS: '300',
        // A burst of thousands of submissions from one token is the point here (defaults: 60/min, 600/min per project).
        BEAMLINE_RATE_SUBMIT_PER_TOKEN: 'off',
        BEAMLINE_RATE_SUBMIT_PER_PROJECT: 'off',
        ...(API_PROCESS ? { BEAMLINE_ROLE: 'controller' } : {}),
      },
      (app) => sim && simulateOn(app.get(CLUSTER_DRIVER, { strict: false }), sim),
    );
    const { app, prisma } = platform;
    if (API_PROCESS) apiProcess = await startApiProcess(platform, driverEnv);
    const held = { on: HOLD };
    const cycles = timeCycles(app, held);
    const api = benchApi(apiProcess?.base ?? platform.base, await seedToken(prisma, PROJECT, 'ADMIN'));

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
    // With --hold, time counts from here: everything is pending at once, as far as the queue can get.
    const admitFrom = HOLD ? new Date() : undefined;
    held.on = false;

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
    const report = summarise(jobs, subs.length, cycles, wall, submitSeconds, admitFrom);
    print(report);
    if (values.json) writeFileSync(values.json, JSON.stringify({ ...report, cycles }, null, 2));
  } finally {
    await apiProcess?.stop();
    await platform?.close();
    await cluster?.stop();
  }
}

/** The platform's API alone (BEAMLINE_ROLE=api) in a child process, on the bench platform's PostgreSQL and Redis. */
async function startApiProcess(platform: BenchPlatform, driverEnv: Record<string, string>): Promise<{ base: string; stop(): Promise<void> }> {
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', 'test/bench/api-child.ts'], {
    env: {
      ...process.env,
      ...driverEnv,
      BEAMLINE_ROLE: 'api',
      BEAMLINE_PORT: String(port),
      DATABASE_URL: platform.databaseUrl,
      REDIS_URL: platform.redisUrl,
      BEAMLINE_HOME: join(platform.home, 'api'),
      BEAMLINE_BOOTSTRAP: 'off',
      BEAMLINE_LOG_LEVEL: 'warn',
      BEAMLINE_RATE_SUBMIT_PER_TOKEN: 'off',
      BEAMLINE_RATE_SUBMIT_PER_PROJECT: 'off',
    },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const base = `http://127.0.0.1:${port}`;
  const exited = new Promise((r) => child.once('exit', r));
  await waitFor(
    'the API process to be ready',
    async () => {
      if (child.exitCode !== null) throw new Error(`the API process exited with ${child.exitCode}`);
      return (await fetch(`${base}/readyz`).catch(() => undefined))?.status === 200 ? true : undefined;
    },
    120_000,
    250,
  );
  log(`API process ${child.pid} at ${base} (BEAMLINE_ROLE=api)`);
  return {
    base,
    stop: async () => {
      child.kill('SIGTERM');
      await exited;
    },
  };
}

/**
 * Times each controller cycle and its parts by wrapping, in this process, the reconciler,
 * the scheduling loop, the repository's pending-reason writes and the driver's pod creation.
 */
function timeCycles(app: BenchPlatform['app'], held: { on: boolean }): CycleSample[] {
  const prisma = app.get(PrismaService, { strict: false });
  const samples: CycleSample[] = [];
  const driver = app.get<typeof CLUSTER_DRIVER, import('../../src/cluster/cluster-driver.js').ClusterDriver>(CLUSTER_DRIVER, { strict: false });
  let reconcileMs = 0;
  let reasonsMs = 0;
  // Parts of a cycle: the queue and allocation reads, the admission records, the workload specs (tokens).
  let inCycle = false;
  const part = { readMs: 0, recordMs: 0, specMs: 0 };
  let firstBind: number | undefined;
  let lastBind = 0;
  // A method the platform under test lacks (an older checkout run as the baseline) is left untimed.
  const wrap = <T extends object>(target: T, method: keyof T & string, around: (call: () => Promise<unknown>) => Promise<unknown>) => {
    if (typeof target[method] !== 'function') return;
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
  const schedulingRepo = app.get(SchedulingRepository, { strict: false });
  wrap(schedulingRepo, 'setPendingReasons', adding((ms) => (reasonsMs += ms)));
  for (const read of ['queued', 'active'] as const) wrap(schedulingRepo, read, adding((ms) => inCycle && (part.readMs += ms)));
  wrap(app.get(TrainingService, { strict: false }), 'applyActions', adding((ms) => inCycle && (part.recordMs += ms)));
  // One call per cycle: every admitted job's spec, their tokens in one transaction.
  wrap(app.get(JobTokens, { strict: false }), 'workloadSpecs', adding((ms) => inCycle && (part.specMs += ms)));
  // Pod creation: one workload at a time, or the cycle's batch (k8s-batch.ts) on the Kubernetes driver.
  const creating = async (call: () => Promise<unknown>) => {
    firstBind ??= performance.now();
    try {
      return await call();
    } finally {
      lastBind = performance.now();
    }
  };
  wrap(driver, 'createWorkload', creating);
  if (driver.createWorkloads) wrap(driver, 'createWorkloads', creating);
  wrap(app.get(SchedulingLoop, { strict: false }), 'runOnce', async (call) => {
    if (held.on) return { bound: 0, pending: 0 };
    firstBind = undefined;
    reasonsMs = 0;
    Object.assign(part, { readMs: 0, recordMs: 0, specMs: 0 });
    inCycle = true;
    const t0 = performance.now();
    const result = (await call()) as { bound: number; pending: number };
    const ms = performance.now() - t0;
    inCycle = false;
    const parts = { ...part };
    // Every Queued job, not only the ones the cycle read (SchedulingRepository.queued), counted outside the timed part.
    const queued = await prisma.trainingJob.count({ where: { status: 'Queued' } });
    samples.push({ ms, reconcileMs, bindMs: firstBind === undefined ? 0 : lastBind - firstBind, reasonsMs, ...parts, bound: result.bound, pending: result.pending, queued });
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

function summarise(jobs: JobRow[], planned: number, cycles: CycleSample[], wall: number, submitSeconds: number, admitFrom?: Date) {
  const maxPending = Math.max(0, ...cycles.map((c) => c.queued));
  const admitted = jobs.filter((j) => j.scheduledAt);
  // With --hold, a job waits from the release, not from its submission.
  const since = (j: JobRow) => Math.max(j.createdAt.getTime(), admitFrom?.getTime() ?? 0);
  const first = Math.min(...jobs.map(since));
  const lastAdmit = Math.max(...admitted.map((j) => j.scheduledAt!.getTime()));
  const admitSeconds = (lastAdmit - first) / 1000;
  const wait = (rows: JobRow[]) => rows.filter((j) => j.scheduledAt).map((j) => j.scheduledAt!.getTime() - since(j));
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
    readMs: Math.round(cycles.reduce((a, c) => a + c.readMs, 0)),
    recordMs: Math.round(cycles.reduce((a, c) => a + c.recordMs, 0)),
    specMs: Math.round(cycles.reduce((a, c) => a + c.specMs, 0)),
    reconcileMs: Math.round(cycles.reduce((a, c) => a + c.reconcileMs, 0)),
    cycleMs: Math.round(cycles.reduce((a, c) => a + c.ms, 0)),
    cycleRows: [
      cycleRow('all cycles', cycles),
      cycleRow(`≥ ${Math.round(maxPending * 0.9)} Queued (90% of the most seen)`, cycles.filter((c) => c.queued >= maxPending * 0.9)),
      cycleRow('≥ 10,000 Queued', cycles.filter((c) => c.queued >= 10_000)),
      cycleRow('cycles that bound nothing', cycles.filter((c) => c.bound === 0)),
    ],
  };
}

function print(r: ReturnType<typeof summarise>): void {
  const table = (head: string[], rows: (string | number)[][]) =>
    console.log(`| ${head.join(' | ')} |\n|${head.map(() => '---').join('|')}|\n${rows.map((row) => `| ${row.join(' | ')} |`).join('\n')}\n`);
  console.log(`\nbench:queues  submitted=${r.workloads} of ${r.planned}  admitted=${r.admitted}  most Queued after a cycle=${r.maxPending}  cluster=${CLUSTER}${HOLD ? ' (held until all submitted)' : ''}  api=${API_PROCESS ? "separate process" : "in the controller process"}  queues=${r.queues} (6 per cohort)  nodes=${r.nodes} × 100 CPUs  preempted at least once=${r.preempted}\n`);
  const kueueRate = KUEUE.workloads / KUEUE.wallSeconds;
  table(
    ['system', 'workloads', 'admitted in (s)', 'admissions/s', 'p50 time-to-admit (s)', 'p99 time-to-admit (s)', 'submit (s)', 'all finished (s)'],
    [
      ['Kueue (published, minimalkueue in envtest, no pods)', KUEUE.workloads, KUEUE.wallSeconds, kueueRate.toFixed(1), '–', '–', '–', KUEUE.wallSeconds],
      [CLUSTER === 'kwok' ? 'Beamline (REST + PostgreSQL + pods on kube-apiserver/KWOK)' : 'Beamline (REST + PostgreSQL + controller; simulated cluster, no pods)', r.admitted, r.admitSeconds, r.admissionsPerSecond, (r.p50AdmitMs / 1000).toFixed(1), (r.p99AdmitMs / 1000).toFixed(1), r.submitSeconds, r.wallSeconds],
    ],
  );
  table(
    ['class', 'jobs', 'Beamline avg time-to-admit (s)', 'p50 (s)', 'p99 (s)', 'Kueue avg (s)'],
    r.byClass.map((c) => [c.class, c.jobs, (c.avgMs / 1000).toFixed(1), (c.p50Ms / 1000).toFixed(1), (c.p99Ms / 1000).toFixed(1), (KUEUE.avgTimeToAdmitMs[c.class as 'small'] / 1000).toFixed(1)]),
  );
  table(['scheduling cycles (SchedulingLoop.runOnce)', 'count', 'p50 ms', 'p99 ms', 'max ms', 'p50 ms without pods and reasons', 'p99 ms without', 'max ms without'], r.cycleRows);
  const s = (ms: number) => (ms / 1000).toFixed(1);
  console.log(`time in scheduling cycles: ${s(r.cycleMs)} s: creating workloads (${CLUSTER === 'kwok' ? 'pods + bindings on the API server' : 'simulated'}) ${s(r.podsCreatedMs)} s, writing pending reasons ${s(r.reasonsMs)} s, reading the queue and allocations ${s(r.readMs)} s, recording admissions ${s(r.recordMs)} s, workload specs (job tokens) ${s(r.specMs)} s, the rest (decide, preempt) ${s(r.cycleMs - r.podsCreatedMs - r.reasonsMs - r.readMs - r.recordMs - r.specMs)} s; reconciler (between cycles): ${s(r.reconcileMs)} s`);
}

main().catch((error: Error) => {
  console.error(error);
  process.exit(1);
});
