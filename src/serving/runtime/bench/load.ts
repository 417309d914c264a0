import { Agent, request } from 'node:http';

/**
 * A closed-loop load generator: `concurrency` clients, each sending its next request as
 * soon as the previous answer is in, over keep-alive connections. The same generator
 * drives every server in the table, so its own cost is the same on every row.
 */
export interface LoadResult {
  requests: number;
  errors: number;
  seconds: number;
  perSecond: number;
  p50Ms: number;
  p99Ms: number;
  firstError?: string;
}

export interface LoadOptions {
  url: string;
  path: string;
  body: Buffer;
  /** Extra request headers, e.g. Inference-Header-Content-Length for binary tensors. */
  headers?: Record<string, string | number>;
  concurrency: number;
  warmupSeconds: number;
  seconds: number;
}

export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: options.concurrency });
  const target = new URL(options.path, options.url);
  const headers = { 'content-type': 'application/json', 'content-length': options.body.length, ...options.headers };
  const send = () =>
    new Promise<{ ok: boolean; detail?: string }>((resolve) => {
      const req = request(target, { method: 'POST', agent, headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve(res.statusCode === 200 ? { ok: true } : { ok: false, detail: `${res.statusCode} ${Buffer.concat(chunks).toString().slice(0, 200)}` }));
        res.on('error', (e) => resolve({ ok: false, detail: e.message }));
      });
      req.on('error', (e) => resolve({ ok: false, detail: e.message }));
      req.end(options.body);
    });

  const latencies: number[] = [];
  let errors = 0;
  let firstError: string | undefined;
  const warmEnd = performance.now() + options.warmupSeconds * 1000;
  const end = warmEnd + options.seconds * 1000;
  let measuredStart = 0;
  const client = async () => {
    for (;;) {
      const start = performance.now();
      if (start >= end) return;
      const result = await send();
      const done = performance.now();
      if (start < warmEnd) continue;
      if (!result.ok) {
        errors++;
        firstError ??= result.detail;
        continue;
      }
      latencies.push(done - start);
    }
  };
  setTimeout(() => (measuredStart = performance.now()), Math.max(0, warmEnd - performance.now()));
  await Promise.all(Array.from({ length: options.concurrency }, client));
  agent.destroy();
  const seconds = (performance.now() - (measuredStart || warmEnd)) / 1000;
  return summarize(latencies, errors, seconds, firstError);
}

/** The floor: session.run in this process, one call after another. */
export async function runInProcess(run: () => Promise<unknown>, warmupSeconds: number, seconds: number): Promise<LoadResult> {
  const warmEnd = performance.now() + warmupSeconds * 1000;
  while (performance.now() < warmEnd) await run();
  const latencies: number[] = [];
  const start = performance.now();
  const end = start + seconds * 1000;
  for (let t = start; t < end; ) {
    await run();
    const now = performance.now();
    latencies.push(now - t);
    t = now;
  }
  return summarize(latencies, 0, (performance.now() - start) / 1000);
}

function summarize(latencies: number[], errors: number, seconds: number, firstError?: string): LoadResult {
  latencies.sort((a, b) => a - b);
  const at = (q: number) => (latencies.length ? latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] : NaN);
  return { requests: latencies.length, errors, seconds, perSecond: latencies.length / seconds, p50Ms: at(0.5), p99Ms: at(0.99), firstError };
}
