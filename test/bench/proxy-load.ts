import { Agent, request } from 'node:http';
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';

/**
 * The closed-loop load generator of `npm run bench:proxy`: `concurrency` clients over
 * keep-alive connections, each sending its next request when the previous answer is in.
 * It runs in a worker thread because the API under test runs on the bench process's main
 * thread: on that thread the client would queue behind the proxy's own work and inflate
 * the proxy rounds only.
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
}

export function runLoad(options: LoadOptions): Promise<LoadResult> {
  // A worker does not inherit tsx's loader: register it, then load this same file.
  const boot = `import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))}).then((m) => { m.register(); return import(${JSON.stringify(import.meta.url)}); })`;
  const worker = new Worker(boot, { eval: true, workerData: { proxyLoad: options } });
  return new Promise((resolve, reject) => {
    worker.once('message', (result: LoadResult) => {
      resolve(result);
      void worker.terminate();
    });
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`load worker exited with code ${code}`)));
  });
}

async function generate(options: LoadOptions): Promise<LoadResult> {
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
  agent.destroy();
  const sorted = latencies.sort((a, b) => a - b);
  const at = (q: number) => +(sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN).toFixed(3);
  const seconds = (lastDone - warmEnd) / 1000;
  return { requests: sorted.length, errors, perSecond: Math.round(sorted.length / seconds), p50Ms: at(0.5), p95Ms: at(0.95), p99Ms: at(0.99), firstError };
}

if (!isMainThread && (workerData as { proxyLoad?: LoadOptions } | null)?.proxyLoad) {
  const options = (workerData as { proxyLoad: LoadOptions }).proxyLoad;
  parentPort!.postMessage(await generate(options));
}
