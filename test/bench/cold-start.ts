// npm run bench:cold-start -- [--rounds 5] [--warm 200] [--models mlp,wide-mlp]
//
// Cold start of an autoscaled endpoint on the local driver: the time from sending the
// first request to an endpoint scaled to zero until its answer (the request is held by the
// API's infer proxy, which wakes the controller; a `beamline runtime` process starts, loads
// the model, warms up and turns ready; the held request goes through). Baseline: the warm
// p50 of the same request through the same proxy right after. The real platform runs in
// this process on embedded PostgreSQL and Redis with production defaults (controller pass
// interval 1 s, readiness probed every 500 ms). See docs/benchmarks.md, "Cold start".
import { cpus, loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { wideMlpModel } from '../../src/serving/runtime/bench/wide-mlp.js';
import { mlpModel, weights } from '../helpers/onnx-conv.js';
import { registry } from '../helpers/onnx-registry.js';
import { benchApi, benchLog as log, median, seedToken, startBenchPlatform, waitFor, type Api } from './bench-platform.js';

const { values } = parseArgs({
  options: {
    rounds: { type: 'string', default: '5' },
    warm: { type: 'string', default: '200' },
    models: { type: 'string', default: 'mlp,wide-mlp' },
  },
});
const ROUNDS = Number(values.rounds);
const WARM = Number(values.warm);
const PROJECT = 'bench';

/** The models: the small MLP of the proxy bench and tests, and the runtime bench's wide MLP (128 MiB of weights). */
const MODELS: Record<string, { onnx: () => Buffer; label: string; input: { width: number } }> = {
  mlp: { onnx: () => mlpModel(32, 128, 10), label: 'MLP 32→128→10 (tests, bench:proxy)', input: { width: 32 } },
  'wide-mlp': { onnx: () => wideMlpModel(), label: 'wide MLP 64→4096→4096→4096→16 (bench:runtime, 128 MiB)', input: { width: 64 } },
};

interface Row {
  label: string;
  bytes: number;
  cold: number[];
  /** From sending the request to the controller's ScaledFromZero event (the wake-up and one pass). */
  decided: number[];
  warmP50: number[];
}

/** One model: register it, serve it with minReplicas 0, then ROUNDS × (wait for zero, time the first request, time WARM more). */
async function measure(base: string, token: string, api: Api, name: string): Promise<Row> {
  const model = MODELS[name];
  const onnx = model.onnx();
  const models = `/v1/projects/${PROJECT}/models`;
  const endpoints = `/v1/projects/${PROJECT}/endpoints`;
  if ((await api('POST', models, { name })).status !== 201) throw new Error(`could not create model ${name}`);
  const upload = await registry(base, token).multipart(`${models}/${name}/versions`, onnx);
  if (upload.status !== 201) throw new Error(`upload answered ${upload.status}`);
  const autoscaling = { minReplicas: 0, maxReplicas: 1, targetInFlight: 8, scaleDownDelaySeconds: 2 };
  const created = await api('POST', endpoints, { name, model: name, version: 1, autoscaling, resources: { cpu: '1', memory: '2Gi' } });
  if (created.status !== 201) throw new Error(`create endpoint answered ${created.status}: ${JSON.stringify(created.body)}`);
  const body = JSON.stringify({ inputs: [{ name: 'x', datatype: 'FP32', shape: [1, model.input.width], data: Array.from(weights(model.input.width, 42, 1)) }] });
  const infer = async () => {
    const res = await fetch(`${base}${endpoints}/${name}/infer`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body });
    const text = await res.text();
    if (res.status !== 200) throw new Error(`infer answered ${res.status}: ${text.slice(0, 300)}`);
  };
  const row: Row = { label: model.label, bytes: onnx.length, cold: [], decided: [], warmP50: [] };
  for (let r = 0; r < ROUNDS; r++) {
    // At zero: no replica process left (a draining one would still be counted by the driver).
    await waitFor('scale to zero', async () => {
      const e = (await api('GET', `${endpoints}/${name}`)).body;
      return e.replicas === 0 && e.observed.rollout === 'Complete' && e.observed.availableReplicas === 0 && e.observed.updatedReplicas === 0 ? true : undefined;
    }, 120_000);
    const sent = Date.now();
    const began = performance.now();
    await infer();
    row.cold.push(performance.now() - began);
    const events = (await api('GET', `${endpoints}/${name}/events`)).body.items as { reason: string; createdAt: string }[];
    const woke = events.filter((e) => e.reason === 'ScaledFromZero').at(-1);
    row.decided.push(woke ? Date.parse(woke.createdAt) - sent : NaN);
    const times: number[] = [];
    for (let i = 0; i < WARM; i++) {
      const t0 = performance.now();
      await infer();
      times.push(performance.now() - t0);
    }
    row.warmP50.push(median(times));
    log(`${name} round ${r + 1}: cold ${row.cold.at(-1)!.toFixed(0)} ms (scale decision after ${row.decided.at(-1)} ms), warm p50 ${row.warmP50.at(-1)!.toFixed(2)} ms`);
  }
  await api('DELETE', `${endpoints}/${name}`);
  await waitFor('delete', async () => ((await api('GET', `${endpoints}/${name}`)).status === 404 ? true : undefined), 60_000);
  return row;
}

async function main(): Promise<void> {
  const platform = await startBenchPlatform('cold', { BEAMLINE_CLUSTER_DRIVER: 'local' });
  try {
    const token = await seedToken(platform.prisma, PROJECT);
    const before = loadavg();
    const rows: Row[] = [];
    for (const name of values.models!.split(',')) rows.push(await measure(platform.base, token, benchApi(platform.base, token), name));
    print(rows, before, loadavg());
  } finally {
    await platform.close();
  }
}

function print(rows: Row[], before: number[], after: number[]): void {
  const cpu = cpus();
  console.log(`\nbench:cold-start  npm run bench:cold-start -- --rounds ${ROUNDS} --warm ${WARM} --models ${values.models}`);
  console.log(`date: ${new Date().toISOString()}`);
  console.log(`machine: ${cpu[0]?.model ?? 'unknown CPU'}, ${cpu.length} cores, node ${process.version}, load average ${before.map((l) => l.toFixed(2)).join(' ')} before, ${after.map((l) => l.toFixed(2)).join(' ')} after\n`);
  console.log('| model | ONNX bytes | cold start median ms | min–max ms | of which: to the scale decision, median ms | rounds | warm p50 ms (baseline) | cold / warm |');
  console.log('|---|---:|---:|---:|---:|---:|---:|---:|');
  for (const r of rows) {
    const cold = median(r.cold);
    const warm = median(r.warmP50);
    console.log(`| ${r.label} | ${r.bytes} | ${cold.toFixed(0)} | ${Math.min(...r.cold).toFixed(0)}–${Math.max(...r.cold).toFixed(0)} | ${median(r.decided).toFixed(0)} | ${r.cold.length} | ${warm.toFixed(2)} | ${(cold / warm).toFixed(0)}× |`);
  }
}

// Everything is stopped by now; exit rather than wait on a library's lingering timer.
main().then(() => process.exit(0), (error: Error) => {
  console.error(error);
  process.exit(1);
});
