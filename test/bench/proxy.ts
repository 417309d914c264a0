// npm run bench:proxy -- [--seconds 8] [--warmup 2] [--rounds 3] [--concurrency 1,16] [--json out.json] [--rate-limits]
//
// What the API's infer proxy (src/serving/endpoints/endpoint-proxy.ts) costs over calling
// the replica directly: the real platform in this process on embedded PostgreSQL and Redis,
// the local serving driver with one real `beamline runtime` replica of a small ONNX MLP.
// Direct, proxied and Nest-routed rounds alternate (ABCABC…) so the machine's drifting load
// hits all three. `proxy` is `/infer`, served by the fast path ahead of Nest's router
// (src/serving/endpoints/infer-fast-path.ts); `nest` is the same replica route as
// `/v2/models/<m>/infer`, which still goes through Nest's pipeline: the fast path's baseline.
// See docs/benchmarks.md, "Infer proxy overhead".
import { writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import type { ServingDriver } from '../../src/cluster/serving-driver.js';
import { mlpModel, weights } from '../helpers/onnx-conv.js';
import { registry } from '../helpers/onnx-registry.js';
import { benchApi, benchLog as log, median, seedToken, startBenchPlatform, waitFor } from './bench-platform.js';
import { runLoad, type LoadResult } from './proxy-load.js';

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
    'rate-limits': { type: 'boolean', default: false },
  },
});
const SECONDS = Number(values.seconds);
const WARMUP = Number(values.warmup);
const ROUNDS = Number(values.rounds);
const LEVELS = values.concurrency!.split(',').map(Number);
const PROJECT = 'bench';
const MODEL = 'mlp';

/** The same request bodies on both paths: one row, and a batch of 64 rows, of 32 FP32. */
const CASES = [1, 64].map((rows) => ({
  name: `${rows}×32 FP32 (JSON)`,
  body: Buffer.from(JSON.stringify({ inputs: [{ name: 'x', datatype: 'FP32', shape: [rows, 32], data: Array.from(weights(rows * 32, 42, 1)) }] })),
}));

interface Round {
  direct: LoadResult;
  proxy: LoadResult;
  nest: LoadResult;
}
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

    const targets = {
      direct: { url: `${upstream}/v2/models/${MODEL}/infer`, headers: { authorization: `Bearer ${replicaToken}` } },
      proxy: { url: `${base}${endpoints}/${MODEL}/infer`, headers: { authorization: `Bearer ${token}` } },
      nest: { url: `${base}${endpoints}/${MODEL}/v2/models/${MODEL}/infer`, headers: { authorization: `Bearer ${token}` } },
    };
    // Both paths must give the same answer before they are timed against each other.
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
          const run = (t: { url: string; headers: Record<string, string> }) => runLoad({ ...t, body: c.body, concurrency, warmupSeconds: WARMUP, seconds: SECONDS });
          const direct = await run(targets.direct);
          const proxy = await run(targets.proxy);
          const nest = await run(targets.nest);
          cell.rounds.push({ direct, proxy, nest });
          log(`${c.name} c=${concurrency} round ${r + 1}: direct ${direct.perSecond} req/s p50 ${direct.p50Ms} ms, proxy ${proxy.perSecond} req/s p50 ${proxy.p50Ms} ms, nest ${nest.perSecond} req/s p50 ${nest.p50Ms} ms`);
        }
        cells.push(cell);
      }
    }
    print(cells, loadBefore, loadavg());
    if (values.json) writeFileSync(values.json, JSON.stringify(cells, null, 2));

    await api('DELETE', `${endpoints}/${MODEL}`);
    await waitFor('the endpoint to be deleted', async () => ((await api('GET', `${endpoints}/${MODEL}`)).status === 404 ? true : undefined), 30_000).catch((e: Error) => log(e.message));
  } finally {
    await platform.close();
  }
}

const fmt = (x: number, digits = 2) => (Number.isFinite(x) ? x.toFixed(digits) : '–');
const sign = (x: number, digits = 2) => `${x >= 0 ? '+' : ''}${fmt(x, digits)}`;

/** One table per request body: each figure is the median of the rounds; the overhead is the median of the per-round differences. */
function print(cells: Cell[], before: number[], after: number[]): void {
  const cpu = cpus();
  console.log(`\nbench:proxy  npm run bench:proxy -- --seconds ${SECONDS} --warmup ${WARMUP} --rounds ${ROUNDS} --concurrency ${LEVELS.join(',')}`);
  console.log(`date: ${new Date().toISOString()}`);
  console.log(`machine: ${cpu[0]?.model ?? 'unknown CPU'}, ${cpu.length} cores, node ${process.version}, load average ${before.map((l) => l.toFixed(2)).join(' ')} before, ${after.map((l) => l.toFixed(2)).join(' ')} after`);
  const head = ['path', 'concurrency', 'direct req/s', 'proxied req/s', '% of direct', 'direct p50 ms', 'proxied p50 ms', 'p50 overhead ms', 'direct p95 ms', 'proxied p95 ms', 'p95 overhead ms', 'direct p99 ms', 'proxied p99 ms', 'p99 overhead ms', 'errors'];
  const paths = { proxy: 'fast path `/infer`', nest: 'Nest route `/v2/models/m/infer`' } as const;
  for (const caseName of [...new Set(cells.map((c) => c.caseName))]) {
    const rows = cells.filter((c) => c.caseName === caseName);
    console.log(`\n${caseName}, ${rows[0].bytes} B request body, ${ROUNDS} rounds of ${SECONDS} s each way (medians; overheads and % are medians of the per-round figures)\n`);
    console.log(`| ${head.join(' | ')} |\n|---|${head.slice(1).map(() => '---:').join('|')}|`);
    for (const [side, label] of Object.entries(paths) as Array<[keyof typeof paths, string]>) {
      for (const cell of rows) {
        const m = (pick: (r: LoadResult) => number, which: keyof Round) => median(cell.rounds.map((r) => pick(r[which])));
        const diff = (pick: (r: LoadResult) => number) => median(cell.rounds.map((r) => pick(r[side]) - pick(r.direct)));
        const share = median(cell.rounds.map((r) => r[side].perSecond / r.direct.perSecond)) * 100;
        const errors = cell.rounds.reduce((n, r) => n + r.direct.errors + r[side].errors, 0);
        const line = [label, cell.concurrency, fmt(m((r) => r.perSecond, 'direct'), 0), fmt(m((r) => r.perSecond, side), 0), `${fmt(share, 0)} %`];
        for (const pick of [(r: LoadResult) => r.p50Ms, (r: LoadResult) => r.p95Ms, (r: LoadResult) => r.p99Ms]) line.push(fmt(m(pick, 'direct')), fmt(m(pick, side)), sign(diff(pick)));
        line.push(errors);
        console.log(`| ${line.join(' | ')} |`);
      }
    }
  }
  const firstError = cells.flatMap((c) => c.rounds.flatMap((r) => [r.direct.firstError, r.proxy.firstError, r.nest.firstError])).find(Boolean);
  if (firstError) console.log(`\nfirst error: ${firstError}`);
}

// Everything is stopped by now; exit rather than wait on a library's lingering timer.
main().then(() => process.exit(0), (error: Error) => {
  console.error(error);
  process.exit(1);
});
