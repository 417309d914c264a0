// npm run bench:proxy -- [--seconds 8] [--warmup 2] [--rounds 3] [--concurrency 1,16] [--paths direct,floor,floorapi,proxy,nest]
//                        [--cases 1,64] [--json out.json] [--rate-limits] [--profile dir]
//
// What the API's infer proxy (src/serving/endpoints/endpoint-proxy.ts) costs over calling
// the replica directly: the real platform in this process on embedded PostgreSQL and Redis,
// the local serving driver with one real `beamline runtime` replica of a small ONNX MLP.
// Per round, in turn (ABCDABCD… so the machine's drifting load hits all of them):
//   direct  the replica itself;
//   floor   a minimal Node pass-through proxy in its own process (proxy-floor.ts): what a
//           proxy can reach at all on these cores;
//   floorapi the same minimal proxy on the API's own thread (this process): what the API's
//           process costs (heap, GC, the platform's own work) before the fast path's code;
//   proxy   `/infer`, served by the fast path (src/serving/endpoints/infer-fast-path.ts);
//   nest    the same replica route as `/v2/models/<m>/infer`, through Nest's pipeline.
// Each round also reads the CPU time each process spent (load generator, this API process,
// the floor, the replica) and the machine's busy cores, per answered request: on a small
// machine every process shares the same cores, so CPU per request is what bounds req/s.
// --profile writes a V8 CPU profile of this process (the API) over each round that runs on it.
// See docs/benchmarks.md, "Infer proxy overhead".
import { mkdirSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { join } from 'node:path';
import { cpus, loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import type { ServingDriver } from '../../src/cluster/serving-driver.js';
import { mlpModel, weights } from '../helpers/onnx-conv.js';
import { registry } from '../helpers/onnx-registry.js';
import { benchApi, benchLog as log, median, seedToken, startBenchPlatform, waitFor } from './bench-platform.js';
import { startFloor, startFloorHere } from './proxy-floor.js';
import { listenerPid, ownCpu, pidCpu, runLoad, type CpuProbes, type LoadResult } from './proxy-load.js';

// Under src/ and decorated: imported after bench-platform.ts has registered the metadata hook.
const { SERVING_DRIVER } = await import('../../src/cluster/serving-driver.js');
const { ReplicaTokens } = await import('../../src/serving/endpoints/replica-tokens.js');

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '8' },
    warmup: { type: 'string', default: '2' },
    rounds: { type: 'string', default: '3' },
    concurrency: { type: 'string', default: '1,16' },
    json: { type: 'string' },
    paths: { type: 'string', default: 'direct,floor,floorapi,proxy,nest' },
    cases: { type: 'string', default: '1,64' },
    'rate-limits': { type: 'boolean', default: false },
    profile: { type: 'string' },
  },
});
const SECONDS = Number(values.seconds);
const WARMUP = Number(values.warmup);
const ROUNDS = Number(values.rounds);
const LEVELS = values.concurrency!.split(',').map(Number);
const PROJECT = 'bench';
const MODEL = 'mlp';

/** The same request bodies on both paths: one row, and a batch of 64 rows, of 32 FP32. */
const CASES = values.cases!.split(',').map(Number).map((rows) => ({
  name: `${rows}×32 FP32 (JSON)`,
  body: Buffer.from(JSON.stringify({ inputs: [{ name: 'x', datatype: 'FP32', shape: [rows, 32], data: Array.from(weights(rows * 32, 42, 1)) }] })),
}));

const PATHS = ['direct', 'floor', 'floorapi', 'proxy', 'nest'] as const;
type PathName = (typeof PATHS)[number];
const WANTED = new Set(values.paths!.split(',') as PathName[]);
type Round = Partial<Record<PathName, LoadResult>>;
interface Cell {
  caseName: string;
  bytes: number;
  concurrency: number;
  rounds: Round[];
}

