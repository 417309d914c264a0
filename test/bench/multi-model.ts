// npm run bench:multi-model -- [--rounds 30] [--models mlp,wide-mlp] [--budget 1Gi]
//
// A multi-model replica (`beamline runtime --models`, src/serving/runtime/model-repository.ts)
// as a real child process, per model size:
//   1. load latency: ROUNDS × (unload, then POST /v2/repository/models/m/load): session
//      creation + batch-1 warm-up; and the first infer after an unload (load + the request),
//      side by side with the baseline, a warm infer of the same model;
//   2. capacity: a replica with BUDGET and more copies of the model than fit, each loaded
//      through the repository API in turn: how many are loaded at the end (the LRU unloads
//      the rest), the replica's RSS then, and the RSS each loaded model added, against
//      the estimate the budget is kept with (memory-plan.ts).
// See docs/benchmarks.md, "Many models per replica".
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { estimateModelBytes } from '../../src/serving/runtime/memory-plan.js';
import { wideMlpModel } from '../../src/serving/runtime/bench/wide-mlp.js';
import { parseMemoryMiB } from '../../src/training/quantity.js';
import { mlpModel } from '../helpers/onnx-conv.js';
import { spawnRuntime, v2Call, type ChildRuntime } from '../helpers/runtime.js';
import { benchLog as log } from './bench-platform.js';

const { values } = parseArgs({
  options: {
    rounds: { type: 'string', default: '30' },
    models: { type: 'string', default: 'mlp,wide-mlp' },
    budget: { type: 'string', default: '1Gi' },
  },
});
const ROUNDS = Number(values.rounds);
const BUDGET_MIB = parseMemoryMiB(values.budget)!;

const MODELS: Record<string, { onnx: () => Buffer; label: string; width: number }> = {
  mlp: { onnx: () => mlpModel(32, 128, 10), label: 'MLP 32→128→10', width: 32 },
  'wide-mlp': { onnx: () => wideMlpModel(), label: 'wide MLP 64→4096→4096→4096→16', width: 64 },
};

const MiB = 2 ** 20;
const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.ceil((p / 100) * xs.length) - 1)];
const ms = (x: number) => x.toFixed(x < 10 ? 2 : 0);

async function post(r: ChildRuntime, path: string, body = '{}'): Promise<number> {
  const started = performance.now();
  const res = await v2Call(r.url, 'POST', path, body);
  if (res.status !== 200) throw new Error(`${path}: ${res.status} ${res.bytes.toString().slice(0, 300)}`);
  return performance.now() - started;
}

async function rss(r: ChildRuntime): Promise<number> {
  const text = (await v2Call(r.url, 'GET', '/metrics')).bytes.toString();
  return Number(/process_resident_memory_bytes (\d+)/.exec(text)![1]) / MiB;
}

async function stop(r: ChildRuntime): Promise<void> {
  r.proc.kill('SIGTERM');
  await r.exited;
}

/** `count` entries of the same file, as an @file (argv holds at most 128 KiB): the runtime opens a session per entry, as for distinct models. */
async function listOf(path: string, count: number): Promise<string> {
  const file = `${path}.${count}.json`;
  await writeFile(file, JSON.stringify(Array.from({ length: count }, (_, i) => ({ name: `m${i}`, version: '1', model: path }))));
  return `@${file}`;
}

interface Row {
  label: string;
  fileMiB: number;
  estimateMiB: number;
  load: number[];
  first: number[];
  warm: number[];
  fit: number;
  expected: number;
  rssMiB: number;
  perModelMiB: number;
}

async function measure(name: string, dir: string): Promise<Row> {
  const model = MODELS[name];
  const onnx = model.onnx();
  const path = join(dir, `${name}.onnx`);
  await writeFile(path, onnx);
  const estimate = estimateModelBytes(onnx.length);
  const infer = JSON.stringify({ inputs: [{ name: 'x', datatype: 'FP32', shape: [1, model.width], data: Array(model.width).fill(0.5) }] });
  const common = ['--drain-seconds', '0', '--log-level', 'info', '--memory-budget', `${BUDGET_MIB}Mi`];

  // 1. Load latency on a replica with one model.
  log(`${name}: load latency, ${ROUNDS} rounds`);
  let r = await spawnRuntime(['--models', await listOf(path, 1), ...common]);
  const load: number[] = [];
  const first: number[] = [];
  const warm: number[] = [];
  try {
    for (let i = 0; i < ROUNDS; i++) {
      await post(r, '/v2/repository/models/m0/unload');
      load.push(await post(r, '/v2/repository/models/m0/load'));
      await post(r, '/v2/repository/models/m0/unload');
      first.push(await post(r, '/v2/models/m0/infer', infer));
      for (let j = 0; j < 5; j++) warm.push(await post(r, '/v2/models/m0/infer', infer));
    }
  } finally {
    await stop(r);
  }

  // 2. Capacity: more entries than the budget holds, loaded one after another.
  const expected = Math.floor((BUDGET_MIB * MiB) / estimate);
  const entries = expected + 3;
  log(`${name}: capacity, ${entries} entries in ${BUDGET_MIB} MiB (expect ${expected} loaded)`);
  r = await spawnRuntime(['--models', await listOf(path, entries), ...common]);
  let fit = 0;
  let before = 0;
  let after = 0;
  try {
    before = await rss(r);
    for (let i = 0; i < entries; i++) await post(r, `/v2/repository/models/m${i}/load`);
    after = await rss(r);
    const index = JSON.parse((await v2Call(r.url, 'POST', '/v2/repository/index', '{}')).bytes.toString()) as Array<{ state: string }>;
    fit = index.filter((m) => m.state === 'READY').length;
  } finally {
    await stop(r);
  }
  return { label: model.label, fileMiB: onnx.length / MiB, estimateMiB: estimate / MiB, load, first, warm, fit, expected, rssMiB: after, perModelMiB: (after - before) / fit };
}

const dir = await mkdtemp(join(tmpdir(), 'beamline-bench-mm-'));
const rows: Row[] = [];
try {
  for (const name of values.models.split(',')) rows.push(await measure(name, dir));
} finally {
  await rm(dir, { recursive: true, force: true });
}

console.log(`\nMany models per replica: ${cpus().length} CPUs (${cpus()[0]?.model}), load average ${loadavg().map((l) => l.toFixed(1)).join(' ')}, ${ROUNDS} rounds, budget ${BUDGET_MIB} MiB\n`);
console.log('| model | file MiB | estimate MiB | load p50 / p99 ms | first infer after unload p50 / p99 ms | warm infer p50 ms (baseline) | loaded within the budget | RSS then MiB | RSS per loaded model MiB |');
console.log('|---|---|---|---|---|---|---|---|---|');
for (const r of rows) {
  console.log(
    `| ${r.label} | ${r.fileMiB.toFixed(2)} | ${r.estimateMiB.toFixed(2)} | ${ms(pct(r.load, 50))} / ${ms(pct(r.load, 99))} | ${ms(pct(r.first, 50))} / ${ms(pct(r.first, 99))} | ${ms(pct(r.warm, 50))} | ${r.fit} (estimate allows ${r.expected}) | ${r.rssMiB.toFixed(0)} | ${r.perModelMiB.toFixed(2)} |`,
  );
}
