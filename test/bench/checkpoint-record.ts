// npm run bench:checkpoint -- [--requests 300] [--rounds 3]
//
// What recording one checkpoint costs (issue 15): `POST .../training-jobs/<id>/checkpoints`
// (the call beamline.checkpoint.save makes after its rename: one upsert and the keep-N trim
// in one transaction) against `GET .../training-jobs/<id>` on the same job, the cheapest
// authenticated call a job can make, as the baseline. The real platform in this process on
// embedded PostgreSQL and Redis, no cluster driver (the job is marked Running by hand).
// Sequential requests (a job records one checkpoint at a time); rounds alternate the two so
// the machine's drifting load hits both. See docs/benchmarks.md, "Checkpoint recording".
import { cpus, loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { benchLog as log, seedToken, startBenchPlatform } from './bench-platform.js';

const { values } = parseArgs({ options: { requests: { type: 'string', default: '300' }, rounds: { type: 'string', default: '3' } } });
const REQUESTS = Number(values.requests);
const ROUNDS = Number(values.rounds);
const PROJECT = 'bench';

async function timed(n: number, call: (i: number) => Promise<Response>): Promise<number[]> {
  const ms: number[] = [];
  for (let i = 0; i < n; i++) {
    const start = process.hrtime.bigint();
    const res = await call(i);
    await res.arrayBuffer();
    ms.push(Number(process.hrtime.bigint() - start) / 1e6);
    if (!res.ok) throw new Error(`answered ${res.status}`);
  }
  return ms;
}
const quantile = (xs: number[], q: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(q * xs.length))];

async function main(): Promise<void> {
  // No cluster driver: the job is marked Running by hand.
  const platform = await startBenchPlatform('ckpt', { BEAMLINE_CLUSTER_DRIVER: 'none', BEAMLINE_RATE_SUBMIT_PER_TOKEN: 'off' });
  try {
    const { base, prisma } = platform;
    const token = await seedToken(prisma, PROJECT);
    const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
    const submitted = await fetch(`${base}/v1/projects/${PROJECT}/training-jobs`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ name: 'bench', image: 'x', command: ['true'], resources: { cpu: '1', memory: '1Gi' } }),
    });
    const id = ((await submitted.json()) as { id: string }).id;
    await prisma.trainingJob.update({ where: { id }, data: { status: 'Running' } });
    const job = `${base}/v1/projects/${PROJECT}/training-jobs/${id}`;
    let step = 0;
    const record = () => fetch(`${job}/checkpoints`, { method: 'POST', headers, body: JSON.stringify({ step: step++, sizeBytes: 1 << 20 }) });
    const read = () => fetch(job, { headers });
    await timed(50, record); // warm-up: connections, JIT, plans
    await timed(50, read);
    const all = { record: [] as number[], read: [] as number[] };
    const load = loadavg()[0];
    for (let r = 0; r < ROUNDS; r++) {
      all.record.push(...(await timed(REQUESTS, record)));
      all.read.push(...(await timed(REQUESTS, read)));
      log(`round ${r + 1}: record p50 ${quantile(all.record, 0.5).toFixed(2)} ms, read p50 ${quantile(all.read, 0.5).toFixed(2)} ms`);
    }
    const kept = await prisma.trainingCheckpoint.count({ where: { jobId: id } });
    console.log(`\n${ROUNDS} rounds × ${REQUESTS} sequential requests each; ${cpus().length} CPUs, load ${load.toFixed(1)} → ${loadavg()[0].toFixed(1)}; ${kept} checkpoint rows kept (BEAMLINE_CHECKPOINT_KEEP)\n`);
    console.log('| call | p50 ms | p95 ms | p99 ms |');
    console.log('|---|---|---|---|');
    for (const [name, xs] of [['POST checkpoints (record)', all.record], ['GET job (baseline)', all.read]] as const) {
      console.log(`| ${name} | ${quantile(xs, 0.5).toFixed(2)} | ${quantile(xs, 0.95).toFixed(2)} | ${quantile(xs, 0.99).toFixed(2)} |`);
    }
    console.log(`| record − baseline (p50) | ${(quantile(all.record, 0.5) - quantile(all.read, 0.5)).toFixed(2)} | | |`);
  } finally {
    await platform.close();
  }
}

await main();
