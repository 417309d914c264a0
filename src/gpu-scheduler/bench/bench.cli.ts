import { writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { DEFAULT_POLICY, POLICY_NAMES } from '../engine/policies/index.js';
import { ALL_TRACES, publishedFor } from './published.js';
import { percentile, ReplayResult } from './replay.js';
import { topologyTable } from './topology.js';
import type { ReplayTask } from './replay.worker.js';

export const USAGE = `Usage: npm run bench:scheduler -- [options]

Replays Alibaba cluster-trace-gpu-v2023 (openb) against the scheduler engine, as the FGD simulator does.

  --data <folder>        the trace CSVs (default ../shared/data/alibaba-gpu-v2023)
  --trace <name|all|a,b> trace(s) by name (default: default); all = the 17 with published FGD figures
  --policy <name|all|a,b> policies (default: the default policy); known: ${POLICY_NAMES.join(', ')}
  --seeds <list>         e.g. 42-51 or 1001-1010 or 1,2,3 (default 42-51)
  --json <file>          also write the table rows as JSON
  --nodes <n>            replicate the trace's GPU nodes to n nodes (e.g. 5000)
  --workers <n>          replays in n worker threads (default: min(2, cores)); 1 for cleanest timing
  --scale <n,n,...>      time per decision of the default policy on replicated clusters
  --pods <n>             with --scale: n arrivals per replay (demand inflated past 130 % as needed), e.g. 50000
  --max-arrivals <n>     with --scale: stop each replay after n arrivals (allocation then reads NaN)
  --no-baseline          with --scale: skip the scan-every-group baseline rows
  --topology             gangs of 8/16/32 GPUs on seeded multi-rack clusters: one rack vs topology-blind (uses --seeds)
  --help                 print this and exit
`;

interface Row {
  trace: string;
  policy: string;
  seeds: number[];
  allocAt100: number;
  allocAt130: number;
  placementsPerSec: number;
  p99Micros: number;
  nodes?: number;
}

const KNOWN_FLAGS = ['data', 'trace', 'policy', 'seeds', 'json', 'nodes', 'workers', 'scale', 'pods', 'max-arrivals', 'no-baseline', 'topology', 'help', 'h'];

function args(argv: string[]): Map<string, string> {
  const m = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    if (argv[i].startsWith('--')) m.set(argv[i].slice(2), argv[i + 1] && !argv[i + 1].startsWith('--') ? argv[++i] : 'true');
  }
  return m;
}

export function parseSeeds(s: string): number[] {
  return s.split(',').flatMap((part) => {
    const [a, b] = part.split('-').map(Number);
    return b === undefined ? [a] : Array.from({ length: b - a + 1 }, (_, i) => a + i);
  });
}

const ALL_POLICIES = POLICY_NAMES.filter((p) => p !== DEFAULT_POLICY).concat([DEFAULT_POLICY]);

function list(value: string | undefined, all: readonly string[], fallback: string): string[] {
  const v = value ?? fallback;
  if (v === 'all') return [...all];
  return v.split(',').map((x) => (x === 'default' && all === ALL_POLICIES ? DEFAULT_POLICY : x));
}

/** Worker threads do not inherit tsx's loader, so each one registers it before importing the worker module. */
function spawnWorker(): Worker {
  const api = import.meta.resolve('tsx/esm/api');
  const file = new URL('./replay.worker.ts', import.meta.url).href;
  const boot = `import(${JSON.stringify(api)}).then((m) => { m.register(); return import(${JSON.stringify(file)}); });`;
  return new Worker(boot, { eval: true });
}

async function runAll(tasks: ReplayTask[], workers: number): Promise<{ task: ReplayTask; result: ReplayResult }[]> {
  const out: { task: ReplayTask; result: ReplayResult }[] = [];
  let next = 0;
  const one = (): Promise<void> =>
    new Promise((resolve, reject) => {
      const w = spawnWorker();
      const feed = (): void => {
        if (next >= tasks.length) {
          void w.terminate().then(() => resolve());
          return;
        }
        w.postMessage(tasks[next++]);
      };
      w.on('message', (m: { task: ReplayTask; result: ReplayResult }) => {
        out.push(m);
        process.stderr.write(`  ${m.task.trace} ${m.task.policy} seed ${m.task.seed}: ${m.result.allocAt100.toFixed(2)} / ${m.result.allocAt130.toFixed(2)} (${out.length}/${tasks.length})\n`);
        feed();
      });
      w.on('error', reject);
      feed();
    });
  await Promise.all(Array.from({ length: Math.min(workers, tasks.length) }, one));
  return out;
}

function aggregate(results: { task: ReplayTask; result: ReplayResult }[], traces: string[], policies: string[]): Row[] {
  const rows: Row[] = [];
  for (const trace of traces) {
    for (const policy of policies) {
      const rs = results.filter((r) => r.task.trace === trace && r.task.policy === policy).sort((a, b) => a.task.seed - b.task.seed);
      if (rs.length === 0) continue;
      const mean = (f: (r: ReplayResult) => number): number => rs.reduce((t, r) => t + f(r.result), 0) / rs.length;
      const all = new Float64Array(rs.reduce((t, r) => t + r.result.micros.length, 0));
      let at = 0;
      for (const r of rs) {
        all.set(r.result.micros, at);
        at += r.result.micros.length;
      }
      const seconds = rs.reduce((t, r) => t + r.result.seconds, 0);
      rows.push({
        trace,
        policy,
        seeds: rs.map((r) => r.task.seed),
        allocAt100: round(mean((r) => r.allocAt100)),
        allocAt130: round(mean((r) => r.allocAt130)),
        placementsPerSec: Math.round(all.length / seconds),
        p99Micros: round(percentile(all, 99)),
        nodes: rs[0].task.nodes,
      });
      if (rs.some((r) => r.result.overcommitted)) throw new Error(`${trace}/${policy}: a device or node was over-committed`);
    }
  }
  return rows;
}

