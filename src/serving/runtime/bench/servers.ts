import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createServer } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { spawnRuntime } from '../../../../test/helpers/runtime.js';

/** The servers a benchmark row measures, each a separate process on a free port. */
export interface BenchServer {
  url: string;
  stop(): Promise<void>;
}

const here = dirname(fileURLToPath(import.meta.url));
export const VENV = resolve('.beamline/bench-venv');
const venvPython = join(VENV, 'bin', 'python');
/** MLServer pins an older starlette than KServe's: it gets a venv of its own. */
export const MLSERVER_VENV = resolve('.beamline/bench-venv-mlserver');

/** `beamline runtime` as a child process, batching on or off. */
export async function startBeamline(modelPath: string, batching: boolean, maxBatchSize: number, extra: string[] = []): Promise<BenchServer> {
  const child = await spawnRuntime(['--model', modelPath, '--batching', batching ? 'on' : 'off', '--max-batch-size', String(maxBatchSize), '--drain-seconds', '0', '--log-level', 'info', ...extra], {});
  return { url: child.url, stop: () => stopProcess(child.proc) };
}

/**
 * Makes sure the venv has KServe and onnxruntime from PyPI (created on first use under
 * the ignored .beamline folder). Returns why not when it cannot, so the table says so.
 */
export function ensurePythonServer(log: (line: string) => void): string | undefined {
  const check = () => spawnSync(venvPython, ['-c', 'import kserve, onnxruntime'], { encoding: 'utf8' }).status === 0;
  if (existsSync(venvPython) && check()) return undefined;
  log(`creating ${VENV} with kserve and onnxruntime from PyPI (first run only)...`);
  const venv = spawnSync('python3', ['-m', 'venv', VENV], { encoding: 'utf8' });
  if (venv.status !== 0) return `python3 -m venv failed: ${venv.stderr.trim()}`;
  const pip = spawnSync(join(VENV, 'bin', 'pip'), ['install', '--quiet', 'kserve', 'onnxruntime'], { encoding: 'utf8', stdio: ['ignore', 'inherit', 'pipe'] });
  if (pip.status !== 0 || !check()) return `pip install kserve onnxruntime failed: ${(pip.stderr ?? '').trim().split('\n').pop()}`;
  return undefined;
}

export function pythonVersions(): string {
  const r = spawnSync(venvPython, ['-c', 'import sys; from importlib.metadata import version as v; print(f"kserve {v(\'kserve\')}, onnxruntime {v(\'onnxruntime\')}, Python {sys.version.split()[0]}")'], { encoding: 'utf8' });
  return r.stdout.trim() || 'unknown versions';
}

/** KServe's ModelServer (one uvicorn worker) with an onnxruntime predictor. */
export async function startKserve(name: string, modelPath: string): Promise<BenchServer> {
  const port = await freePort();
  const proc = spawn(venvPython, [join(here, 'kserve_server.py'), name, modelPath, String(port)], { stdio: ['ignore', 'ignore', 'pipe'] });
  return waitReady(proc, port, name, 'KServe');
}

/**
 * MLServer is optional and installed by hand (it is large, and its pins conflict with
 * KServe's): `python3 -m venv .beamline/bench-venv-mlserver && .beamline/bench-venv-mlserver/bin/pip install mlserver onnxruntime`.
 */
export function mlserverMissing(): string | undefined {
  const r = spawnSync(join(MLSERVER_VENV, 'bin', 'python'), ['-c', 'import mlserver, onnxruntime'], { encoding: 'utf8' });
  return r.status === 0 ? undefined : `mlserver and onnxruntime are not installed in ${MLSERVER_VENV} (see servers.ts)`;
}

export function mlserverVersion(): string {
  const r = spawnSync(join(MLSERVER_VENV, 'bin', 'python'), ['-c', 'from importlib.metadata import version as v; print(f"mlserver {v(\'mlserver\')}, onnxruntime {v(\'onnxruntime\')}")'], { encoding: 'utf8' });
  return r.stdout.trim() || 'unknown versions';
}

/**
 * Seldon's MLServer with the mlserver_onnx.py runtime, inference in the server process
 * (parallel_workers 0, like KServe's one worker); maxBatchSize 1 is adaptive batching off,
 * above 1 it is on with a 1 ms max_batch_time.
 */
export async function startMlserver(name: string, modelPath: string, maxBatchSize: number): Promise<BenchServer> {
  const [port, grpcPort] = [await freePort(), await freePort()];
  const dir = mkdtempSync(join(tmpdir(), 'bench-mlserver-'));
  copyFileSync(join(here, 'mlserver_onnx.py'), join(dir, 'mlserver_onnx.py'));
  const settings = { http_port: port, grpc_port: grpcPort, parallel_workers: 0, metrics_endpoint: null, debug: false };
  writeFileSync(join(dir, 'settings.json'), JSON.stringify(settings));
  const batching = maxBatchSize > 1 ? { max_batch_size: maxBatchSize, max_batch_time: 0.001 } : {};
  writeFileSync(join(dir, 'model-settings.json'), JSON.stringify({ name, implementation: 'mlserver_onnx.OnnxModel', parameters: { uri: resolve(modelPath) }, ...batching }));
  const proc = spawn(join(MLSERVER_VENV, 'bin', 'mlserver'), ['start', dir], { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
  const server = await waitReady(proc, port, name, 'MLServer');
  return { url: server.url, stop: async () => (await server.stop(), rmSync(dir, { recursive: true, force: true })) };
}

async function waitReady(proc: ChildProcess, port: number, name: string, what: string): Promise<BenchServer> {
  let stderr = '';
  proc.stderr!.on('data', (c: Buffer) => (stderr = (stderr + c.toString()).slice(-4000)));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 120_000;
  for (;;) {
    if (proc.exitCode !== null) throw new Error(`the ${what} server exited: ${stderr}`);
    const ok = await fetch(`${url}/v2/models/${name}/ready`).then((r) => r.ok, () => false);
    if (ok) break;
    if (Date.now() > deadline) {
      proc.kill('SIGKILL');
      throw new Error(`the ${what} server did not get ready: ${stderr}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  return { url, stop: () => stopProcess(proc) };
}

async function stopProcess(proc: ChildProcess): Promise<void> {
  if (proc.exitCode !== null) return;
  const exited = new Promise((r) => proc.once('exit', r));
  proc.kill('SIGTERM');
  const timer = setTimeout(() => proc.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}

function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolvePort(port));
    });
  });
}
