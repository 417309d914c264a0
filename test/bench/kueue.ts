// npx tsx test/bench/kueue.ts [--workloads 15000] [--timeout 20m] [--out DIR] [--json FILE]
//
// Kueue itself, side by side with `npm run bench:queues`: Kueue's own scheduler scale-test
// pieces (sigs.k8s.io/kueue v0.17.0, test/performance/scheduler: `minimalkueue` and the
// `runner`, built by scripts/kueue-build.sh into .k8s-bin/) against the same control plane
// the Beamline bench uses (test/helpers/k8s-cluster.ts: etcd + kube-apiserver v1.36.3 built
// from source), with Kueue's CRDs from the same module. Kueue's own Make target
// (`make run-performance-scheduler`) starts an envtest API server inside the runner; here the
// runner is given a kubeconfig instead (its "existing cluster" mode) and minimalkueue is
// started beside it the way the runner would start it, so its wall/CPU time can be reported
// like the runner's `minimalkueue.stats.yaml` (the source of Kueue's published 351 s).
// The shape is Kueue's baseline generator.yaml, scaled per queue as queues-shape.ts scales it
// (15,000 = the baseline exactly). minimalkueue creates no pods, so KWOK has nothing to do.
// By hand only (not CI, not npm test). See docs/benchmarks.md, "Kueue built and run here".
import { spawn, spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { K8S_BIN_DIR, REPO_ROOT, startK8sCluster } from '../helpers/k8s-cluster.js';
import { CLASSES, KUEUE, quantile } from './queues-shape.js';

const { values } = parseArgs({
  options: {
    workloads: { type: 'string', default: '15000' },
    timeout: { type: 'string', default: '20m' },
    out: { type: 'string' },
    json: { type: 'string' },
    help: { type: 'boolean', default: false },
  },
});
if (values.help) {
  console.log(`npx tsx test/bench/kueue.ts [options]   (build first: scripts/kueue-build.sh)
  --workloads N   workloads over Kueue's 30 cluster queues in 5 cohorts (default 15000: the baseline)
  --timeout D     the runner's --timeout (it writes no summary if it is reached; default 20m)
  --out DIR       keep the runner's artifacts there (default: a temp dir)
  --json FILE     also write the figures as JSON`);
  process.exit(0);
}
const WORKLOADS = Number(values.workloads);
const QUEUES = 30;
const log = (line: string) => console.error(`[bench:kueue] ${new Date().toISOString().slice(11, 19)} ${line}`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const bin = (name: string) => join(K8S_BIN_DIR, name);

/** Kueue's baseline generator.yaml with the per-queue counts scaled as queues-shape.ts scales them (7:2:1). */
function generatorYaml(workloads: number): { yaml: string; perQueue: Record<string, number> } {
  const perQueue = Math.max(1, Math.round(workloads / QUEUES));
  const total = CLASSES.reduce((n, c) => n + c.perQueue, 0);
  const count = Object.fromEntries(CLASSES.map((c) => [c.name, Math.max(1, Math.round((perQueue * c.perQueue) / total))]));
  // creationIntervalMs as in the baseline: small every 100 ms, medium 500 ms, large 1,200 ms per queue.
  const interval: Record<string, number> = { small: 100, medium: 500, large: 1200 };
  const sets = CLASSES.map(
    (c) => `      - count: ${count[c.name]}
        creationIntervalMs: ${interval[c.name]}
        workloads:
        - className: ${c.name}
          runtimeMs: ${c.runtimeMs}
          priority: ${c.priority}
          request: ${c.cpu}`,
  ).join('\n');
  const yaml = `# Kueue's test/performance/scheduler/configs/baseline/generator.yaml, ${workloads === 15000 ? 'unscaled' : `scaled to ${workloads} workloads`} (test/bench/kueue.ts)
cohorts:
  - className: cohort
    count: 5
    queuesSets:
    - className: cq
      count: 6
      nominalQuota: 20
      borrowingLimit: 100
      reclaimWithinCohort: Any
      withinClusterQueue: LowerPriority
      workloadsSets:
${sets}
`;
  return { yaml, perQueue: count };
}

/** utime + stime (ms) and peak RSS (KiB) of a live process, from /proc (the runner's CmdStats, measured from outside). */
function procStats(pid: number): { userMs: number; sysMs: number; maxrssKiB: number } {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const tick = 1000 / Number(spawnSync('getconf', ['CLK_TCK']).stdout.toString().trim() || 100);
  const hwm = /VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return { userMs: Number(fields[11]) * tick, sysMs: Number(fields[12]) * tick, maxrssKiB: hwm ? Number(hwm[1]) : -1 };
}

/** The runner's summary.yaml (written by sigs.k8s.io/yaml, so plain "key: value" lines). */
function parseSummary(text: string): { classes: Record<string, { count: number; averageTimeToAdmissionMs: number; averageTimeToFinishMs: number; totalEvictions: number }>; cq: Record<string, string> } {
  const classes: Record<string, Record<string, number>> = {};
  const cq: Record<string, string> = {};
  let section = '';
  let current = '';
  for (const line of text.split('\n')) {
    const m = /^(\s*)([\w]+):\s*(.*)$/.exec(line);
    if (!m) continue;
    const [, indent, key, value] = m;
    if (indent.length === 0) section = key;
    else if (indent.length === 2) {
      current = key;
      if (section === 'workloadClasses') classes[key] = {};
    } else if (section === 'workloadClasses') classes[current][key] = Number(value);
    else if (section === 'clusterQueueClasses') cq[key] = value.replace(/"/g, '');
  }
  return { classes: classes as never, cq };
}

async function main(): Promise<void> {
  for (const b of ['minimalkueue', 'kueue-runner']) if (!existsSync(bin(b))) throw new Error(`missing ${bin(b)}: run scripts/kueue-build.sh`);
  const crds = spawnSync(join(REPO_ROOT, 'scripts/kueue-build.sh'), ['--crds'], { encoding: 'utf8' }).stdout.trim();
  if (!existsSync(crds)) throw new Error(`Kueue CRDs not found at ${crds}`);
  const out = values.out ?? (await mkdtemp(join(tmpdir(), 'beamline-bench-kueue-')));
  mkdirSync(out, { recursive: true });
  const { yaml, perQueue } = generatorYaml(WORKLOADS);
  const planned = QUEUES * Object.values(perQueue).reduce((a, b) => a + b, 0);
  writeFileSync(join(out, 'generator.yaml'), yaml);
  const loadBefore = loadavg().map((l) => l.toFixed(2)).join(', ');

  // 1. The same control plane as bench:queues (kube-scheduler off there too). KWOK is started by
  //    the helper but has no nodes to manage: Kueue's runner creates no pods.
  const cluster = await startK8sCluster({ log, kubeScheduler: false });
  let kueuePid: number | undefined;
  try {
    const kubectl = (...args: string[]) => {
      const r = spawnSync(bin('kubectl'), [`--kubeconfig=${cluster.kubeconfig}`, ...args], { encoding: 'utf8' });
      if (r.status !== 0) throw new Error(`kubectl ${args.join(' ')}: ${r.stderr}`);
      return r.stdout;
    };
    // 2. Kueue's CRDs from the same module (server-side: the Workload CRD is too large for the
    //    last-applied annotation of a client-side apply).
    kubectl('apply', '--server-side', '-f', crds);
    kubectl('wait', '--for=condition=established', 'crd', '--all', '--timeout=120s');
    log(`applied Kueue's CRDs from ${crds}`);

    // 3. minimalkueue, started as the runner's runCommand starts it (default log level: errors only).
    const started = Date.now();
    const kueueLog = openSync(join(out, 'minimalkueue.log'), 'w');
    const kueue = spawn(bin('minimalkueue'), ['--kubeconfig', cluster.kubeconfig], { stdio: ['ignore', kueueLog, kueueLog] });
    closeSync(kueueLog);
    kueuePid = kueue.pid;
    const kueueExit = new Promise<number | null>((res) => kueue.on('exit', (code) => res(code)));

    // 4. The runner against the same API server: its generator, recorder and the controller
    //    that finishes each admitted workload after its runtime. --qps/--burst as envtest's
    //    rest.Config gives it in Kueue's own run (controller-runtime envtest: 1000/2000).
    const runnerStart = Date.now();
    const runnerArgs = ['-o', out, `--generatorConfig=${join(out, 'generator.yaml')}`, `--timeout=${values.timeout}`, '--qps=1000', '--burst=2000'];
    log(`runner: ${bin('kueue-runner')} ${runnerArgs.join(' ')} (${planned} workloads; log in ${join(out, 'runner.log')})`);
    const runnerLog = join(out, 'runner.log');
    const runner = spawn('sh', ['-c', `exec "$0" "$@" >"${runnerLog}" 2>&1`, bin('kueue-runner'), ...runnerArgs], {
      stdio: 'ignore',
      // The runner links sigs.k8s.io/kueue/test/util, whose init looks for Kueue's Makefile
      // (PROJECT_DIR, else upward from the cwd) and panics without it: point it at the module.
      env: { ...process.env, KUBECONFIG: cluster.kubeconfig, PROJECT_DIR: join(crds, '../../../../Makefile') },
    });
    const runnerCode = await new Promise<number | null>((res) => runner.on('exit', (code) => res(code)));
    const runnerSeconds = (Date.now() - runnerStart) / 1000;

    // 5. Stop minimalkueue as the runner stops it (SIGINT), after reading its CPU time.
    const kstats = kueue.exitCode === null && kueue.pid ? procStats(kueue.pid) : { userMs: -1, sysMs: -1, maxrssKiB: -1 };
    kueue.kill('SIGINT');
    await Promise.race([kueueExit, sleep(15_000)]);
    const stoppedMs = Date.now() - started;
    // In Kueue's own run the runner stops minimalkueue as soon as its recorder is done (every
    // queue empty and idle), and minimalkueue.stats.yaml's wallMs ends there; in this mode the
    // runner then deletes its namespaces and queues first, so the end is taken from its log.
    const doneLine = readFileSync(runnerLog, 'utf8').split('\n').find((l) => l.includes('Recorder done'));
    const doneAt = doneLine ? Date.parse(doneLine.split(/\s/)[0]) : NaN;
    const wallMs = Number.isNaN(doneAt) ? stoppedMs : doneAt - started;
    if (kueue.exitCode === null) kueue.kill('SIGKILL');
    kueuePid = undefined;
    if (runnerCode !== 0) throw new Error(`runner exited with ${runnerCode}: see ${runnerLog}`);

    const summary = parseSummary(readFileSync(join(out, 'summary.yaml'), 'utf8'));
    const admitted = Object.values(summary.classes).reduce((n, c) => n + c.count, 0);
    // wlStates.csv: id, class name, namespace, name, ms to admitted, ms to finish, num evictions.
    const toAdmit = readFileSync(join(out, 'wlStates.csv'), 'utf8').trim().split('\n').slice(1).map((l) => Number(l.split(',')[4]));
    const report = {
      planned,
      perQueue,
      admitted,
      minimalkueue: { wallMs, stoppedMs, userMs: kstats.userMs, sysMs: kstats.sysMs, maxrssKiB: kstats.maxrssKiB },
      runnerSeconds: +runnerSeconds.toFixed(1),
      admissionsPerSecond: +(admitted / (wallMs / 1000)).toFixed(1),
      p50AdmitMs: quantile(toAdmit, 0.5),
      p99AdmitMs: quantile(toAdmit, 0.99),
      classes: summary.classes,
      clusterQueues: summary.cq,
      loadBefore,
      loadAfter: loadavg().map((l) => l.toFixed(2)).join(', '),
      out,
    };
    print(report);
    if (values.json) writeFileSync(values.json, JSON.stringify(report, null, 2));
  } finally {
    if (kueuePid !== undefined) {
      try {
        process.kill(kueuePid, 'SIGKILL');
      } catch {
        /* already gone */
      }
    }
    await cluster.stop();
  }
}

function print(r: {
  planned: number;
  admitted: number;
  minimalkueue: { wallMs: number; userMs: number; sysMs: number; maxrssKiB: number };
  runnerSeconds: number;
  admissionsPerSecond: number;
  p50AdmitMs: number;
  p99AdmitMs: number;
  classes: Record<string, { count: number; averageTimeToAdmissionMs: number; averageTimeToFinishMs: number; totalEvictions: number }>;
  loadBefore: string;
  loadAfter: string;
  out: string;
}): void {
  const s = (ms: number) => (ms / 1000).toFixed(1);
  console.log(`\nbench:kueue  workloads=${r.planned}  finished and recorded=${r.admitted}  load average before ${r.loadBefore}, after ${r.loadAfter}  artifacts: ${r.out}\n`);
  console.log('| system | workloads | minimalkueue wall (s) | admissions/s (workloads / wall) | p50 time-to-admit (s) | p99 (s) | CPU user + sys (s) | max RSS (MiB) | runner (s) |');
  console.log('|---|---:|---:|---:|---:|---:|---:|---:|---:|');
  console.log(`| Kueue (published; minimalkueue in envtest, no pods) | ${KUEUE.workloads} | ${KUEUE.wallSeconds} | ${(KUEUE.workloads / KUEUE.wallSeconds).toFixed(1)} | – | – | – | – | – |`);
  console.log(
    `| Kueue v0.17.0 built here (minimalkueue + runner, no pods) | ${r.admitted} | ${s(r.minimalkueue.wallMs)} | ${r.admissionsPerSecond} | ${s(r.p50AdmitMs)} | ${s(r.p99AdmitMs)} | ${s(r.minimalkueue.userMs + r.minimalkueue.sysMs)} | ${(r.minimalkueue.maxrssKiB / 1024).toFixed(0)} | ${r.runnerSeconds} |\n`,
  );
  console.log('| class | count | avg time to admission (s) | avg time to finish (s) | evictions | Kueue published avg to admission (s) |');
  console.log('|---|---:|---:|---:|---:|---:|');
  for (const c of CLASSES) {
    const k = r.classes[c.name];
    if (!k) continue;
    console.log(`| ${c.name} | ${k.count} | ${s(k.averageTimeToAdmissionMs)} | ${s(k.averageTimeToFinishMs)} | ${k.totalEvictions} | ${s(KUEUE.avgTimeToAdmitMs[c.name])} |`);
  }
}

main().catch((error: Error) => {
  console.error(error);
  process.exit(1);
});
