import { spawn } from 'node:child_process';
import { access, constants, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';

/** CI installs the Debian package (`apt-get install prometheus`); PROMETHEUS_BIN overrides. */
export const PROMETHEUS_BIN = process.env.PROMETHEUS_BIN ?? '/usr/bin/prometheus';

export interface PromResponse<T = unknown> {
  status: 'success' | 'error';
  data?: T;
  errorType?: string;
  error?: string;
  warnings?: string[];
}

export interface PromSample {
  metric: Record<string, string>;
  value: [number, string];
}

export interface RunningPrometheus {
  url: string;
  logs: string[];
  /** GET /api/v1/<path> with query parameters; never throws on a Prometheus error (status 'error'). */
  api<T = unknown>(path: string, params: Record<string, string | string[]>): Promise<PromResponse<T>>;
  /** An instant query at now. */
  query(expr: string): Promise<PromResponse<{ resultType: string; result: PromSample[] }>>;
  stop(): Promise<void>;
}

/** Fails loudly (never skips): CI installs Prometheus, so a missing binary is a broken setup. */
export async function requirePrometheus(): Promise<string> {
  try {
    await access(PROMETHEUS_BIN, constants.X_OK);
  } catch {
    throw new Error(
      `Prometheus is not installed: ${PROMETHEUS_BIN} is missing or not executable. ` +
        'Install it with `apt-get install -y prometheus` (as .ci/run does) or set PROMETHEUS_BIN.',
    );
  }
  return PROMETHEUS_BIN;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** A real Prometheus on a free loopback port, with `config` (a prometheus.yml object) and a throwaway TSDB. */
export async function startPrometheus(config: object): Promise<RunningPrometheus> {
  const bin = await requirePrometheus();
  const dir = await mkdtemp(join(tmpdir(), 'beamline-prometheus-'));
  const configFile = join(dir, 'prometheus.yml');
  await writeFile(configFile, stringify(config));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const proc = spawn(
    bin,
    [`--config.file=${configFile}`, `--storage.tsdb.path=${join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${port}`, '--log.level=warn'],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const logs: string[] = [];
  proc.stdout!.on('data', (c: Buffer) => logs.push(c.toString('utf8')));
  proc.stderr!.on('data', (c: Buffer) => logs.push(c.toString('utf8')));
  const exited = new Promise<number | null>((r) => proc.once('exit', (code) => r(code)));
  let running = true;
  void exited.then(() => (running = false));

  const stop = async () => {
    if (running) {
      proc.kill('SIGTERM');
      const timer = setTimeout(() => proc.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    }
    await rm(dir, { recursive: true, force: true });
  };

  const api = async <T>(path: string, params: Record<string, string | string[]>): Promise<PromResponse<T>> => {
    const search = new URLSearchParams();
    for (const [key, value] of Object.entries(params)) for (const v of [value].flat()) search.append(key, v);
    const res = await fetch(`${url}/api/v1/${path}?${search}`);
    return (await res.json()) as PromResponse<T>;
  };

  // Ready once the TSDB is open and the config loaded; a bad config exits instead.
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (!running) {
      await stop();
      throw new Error(`prometheus exited before ready:\n${logs.join('')}`);
    }
    const ready = await fetch(`${url}/-/ready`).then((r) => r.ok, () => false);
    if (ready) break;
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`prometheus not ready after 30s:\n${logs.join('')}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }

  return { url, logs, api, query: (expr) => api('query', { query: expr }), stop };
}
