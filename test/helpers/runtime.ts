import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import pino from 'pino';
import { loadRuntimeConfig } from '../../src/serving/runtime/runtime.config.js';
import { startRuntime, type RunningRuntime } from '../../src/serving/runtime/runtime.js';

/** Writes a generated model to a fresh temporary folder and returns its path. */
export async function writeModel(onnx: Buffer, name = 'model'): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'beamline-runtime-'));
  const path = join(dir, `${name}.onnx`);
  await writeFile(path, onnx);
  return path;
}

/** The runtime in this process on a free port, configured by the same flags as the CLI. */
export async function startTestRuntime(args: string[], env: Record<string, string> = {}): Promise<RunningRuntime> {
  const config = loadRuntimeConfig(['--port', '0', '--host', '127.0.0.1', '--drain-seconds', '0', ...args], env);
  const runtime = await startRuntime(config, pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' }));
  try {
    await runtime.loaded;
  } catch (error) {
    await runtime.shutdown('failed to load');
    throw error;
  }
  return runtime;
}

export interface ChildRuntime {
  url: string;
  proc: ChildProcess;
  logs: string[];
  exited: Promise<number | null>;
}

/** `beamline runtime` as a real child process; resolves once it logs 'ready'. */
export async function spawnRuntime(args: string[], env: Record<string, string> = {}): Promise<ChildRuntime> {
  const proc = spawn(process.execPath, ['--import', 'tsx', resolve('src/cli/beamline.ts'), 'runtime', '--port', '0', '--host', '127.0.0.1', ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const logs: string[] = [];
  const exited = new Promise<number | null>((r) => proc.once('exit', (code) => r(code)));
  let port: number | undefined;
  const ready = new Promise<void>((resolveReady, reject) => {
    let buffer = '';
    proc.stdout!.on('data', (chunk: Buffer) => {
      buffer += chunk.toString('utf8');
      let nl: number;
      while ((nl = buffer.indexOf('\n')) >= 0) {
        const line = buffer.slice(0, nl);
        buffer = buffer.slice(nl + 1);
        logs.push(line);
        const entry = safeJson(line);
        if (entry?.msg === 'listening') port = entry.port as number;
        if (entry?.msg === 'ready') resolveReady();
      }
    });
    proc.stderr!.on('data', (chunk: Buffer) => logs.push(chunk.toString('utf8')));
    void exited.then((code) => reject(new Error(`the runtime exited (${code}) before ready:\n${logs.join('\n')}`)));
  });
  await ready;
  return { url: `http://127.0.0.1:${port}`, proc, logs, exited };
}

function safeJson(line: string): Record<string, unknown> | undefined {
  try {
    return JSON.parse(line) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}

export interface V2Response {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  bytes: Buffer;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  body: any;
}

const agent = new Agent({ keepAlive: true, maxSockets: 256 });

/** A plain node:http client (keep-alive) for raw bodies, binary headers and load. */
export function v2Call(url: string, method: string, path: string, body?: Buffer | string, headers: Record<string, string | number> = {}): Promise<V2Response> {
  return new Promise((resolveCall, reject) => {
    const target = new URL(path, url);
    const req = request(target, { method, agent, headers: { ...(body !== undefined ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } : {}), ...headers } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const bytes = Buffer.concat(chunks);
        const headerLength = res.headers['inference-header-content-length'];
        const jsonBytes = headerLength ? bytes.subarray(0, Number(headerLength)) : bytes;
        resolveCall({ status: res.statusCode ?? 0, headers: res.headers, bytes, body: safeJson(jsonBytes.toString('utf8')) });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

export const v2 = (url: string) => ({
  get: (path: string) => v2Call(url, 'GET', path),
  post: (path: string, body: unknown, headers: Record<string, string | number> = {}) =>
    v2Call(url, 'POST', path, typeof body === 'string' || Buffer.isBuffer(body) ? body : JSON.stringify(body), headers),
});

/** A binary-extension body: JSON header, then each tensor's bytes in order. */
export function binaryBody(header: unknown, tensors: Buffer[]): { body: Buffer; headerLength: number } {
  const json = Buffer.from(JSON.stringify(header), 'utf8');
  return { body: Buffer.concat([json, ...tensors]), headerLength: json.length };
}