const round = (x: number): number => Math.round(x * 100) / 100;
const fmt = (x: number | undefined): string => (x === undefined || Number.isNaN(x) ? '—' : x.toFixed(2));

function printTable(rows: Row[]): void {
  console.log('| trace | policy | alloc@100 | alloc@130 | published @100 / @130 | placements/s | p99 µs |');
  console.log('|---|---|---:|---:|---:|---:|---:|');
  for (const r of rows) {
    const p = publishedFor(r.trace, r.policy);
    const pub = p ? `${fmt(p.at100)} / ${fmt(p.at130)}` : '';
    console.log(`| ${r.trace} | ${r.policy} | ${fmt(r.allocAt100)} | ${fmt(r.allocAt130)} | ${pub} | ${r.placementsPerSec} | ${fmt(r.p99Micros)} |`);
  }
}

async function main(): Promise<void> {
  const a = args(process.argv.slice(2));
  if (a.has('help') || a.has('h')) {
    process.stdout.write(USAGE);
    return;
  }
  const unknown = [...a.keys()].filter((k) => !KNOWN_FLAGS.includes(k));
  if (unknown.length > 0) {
    process.stderr.write(`unknown option ${unknown.map((k) => `--${k}`).join(', ')}\n\n${USAGE}`);
    process.exit(2);
  }
  const data = a.get('data') ?? '../shared/data/alibaba-gpu-v2023';
  const seeds = parseSeeds(a.get('seeds') ?? '42-51');
  const workers = Number(a.get('workers') ?? Math.min(2, availableParallelism()));
  const nodes = a.has('nodes') ? Number(a.get('nodes')) : undefined;
  const started = Date.now();
  if (a.has('topology')) {
    console.log(`Synthetic multi-rack clusters (bench/topology.ts), seeds ${seeds.join(',')}, default policy ${DEFAULT_POLICY}\n`);
    console.log('| gangs | gang GPUs | arrived | placed | in one rack (of placed) | racks touched (mean) |');
    console.log('|---|---:|---:|---:|---:|---:|');
    for (const r of topologyTable(seeds)) {
      console.log(`| ${r.mode} | ${r.gangGpus} | ${r.arrived} | ${r.placed} | ${r.oneRack} (${((100 * r.oneRack) / r.placed).toFixed(1)} %) | ${fmt(r.meanRacks)} |`);
    }
    return;
  }
  if (a.has('scale')) {
    // One replay at a time, each row printed as soon as it is done; per cluster size the
    // per-shape index and, unless --no-baseline, the scan over every node group it replaced.
    const maxArrivals = a.has('max-arrivals') ? Number(a.get('max-arrivals')) : a.has('pods') ? Number(a.get('pods')) : undefined;
    const minArrivals = a.has('pods') ? Number(a.get('pods')) : undefined;
    const engines = a.has('no-baseline') ? [false] : [true, false];
    console.log('| nodes | decision | arrivals | placed | alloc@100 | alloc@130 | placements/s | mean µs | p50 µs | p99 µs |');
    console.log('|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|');
    for (const n of a.get('scale')!.split(',').map(Number)) {
      for (const scanAll of engines) {
        const task: ReplayTask = { data, trace: a.get('trace') ?? 'default', policy: DEFAULT_POLICY, seed: seeds[0], nodes: n, maxArrivals, minArrivals, scanAll };
        const [{ result: r }] = await runAll([task], 1);
        const mean = (r.seconds * 1e6) / r.micros.length;
        const cells = [n, scanAll ? 'scan all groups (before)' : 'per-shape index', r.micros.length, r.placed, fmt(r.allocAt100), fmt(r.allocAt130), Math.round(r.micros.length / r.seconds), fmt(mean), fmt(percentile(r.micros, 50)), fmt(percentile(r.micros, 99))];
        console.log(`| ${cells.join(' | ')} |`);
      }
    }
    return;
  }
  const traces = list(a.get('trace'), ALL_TRACES, 'default');
  const policies = list(a.get('policy'), ALL_POLICIES, DEFAULT_POLICY);
  const tasks: ReplayTask[] = [];
  // Seed-major order, so an interrupted run still has every trace and policy on the first seeds.
  for (const seed of seeds) for (const trace of traces) for (const policy of policies) tasks.push({ data, trace, policy, seed, nodes });
  const rows = aggregate(await runAll(tasks, workers), traces, policies);
  printTable(rows);
  console.log(`\n${tasks.length} replays, ${workers} worker thread(s), ${((Date.now() - started) / 1000).toFixed(0)} s, default policy: ${DEFAULT_POLICY}`);
  if (a.has('json')) writeFileSync(a.get('json')!, JSON.stringify(rows, null, 2) + '\n');
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
