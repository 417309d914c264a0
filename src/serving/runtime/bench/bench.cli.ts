/**
 * `npm run bench:runtime`: the same ONNX models (a small MLP, a mid-size conv net), the
 * same load generator and machine, one run, side by side:
 *   1. the floor: onnxruntime-node session.run in this process;
 *   2. `beamline runtime` without and with dynamic batching at each concurrency (and with
 *      batching plus a 0.25 return wait, to show what the wait adds);
 *   3. KServe's Python ModelServer with onnxruntime (installed into .beamline/bench-venv);
 *   4. Seldon's MLServer, adaptive batching off and on, when it is installed there.
 * Options: --seconds 2 --warmup 0.5 --repeat 3 --concurrency 1,16,64 --models mlp,conv,wide --no-python --no-binary
 * Each cell is the median of the repeats (req/s, p50 and p99 taken separately).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import ort from 'onnxruntime-node';
import { convNetModel, mlpModel, weights } from '../../../../test/helpers/onnx-conv.js';
import { runInProcess, runLoad, type LoadResult } from './load.js';
import { wideMlpModel } from './wide-mlp.js';
import { ensurePythonServer, mlserverMissing, mlserverVersion, pythonVersions, startBeamline, startKserve, startMlserver, type BenchServer } from './servers.js';

interface Row {
  model: string;
  server: string;
  concurrency: number;
  result: LoadResult;
}

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1] : fallback;
}
const seconds = Number(arg('seconds', '2'));
const warmup = Number(arg('warmup', '0.5'));
const levels = arg('concurrency', '1,16,64').split(',').map(Number);
const modelNames = arg('models', 'mlp,conv,wide').split(',');
const withPython = !process.argv.includes('--no-python');
const withBinary = !process.argv.includes('--no-binary');
const maxBatchSize = Number(arg('max-batch-size', '64'));
const repeat = Number(arg('repeat', '3'));

const MODELS: Record<string, { onnx: () => Buffer; input: string; shape: number[] }> = {
  mlp: { onnx: () => mlpModel(32, 128, 10), input: 'x', shape: [1, 32] },
  conv: { onnx: () => convNetModel(), input: 'image', shape: [1, 3, 32, 32] },
  // 64 → 4096 → 4096 → 4096 → 16 (wide-mlp.ts): the model where batching matters.
  wide: { onnx: () => wideMlpModel(), input: 'x', shape: [1, 64] },
};

const dir = resolve('.beamline/bench');
mkdirSync(dir, { recursive: true });
const log = (line: string) => console.error(line);

async function main(): Promise<void> {
  const pythonProblem = withPython ? ensurePythonServer(log) : 'skipped (--no-python)';
  const mlserverProblem = pythonProblem ?? mlserverMissing();
  const rows: Row[] = [];
  for (const name of modelNames) {
    const spec = MODELS[name];
    const path = join(dir, `${name}.onnx`);
    writeFileSync(path, spec.onnx());
    const count = spec.shape.reduce((a, b) => a * b, 1);
    const data = weights(count, 42, 1);
    const json = { body: Buffer.from(JSON.stringify({ inputs: [{ name: spec.input, datatype: 'FP32', shape: spec.shape, data: Array.from(data) }] })) };
    // The same tensor as the V2 binary extension: JSON header, then the raw float32 bytes.
    const header = Buffer.from(JSON.stringify({ inputs: [{ name: spec.input, datatype: 'FP32', shape: spec.shape, parameters: { binary_data_size: data.byteLength } }] }));
    const binary = { body: Buffer.concat([header, Buffer.from(data.buffer, data.byteOffset, data.byteLength)]), headers: { 'inference-header-content-length': header.length } };
    const inferPath = `/v2/models/${name}/infer`;

    log(`${name}: floor (in-process session.run)`);
    const session = await ort.InferenceSession.create(path, { graphOptimizationLevel: 'all' });
    const floors: LoadResult[] = [];
    for (let r = 0; r < repeat; r++) floors.push(await runInProcess(() => session.run({ [spec.input]: new ort.Tensor('float32', data, spec.shape) }), warmup, seconds));
    await session.release();
    rows.push({ model: name, server: 'floor: in-process session.run', concurrency: 1, result: median(floors) });

    const starts: Array<[string, () => Promise<BenchServer>]> = [
      ['beamline runtime, batching off', () => startBeamline(path, false, maxBatchSize)],
      [`beamline runtime, batching on (max ${maxBatchSize})`, () => startBeamline(path, true, maxBatchSize)],
      [`beamline runtime, batching on (max ${maxBatchSize}), return wait 0.25`, () => startBeamline(path, true, maxBatchSize, ['--return-wait-fraction', '0.25'])],
    ];
    if (!pythonProblem) starts.push(['KServe ModelServer (Python) + onnxruntime', () => startKserve(name, path)]);
    if (!pythonProblem && !mlserverProblem) {
      starts.push(['MLServer (Python) + onnxruntime, batching off', () => startMlserver(name, path, 1)]);
      starts.push([`MLServer (Python) + onnxruntime, adaptive batching (max ${maxBatchSize})`, () => startMlserver(name, path, maxBatchSize)]);
    }
    // All servers up at once and measured in turn, repeat after repeat: the machine's
    // load drifts, and interleaving spreads the drift over every row alike.
    const servers: Array<[string, BenchServer]> = [];
    try {
      for (const [label, start] of starts) servers.push([label, await start()]);
      // Every server with JSON tensors; Beamline's also with binary ones.
      const cells = servers.flatMap(([label, server]) => [
        { label, server, request: json as { body: Buffer; headers?: Record<string, number> } },
        ...(withBinary && label.startsWith('beamline') && !label.endsWith('return wait 0.25') ? [{ label: `${label}, binary tensors`, server, request: binary }] : []),
      ]);
      const runs = new Map<string, LoadResult[]>();
      for (let r = 0; r < repeat; r++) {
        for (const concurrency of levels) {
          for (const { label, server, request } of cells) {
            log(`${name}: ${label}, concurrency ${concurrency} (run ${r + 1}/${repeat})`);
            const result = await runLoad({ url: server.url, path: inferPath, ...request, concurrency, warmupSeconds: warmup, seconds });
            if (result.errors) log(`  ${result.errors} errors, first: ${result.firstError}`);
            const key = `${label}\u0000${concurrency}`;
            runs.set(key, [...(runs.get(key) ?? []), result]);
          }
        }
      }
      for (const { label } of cells) {
        for (const concurrency of levels) rows.push({ model: name, server: label, concurrency, result: median(runs.get(`${label}\u0000${concurrency}`)!) });
      }
    } finally {
      for (const [, server] of servers) await server.stop();
    }
  }
  const report = render(rows, pythonProblem, mlserverProblem);
  writeFileSync(join(dir, 'runtime-results.md'), report);
  console.log(report);
}

function median(results: LoadResult[]): LoadResult {
  const mid = <T>(values: T[], key: (v: T) => number) => values.map(key).sort((a, b) => a - b)[Math.floor(values.length / 2)];
  return {
    requests: mid(results, (r) => r.requests),
    errors: results.reduce((s, r) => s + r.errors, 0),
    seconds: mid(results, (r) => r.seconds),
    perSecond: mid(results, (r) => r.perSecond),
    p50Ms: mid(results, (r) => r.p50Ms),
    p99Ms: mid(results, (r) => r.p99Ms),
    firstError: results.find((r) => r.firstError)?.firstError,
  };
}

const f = (n: number, digits = 2) => (Number.isFinite(n) ? n.toFixed(digits) : '—');

function render(rows: Row[], pythonProblem: string | undefined, mlserverProblem: string | undefined): string {
  const lines = [
    `Machine: ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, load average ${loadavg().map((l) => l.toFixed(1)).join(' ')} at the end; Node ${process.version}, onnxruntime-node ${ort.env.versions.node}, CPU provider.`,
    `Python baseline: ${pythonProblem ? `not run: ${pythonProblem}` : pythonVersions()}; MLServer: ${mlserverProblem ? `not run: ${mlserverProblem}` : `${mlserverVersion()}, one process (parallel_workers 0), same onnxruntime session defaults`}.`,
    `Each cell: the median of ${repeat} runs (servers interleaved), each ${warmup} s warm-up then ${seconds} s closed loop; batch-1 FP32 requests, JSON data unless the row says binary tensors (the V2 binary extension); × floor = req/s ÷ the floor's req/s.`,
    '',
    '| model | server | concurrency | req/s | p50 ms | p99 ms | × floor | errors |',
    '|---|---|---:|---:|---:|---:|---:|---:|',
  ];
  for (const r of rows) {
    const floor = rows.find((x) => x.model === r.model && x.server.startsWith('floor'))!.result.perSecond;
    lines.push(`| ${r.model} | ${r.server} | ${r.concurrency} | ${f(r.result.perSecond, 0)} | ${f(r.result.p50Ms, 3)} | ${f(r.result.p99Ms, 3)} | ${f(r.result.perSecond / floor)} | ${r.result.errors} |`);
  }
  lines.push('', ...targets(rows));
  return lines.join('\n');
}

function targets(rows: Row[]): string[] {
  const get = (model: string, server: string, c: number) => rows.find((r) => r.model === model && r.server.startsWith(server) && r.concurrency === c)?.result;
  const out = ['Targets:'];
  for (const model of new Set(rows.map((r) => r.model))) {
    const exact = (server: string, c: number) => rows.find((r) => r.model === model && r.server === server && r.concurrency === c)?.result;
    const onLabel = `beamline runtime, batching on (max ${maxBatchSize})`;
    for (const suffix of ['', ', binary tensors']) {
      const on64 = exact(onLabel + suffix, 64);
      const off64 = exact('beamline runtime, batching off' + suffix, 64);
      if (on64 && off64) out.push(`- ${model}${suffix}, concurrency 64, batching on ÷ off: ${f(on64.perSecond / off64.perSecond)}× (target ≥ 3× on wide): ${on64.perSecond >= 3 * off64.perSecond ? 'met' : 'NOT met'}`);
      const on1 = exact(onLabel + suffix, 1);
      const off1 = exact('beamline runtime, batching off' + suffix, 1);
      if (on1 && off1) out.push(`- ${model}${suffix}, concurrency 1, p50 batching on − off: ${f(on1.p50Ms - off1.p50Ms, 3)} ms (target ≤ +0.3 ms): ${on1.p50Ms - off1.p50Ms <= 0.3 ? 'met' : 'NOT met'}`);
    }
  }
  for (const model of new Set(rows.map((r) => r.model))) {
    const floor = get(model, 'floor', 1);
    for (const r of rows.filter((x) => x.model === model && x.server.startsWith('beamline'))) {
      if (floor && r.concurrency === 1) {
        const gap = r.result.p50Ms - floor.p50Ms;
        out.push(`- ${model}, ${r.server}, concurrency 1: p50 +${f(gap, 3)} ms over the floor (target ≤ +0.5 ms): ${gap <= 0.5 ? 'met' : 'NOT met'}`);
      }
      const py = get(model, 'KServe', r.concurrency);
      if (py) out.push(`- ${model}, ${r.server}, concurrency ${r.concurrency}: ${f(r.result.perSecond / py.perSecond)}× KServe's req/s${r.result.perSecond > py.perSecond ? '' : ' (NOT ahead)'}`);
    }
  }
  return out;
}

main().catch((error: Error) => {
  console.error(error.stack ?? error.message);
  process.exit(1);
});
