import { fork } from 'node:child_process';
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { fileURLToPath } from 'node:url';

/**
 * The closed-loop load generator of `npm run bench:proxy`: `concurrency` clients over
 * keep-alive connections, each sending its next request when the previous answer is in.
 * It runs in a child process of its own (forked with tsx's loader): not on the API's
 * thread, where it would queue behind the proxy's work, and not in the API's process, so
 * the CPU each process spends per request can be told apart (see `CpuProbes`).
 */
export interface LoadOptions {
  url: string;
  body: Uint8Array;
  headers: Record<string, string>;
  concurrency: number;
  warmupSeconds: number;
  seconds: number;
}

export interface LoadResult {
  requests: number;
  errors: number;
  perSecond: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  firstError?: string;
  /** CPU spent over the measured window (after warm-up), in µs per answered request: `loadgen` and each probe by name. */
  cpuUsPerRequest: Record<string, number>;
  /** Cores busy on the whole machine over the measured window (from /proc/stat; NaN where it cannot be read). */
  busyCores: number;
}

/** Things whose CPU time (µs, user + system) the bench reads at the start and end of the measured window. */
export type CpuProbes = Record<string, () => number>;

/** This process's CPU time in µs. */
export const ownCpu = (): number => {
  const u = process.cpuUsage();
  return u.user + u.system;
};

const TICK_US = 1e6 / 100; // USER_HZ: 100 on Linux (getconf CLK_TCK)

/** Another process's CPU time in µs (utime + stime from /proc/<pid>/stat; 10 ms resolution). */
export const pidCpu = (pid: number) => (): number => {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' '); // after "pid (comm) ": field 3 is [0]
  return (Number(fields[11]) + Number(fields[12])) * TICK_US;
};

/** The whole machine's busy and total CPU ticks (all cores), or undefined off Linux. */
function machineTicks(): { busy: number; total: number } | undefined {
  try {
    const [, ...ticks] = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).map(Number);
    const total = ticks.slice(0, 8).reduce((a, b) => a + b, 0); // user nice system idle iowait irq softirq steal
    return { busy: total - ticks[3] - ticks[4], total };
  } catch {
    return undefined;
  }
}

/** The PID of the process listening on 127.0.0.1:`port` (Linux /proc), or undefined. */
export function listenerPid(port: number): number | undefined {
  const hex = port.toString(16).toUpperCase().padStart(4, '0');
  const inodes = new Set<string>();
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text = '';
    try {
      text = readFileSync(table, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      const f = line.trim().split(/\s+/);
      if (f[1]?.endsWith(`:${hex}`) && f[3] === '0A') inodes.add(f[9]); // 0A: LISTEN
    }
  }
  return findPid((link) => inodes.has(/^socket:\[(\d+)\]$/.exec(link)?.[1] ?? ''));
}

function findPid(matches: (fdLink: string) => boolean): number | undefined {
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let fds: string[] = [];
    try {
      fds = readdirSync(`/proc/${entry}/fd`);
    } catch {
      continue; // not ours, or gone
    }
    for (const fd of fds) {
      try {
        if (matches(readlinkSync(`/proc/${entry}/fd/${fd}`))) return Number(entry);
      } catch {
        // closed meanwhile
      }
    }
  }
  return undefined;
}

type ChildMessage = { measuring: true } | { result: Omit<LoadResult, 'cpuUsPerRequest' | 'busyCores'> & { cpuUs: number } };

/**
 * One closed-loop run in a fresh child process. `probes` are read when the child says its
 * warm-up is over and again when its result arrives: the window is the measured seconds,
 * give or take one IPC message.
 */
export function runLoad(options: LoadOptions, probes: CpuProbes = {}): Promise<LoadResult> {
  const child = fork(fileURLToPath(import.meta.url), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'], env: { ...process.env, BEAMLINE_PROXY_LOAD_CHILD: '1' } });
  let start: Record<string, number> = {};
  let machineStart: ReturnType<typeof machineTicks>;
  const read = () => Object.fromEntries(Object.entries(probes).map(([name, probe]) => [name, probe()]));
  return new Promise((resolve, reject) => {
    child.on('message', (message: ChildMessage) => {
      if ('measuring' in message) {
        start = read();
        machineStart = machineTicks();
        return;
      }
      const end = read();
      const machineEnd = machineTicks();
      const { cpuUs, ...result } = message.result;
      const per = (us: number) => (result.requests > 0 ? us / result.requests : NaN);
      const cpuUsPerRequest: Record<string, number> = { loadgen: per(cpuUs) };
      for (const name of Object.keys(probes)) cpuUsPerRequest[name] = per(end[name] - start[name]);
      const seconds = result.requests / result.perSecond;
      const busyCores = machineStart && machineEnd ? ((machineEnd.busy - machineStart.busy) * TICK_US) / 1e6 / seconds : NaN;
      resolve({ ...result, cpuUsPerRequest, busyCores });
      child.kill();
    });
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`load process exited with code ${code}`)));
    child.send({ ...options, body: Buffer.from(options.body).toString('base64') });
  });
}

async function generate(options: LoadOptions, measuring: () => void): Promise<ChildMessage> {
  const agent = new Agent({ keepAlive: true, maxSockets: options.concurrency });
  const target = new URL(options.url);
  const headers = { 'content-type': 'application/json', 'content-length': options.body.length, ...options.headers };
  const send = () =>
    new Promise<string | undefined>((resolve) => {
      const req = request(target, { method: 'POST', agent, headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve(res.statusCode === 200 ? undefined : `${res.statusCode} ${Buffer.concat(chunks).toString().slice(0, 200)}`));
        res.on('error', (e) => resolve(e.message));
      });
      req.on('error', (e) => resolve(e.message));
      req.end(options.body);
    });

  const latencies: number[] = [];
  let errors = 0;
  let firstError: string | undefined;
  let lastDone = 0;
  const warmEnd = performance.now() + options.warmupSeconds * 1000;
  const end = warmEnd + options.seconds * 1000;
  let cpuAtWarmEnd: number | undefined;
  const warmTimer = setTimeout(() => {
    cpuAtWarmEnd = ownCpu();
    measuring();
  }, options.warmupSeconds * 1000);
  const client = async () => {
    for (;;) {
      const start = performance.now();
      if (start >= end) return;
      const error = await send();
      const done = performance.now();
      if (start < warmEnd) continue;
      lastDone = Math.max(lastDone, done);
      if (error !== undefined) {
        errors++;
        firstError ??= error;
      } else latencies.push(done - start);
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, client));
  clearTimeout(warmTimer);
  const cpuUs = ownCpu() - (cpuAtWarmEnd ?? 0);
  agent.destroy();
  const sorted = latencies.sort((a, b) => a - b);
  const at = (q: number) => +(sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN).toFixed(3);
  const seconds = (lastDone - warmEnd) / 1000;
  return { result: { requests: sorted.length, errors, perSecond: Math.round(sorted.length / seconds), p50Ms: at(0.5), p95Ms: at(0.95), p99Ms: at(0.99), firstError, cpuUs } };
}

if (process.env.BEAMLINE_PROXY_LOAD_CHILD === '1' && process.send) {
  process.once('message', (raw: LoadOptions & { body: string }) => {
    const options = { ...raw, body: Buffer.from(raw.body, 'base64') };
    void generate(options, () => process.send!({ measuring: true })).then((message) => process.send!(message));
  });
}
