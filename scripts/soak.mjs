// Soak (issue 19, item 7; not in CI): the built platform (`node dist/src/main.js`, embedded
// PostgreSQL and Redis, local driver) under steady training submissions and inference for a
// given time, with the resident memory (VmRSS) and open file descriptors (/proc/<pid>/fd) of
// every platform process sampled after a warm-up and at the end. Linux only (/proc).
//
//   node scripts/build.mjs && node scripts/soak.mjs [--minutes 60] [--warmup-minutes 2]
//        [--jobs-per-minute 20] [--infer-per-second 10]
//
// The bound it checks (exit 1 beyond it): per process, open fds grow by at most 20 and RSS
// by at most 50% (+64 MiB for small processes) between the warm-up sample and the end.
import { execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

const { values: opts } = parseArgs({
  options: {
    minutes: { type: 'string', default: '60' },
    'warmup-minutes': { type: 'string', default: '2' },
    'jobs-per-minute': { type: 'string', default: '20' },
    'infer-per-second': { type: 'string', default: '10' },
  },
});
const minutes = Number(opts.minutes);
const say = (line) => process.stdout.write(`[soak ${new Date().toISOString()}] ${line}\n`);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// 1. The platform, in a home of its own (0755: the local job user reaches its job folders).
const home = mkdtempSync(join(tmpdir(), 'soak-home-'));
chmodSync(home, 0o755);
const token = `bl_${randomBytes(32).toString('base64url')}`;
const port = await new Promise((resolve) => {
  const s = createServer().listen(0, '127.0.0.1', () => {
    const { port: free } = s.address();
    s.close(() => resolve(free));
  });
});
const env = { ...process.env, BEAMLINE_HOME: home, BEAMLINE_PORT: String(port), BEAMLINE_ADMIN_TOKEN: token, BEAMLINE_LOG_LEVEL: 'warn' };
for (const k of ['DATABASE_URL', 'REDIS_URL']) delete env[k];
Object.assign(env, { BEAMLINE_RATE_SUBMIT_PER_TOKEN: '100000/min', BEAMLINE_RATE_SUBMIT_PER_PROJECT: '100000/min' });
const platform = spawn(process.execPath, ['dist/src/main.js'], { env, stdio: ['ignore', 'ignore', 'inherit'] });
const base = `http://127.0.0.1:${port}`;
const api = `${base}/v1/projects/default`;
const auth = { authorization: `Bearer ${token}` };
for (let i = 0; ; i++) {
  if (platform.exitCode !== null) throw new Error(`the platform exited with ${platform.exitCode}`);
  if ((await fetch(`${base}/readyz`).catch(() => undefined))?.status === 200) break;
  if (i > 1200) throw new Error('the platform did not become ready in 2 minutes');
  await sleep(100);
}
say(`platform pid ${platform.pid} ready on ${base}, home ${home}`);

async function call(method, path, body, headers = {}) {
  const init = { method, headers: { ...auth, ...headers } };
  if (body instanceof Uint8Array) Object.assign(init, { body, headers: { ...init.headers, 'content-type': 'application/octet-stream' } });
  else if (body !== undefined) Object.assign(init, { body: JSON.stringify(body), headers: { ...init.headers, 'content-type': 'application/json' } });
  const res = await fetch(`${api}${path}`, { ...init, signal: AbortSignal.timeout(30_000) });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

// 2. A model (the README's y = x · W + b) and an endpoint with one replica.
const modelFile = join(home, 'model.onnx');
execFileSync('npx', ['tsx', 'examples/make-model.ts', modelFile], { stdio: 'ignore' });
await call('POST', '/models', { name: 'soak' });
await call('POST', '/models/soak/versions', {});
const upload = await call('PUT', '/models/soak/versions/1/artifact', new Uint8Array(readFileSync(modelFile)));
if (upload.status >= 300) throw new Error(`model upload: ${upload.status} ${JSON.stringify(upload.body)}`);
const created = await call('POST', '/endpoints', { name: 'soak', model: 'soak', version: 1, replicas: 1, resources: { cpu: '500m', memory: '256Mi' } });
if (created.status >= 300) throw new Error(`endpoint: ${created.status} ${JSON.stringify(created.body)}`);
for (let i = 0; (await call('GET', '/endpoints/soak')).body?.phase !== 'Complete'; i++) {
  if (i > 600) throw new Error('the endpoint did not become Complete in 2 minutes');
  await sleep(200);
}
say('endpoint soak is Complete');

// 3. Steady load until stopped: submissions (a 1 s worker) and inference.
const counts = { submitted: 0, submitErrors: 0, inferOk: 0, inferErrors: 0 };
const latencies = [];
let stopping = false;
const job = { name: 'soak', image: 'unused', command: [process.execPath, '-e', 'setTimeout(()=>{},1000)'], resources: { cpu: '100m', memory: '64Mi' } };
const submitter = (async () => {
  for (let n = 0; !stopping; n++) {
    const res = await call('POST', '/training-jobs', job, { 'idempotency-key': `soak-${n}` }).catch(() => ({ status: 0 }));
    if (res.status === 201) counts.submitted++;
    else counts.submitErrors++;
    await sleep(60_000 / Number(opts['jobs-per-minute']));
  }
})();
const request = { inputs: [{ name: 'x', shape: [1, 4], datatype: 'FP32', data: [5.1, 3.5, 1.4, 0.2] }] };
const inferrer = (async () => {
  while (!stopping) {
    const t = performance.now();
    const res = await call('POST', '/endpoints/soak/infer', request).catch(() => ({ status: 0 }));
    if (res.status === 200) {
      counts.inferOk++;
      latencies.push(performance.now() - t);
    } else counts.inferErrors++;
    await sleep(1000 / Number(opts['infer-per-second']));
  }
})();

// 4. Samples: the platform and every process below it. Training workers (a supervisor,
// started with BEAMLINE_SUPERVISED_ENV, whose command is not `runtime`) and their children
// are left out: they come and go. An endpoint replica (the same supervisor running
// `... runtime`) counts, supervisor included.
function children() {
  const parent = new Map();
  for (const p of readdirSync('/proc')) {
    if (!/^\d+$/.test(p)) continue;
    try {
      parent.set(Number(p), Number(readFileSync(`/proc/${p}/stat`, 'utf8').split(') ')[1].split(' ')[1]));
    } catch {
      /* gone */
    }
  }
  return parent;
}
function sample() {
  const parent = children();
  const rows = new Map();
  const within = (pid) => {
    for (let p = pid; p > 1; p = parent.get(p) ?? 0) if (p === platform.pid) return true;
    return false;
  };
  for (const pid of parent.keys()) {
    if (!within(pid)) continue;
    try {
      const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
      let supervised; // the argv of the supervisor above this process, if any
      for (let p = pid; p !== platform.pid && p > 1; p = parent.get(p) ?? 0) {
        const argv = readFileSync(`/proc/${p}/cmdline`, 'utf8').split('\0');
        if (argv.some((a) => a.includes('BEAMLINE_SUPERVISED_ENV'))) supervised = argv;
      }
      if (supervised && !supervised.includes('runtime')) continue; // a training worker
      const name = pid === platform.pid ? 'platform (node)' : supervised ? 'endpoint replica (supervisor + beamline runtime)' : cmd[0].split('/').pop().startsWith('postgres') ? 'postgres (all processes)' : cmd[0].split('/').pop();
      const rss = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) / 1024;
      const fds = readdirSync(`/proc/${pid}/fd`).length;
      const row = rows.get(name) ?? { processes: 0, rssMiB: 0, fds: 0 };
      rows.set(name, { processes: row.processes + 1, rssMiB: row.rssMiB + rss, fds: row.fds + fds });
    } catch {
      /* gone meanwhile */
    }
  }
  return rows;
}

await sleep(Number(opts['warmup-minutes']) * 60_000);
const first = sample();
say(`warm-up done; sampling now and after ${minutes} minute(s)`);
const deadline = Date.now() + minutes * 60_000;
while (Date.now() < deadline) {
  await sleep(Math.min(60_000, deadline - Date.now()));
  say(`${JSON.stringify(counts)}`);
}
const last = sample();
stopping = true;
await Promise.all([submitter, inferrer]);

// 5. The table, the bound, and a clean stop.
const sorted = [...latencies].sort((a, b) => a - b);
const p = (q) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))].toFixed(1) : '-');
let over = 0;
const lines = [`| process | count (start → end) | RSS MiB start | RSS MiB end | fds start | fds end |`, `|---|---|---|---|---|---|`];
for (const name of new Set([...first.keys(), ...last.keys()])) {
  const a = first.get(name) ?? { processes: 0, rssMiB: 0, fds: 0 };
  const b = last.get(name) ?? { processes: 0, rssMiB: 0, fds: 0 };
  if (b.fds - a.fds > 20 || b.rssMiB > a.rssMiB * 1.5 + 64) over++;
  lines.push(`| ${name} | ${a.processes} → ${b.processes} | ${a.rssMiB.toFixed(1)} | ${b.rssMiB.toFixed(1)} | ${a.fds} | ${b.fds} |`);
}
process.stdout.write(`\nsoak: ${minutes} min after a ${opts['warmup-minutes']} min warm-up; ${counts.submitted} jobs submitted (${counts.submitErrors} errors), ${counts.inferOk} inferences (${counts.inferErrors} errors), infer latency p50 ${p(0.5)} ms p99 ${p(0.99)} ms\n${lines.join('\n')}\n`);
process.stdout.write(over ? `\n${over} process(es) grew beyond the bound (fds +20, RSS +50% +64 MiB)\n` : '\nevery process within the bound (fds +20, RSS +50% +64 MiB)\n');
platform.kill('SIGTERM');
await new Promise((r) => platform.once('exit', r));
rmSync(home, { recursive: true, force: true });
process.exit(over ? 1 : 0);