async function main(): Promise<void> {
  // Production defaults except where a bench needs otherwise (bench-platform.ts: no bootstrap token, no logs).
  const platform = await startBenchPlatform('proxy', {
    BEAMLINE_CLUSTER_DRIVER: 'local',
    // Infer rate limits off: the closed loop sends as fast as the proxy answers, which on a
    // larger machine passes the default 1000/s per token, and the bench measures the proxy,
    // not 429s. --rate-limits keeps the defaults, to measure what the check (one Redis round trip) adds.
    ...(values['rate-limits'] ? {} : { BEAMLINE_RATE_INFER_PER_TOKEN: 'off', BEAMLINE_RATE_INFER_PER_PROJECT: 'off' }),
  });
  try {
    const { app, base } = platform;
    const driver = app.get<typeof SERVING_DRIVER, ServingDriver>(SERVING_DRIVER, { strict: false });
    const token = await seedToken(platform.prisma, PROJECT);
    const api = benchApi(base, token);
    const models = `/v1/projects/${PROJECT}/models`;
    const endpoints = `/v1/projects/${PROJECT}/endpoints`;
    if ((await api('POST', models, { name: MODEL })).status !== 201) throw new Error('could not create the model');
    const upload = await registry(base, token).multipart(`${models}/${MODEL}/versions`, mlpModel(32, 128, 10));
    if (upload.status !== 201) throw new Error(`upload answered ${upload.status}: ${upload.bytes.toString()}`);
    const created = await api('POST', endpoints, { name: MODEL, model: MODEL, version: 1, replicas: 1 });
    if (created.status !== 201) throw new Error(`create endpoint answered ${created.status}: ${JSON.stringify(created.body)}`);
    await waitFor('the endpoint to be Complete', async () => ((await api('GET', `${endpoints}/${MODEL}`)).body.phase === 'Complete' ? true : undefined), 120_000);
    const upstream = driver!.observe().find((o) => o.endpointId === created.body.id)?.upstreams?.[0];
    if (!upstream) throw new Error('the ready endpoint has no upstream');
    log(`endpoint Complete; replica at ${upstream}`);
    // The replica answers its V2 routes only with the endpoint's replica token, as the proxy sends it.
    const replicaToken = await app.get(ReplicaTokens, { strict: false }).forEndpoint(created.body.id);

    const floor = await startFloor(upstream, replicaToken);
    const floorHere = await startFloorHere(upstream, replicaToken);
    const replicaPid = listenerPid(Number(new URL(upstream).port));
    if (!replicaPid) log('could not find the replica process (/proc): its CPU column stays empty');
    const probes: CpuProbes = { api: ownCpu, floor: pidCpu(floor.pid), ...(replicaPid ? { replica: pidCpu(replicaPid) } : {}) };
    log(`floor proxy at ${floor.url} (pid ${floor.pid}); replica pid ${replicaPid ?? 'unknown'}`);

    const targets: Record<PathName, { url: string; headers: Record<string, string> }> = {
      direct: { url: `${upstream}/v2/models/${MODEL}/infer`, headers: { authorization: `Bearer ${replicaToken}` } },
      floor: { url: `${floor.url}/v2/models/${MODEL}/infer`, headers: {} },
      floorapi: { url: `${floorHere.url}/v2/models/${MODEL}/infer`, headers: {} },
      proxy: { url: `${base}${endpoints}/${MODEL}/infer`, headers: { authorization: `Bearer ${token}` } },
      nest: { url: `${base}${endpoints}/${MODEL}/v2/models/${MODEL}/infer`, headers: { authorization: `Bearer ${token}` } },
    };
    // Every path must give the same answer before they are timed against each other.
    for (const c of CASES) {
      const answers = await Promise.all(Object.values(targets).map(async (t) => (await fetch(t.url, { method: 'POST', headers: { ...t.headers, 'content-type': 'application/json' }, body: c.body })).text()));
      if (answers.some((a) => a !== answers[0]) || !answers[0].includes('"outputs"')) throw new Error(`direct and proxied answers differ for ${c.name}: ${answers.map((a) => a.slice(0, 200)).join(' | ')}`);
    }

    const loadBefore = loadavg();
    const cells: Cell[] = [];
    for (const c of CASES) {
      for (const concurrency of LEVELS) {
        const cell: Cell = { caseName: c.name, bytes: c.body.length, concurrency, rounds: [] };
        for (let r = 0; r < ROUNDS; r++) {
          const round: Round = {};
          for (const path of PATHS.filter((p) => WANTED.has(p))) {
            const profiling = values.profile && (path === 'proxy' || path === 'nest' || path === 'floorapi') ? await startProfile() : undefined;
            round[path] = await runLoad({ ...targets[path], body: c.body, concurrency, warmupSeconds: WARMUP, seconds: SECONDS }, probes);
            if (profiling) await profiling(join(values.profile!, `${path}-${c.body.length}B-c${concurrency}-r${r + 1}.cpuprofile`));
          }
          cell.rounds.push(round);
          log(`${c.name} c=${concurrency} round ${r + 1}: ${Object.entries(round).map(([p, x]) => `${p} ${x.perSecond} req/s p50 ${x.p50Ms} ms (cpu µs/req ${Object.entries(x.cpuUsPerRequest).map(([k, v]) => `${k} ${Math.round(v)}`).join(' ')}, ${x.busyCores.toFixed(2)} cores busy)`).join('; ')}`);
        }
        cells.push(cell);
      }
    }
    print(cells, loadBefore, loadavg());
    if (values.json) writeFileSync(values.json, JSON.stringify(cells, null, 2));
    floor.stop();
    floorHere.stop();

    await api('DELETE', `${endpoints}/${MODEL}`);
    await waitFor('the endpoint to be deleted', async () => ((await api('GET', `${endpoints}/${MODEL}`)).status === 404 ? true : undefined), 30_000).catch((e: Error) => log(e.message));
  } finally {
    await platform.close();
  }
}

const fmt = (x: number, digits = 2) => (Number.isFinite(x) ? x.toFixed(digits) : '–');
const sign = (x: number, digits = 2) => `${x >= 0 ? '+' : ''}${fmt(x, digits)}`;

/** A V8 CPU profile of this process (the API's thread) from now; the function it returns writes it. */
async function startProfile(): Promise<(file: string) => Promise<void>> {
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: 100 });
  await session.post('Profiler.start');
  return async (file) => {
    const { profile } = await session.post('Profiler.stop');
    mkdirSync(values.profile!, { recursive: true });
    writeFileSync(file, JSON.stringify(profile));
    session.disconnect();
  };
}

const LABELS: Record<PathName, string> = { direct: 'direct (replica)', floor: 'floor (minimal Node proxy)', floorapi: "floor on the API's thread", proxy: 'fast path `/infer`', nest: 'Nest route `/v2/models/m/infer`' };

/**
 * One table per request body, one row per path and concurrency. Each figure is the median of
 * the rounds; overheads and "% of direct" are medians of the per-round figures against that
 * round's direct run. CPU columns: µs of CPU (user + system) per answered request, over the
 * measured seconds, of each process; "API" is this process (the platform) and "floor" the
 * floor's process, both idle in the rounds that do not use them.
 */
function print(cells: Cell[], before: number[], after: number[]): void {
  const cpu = cpus();
  console.log(`\nbench:proxy  npm run bench:proxy -- --seconds ${SECONDS} --warmup ${WARMUP} --rounds ${ROUNDS} --concurrency ${LEVELS.join(',')}`);
  console.log(`date: ${new Date().toISOString()}`);
  console.log(`machine: ${cpu[0]?.model ?? 'unknown CPU'}, ${cpu.length} cores, node ${process.version}, load average ${before.map((l) => l.toFixed(2)).join(' ')} before, ${after.map((l) => l.toFixed(2)).join(' ')} after`);
  const cpuCols = ['loadgen', 'api', 'floor', 'replica'] as const;
  const head = ['path', 'c', 'req/s', '% of direct', 'p50 ms', 'p50 overhead ms', 'p95 ms', 'p99 ms', 'p99 overhead ms', 'errors', 'CPU µs/req load gen', 'API', 'floor', 'replica', 'sum', 'busy cores'];
  for (const caseName of [...new Set(cells.map((c) => c.caseName))]) {
    const rows = cells.filter((c) => c.caseName === caseName);
    console.log(`\n${caseName}, ${rows[0].bytes} B request body, ${ROUNDS} rounds of ${SECONDS} s per path (medians)\n`);
    console.log(`| ${head.join(' | ')} |\n|---|${head.slice(1).map(() => '---:').join('|')}|`);
    for (const path of PATHS.filter((p) => WANTED.has(p))) {
      for (const cell of rows) {
        const rounds = cell.rounds.filter((r) => r[path]);
        const m = (pick: (r: LoadResult) => number) => median(rounds.map((r) => pick(r[path]!)));
        const vsDirect = (f: (mine: LoadResult, direct: LoadResult) => number) => (path !== 'direct' && rounds.every((r) => r.direct) ? median(rounds.map((r) => f(r[path]!, r.direct!))) : NaN);
        const cpuOf = (k: string) => m((r) => r.cpuUsPerRequest[k] ?? NaN);
        const line: Array<string | number> = [LABELS[path], cell.concurrency, fmt(m((r) => r.perSecond), 0), path === 'direct' ? '100 %' : `${fmt(vsDirect((a, d) => (a.perSecond / d.perSecond) * 100), 0)} %`];
        line.push(fmt(m((r) => r.p50Ms)), path === 'direct' ? '' : sign(vsDirect((a, d) => a.p50Ms - d.p50Ms)), fmt(m((r) => r.p95Ms)), fmt(m((r) => r.p99Ms)), path === 'direct' ? '' : sign(vsDirect((a, d) => a.p99Ms - d.p99Ms)));
        line.push(rounds.reduce((n, r) => n + r[path]!.errors, 0));
        line.push(...cpuCols.map((k) => fmt(cpuOf(k), 0)), fmt(m((r) => cpuCols.reduce((sum, k) => sum + (r.cpuUsPerRequest[k] ?? 0), 0)), 0), fmt(m((r) => r.busyCores)));
        console.log(`| ${line.join(' | ')} |`);
      }
    }
  }
  const firstError = cells.flatMap((c) => c.rounds.flatMap((r) => Object.values(r).map((x) => x.firstError))).find(Boolean);
  if (firstError) console.log(`\nfirst error: ${firstError}`);
}

// Everything is stopped by now; exit rather than wait on a library's lingering timer.
main().then(() => process.exit(0), (error: Error) => {
  console.error(error);
  process.exit(1);
});
