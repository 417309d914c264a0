import { createHash } from 'node:crypto';
import { open, readFile, rename, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { EndpointTemplate } from '../../serving-driver.js';
import { isAlive, signalGroup, spawnWorker, type SpawnedWorker } from '../worker-process.js';

/** How to run `beamline runtime` (the program and the arguments before the runtime's flags). */
export interface RuntimeCommand {
  command: string;
  args: string[];
}

/**
 * `beamline runtime` from the same tree this module runs from: the TypeScript source
 * under tsx in a checkout (tests, development), the compiled CLI in a build. tsx is
 * given as an absolute URL because `--import` resolves from the replica's cwd, which
 * is the endpoint's folder under BEAMLINE_HOME, not the repository.
 */
export function defaultRuntimeCommand(): RuntimeCommand {
  const here = fileURLToPath(import.meta.url);
  if (here.endsWith('.ts')) {
    const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
    return { command: process.execPath, args: ['--import', tsx, resolve(dirname(here), '../../../cli/beamline.ts'), 'runtime'] };
  }
  return { command: process.execPath, args: [resolve(dirname(here), '../../../cli/beamline.js'), 'runtime'] };
}

/** The runtime's flags for one replica of `template`; a multi-model one reads its list from `modelsFile` (writeModelList). */
export function runtimeArgs(template: EndpointTemplate, port: number, drainSeconds: number, cacheDir: string, modelsFile?: string): string[] {
  const { model, runtime } = template;
  const args = [
    ...modelArgs(template, modelsFile),
    '--host', '127.0.0.1',
    '--port', String(port),
    '--cache-dir', cacheDir,
    '--drain-seconds', String(drainSeconds),
    '--batching', runtime.batching ? 'on' : 'off',
    '--max-batch-size', String(runtime.maxBatchSize),
    '--max-queue-delay-micros', String(runtime.maxQueueDelayMicros),
  ];
  if (model.variablesPath && !template.modelSet) args.push('--variables', model.variablesPath);
  if (runtime.executionProvider && runtime.executionProvider !== 'cpu') args.push('--execution-providers', runtime.executionProvider, '--provider-fallback', 'off');
  return args;
}

/** One model's --model/--name/--version, or a multi-model replica's --models (@file, else inline JSON) and --memory-budget. */
function modelArgs(template: EndpointTemplate, modelsFile?: string): string[] {
  const { model, modelSet } = template;
  if (!modelSet) return ['--model', model.path ?? model.url, '--name', model.name, '--version', String(model.version)];
  return ['--models', modelsFile ? `@${modelsFile}` : modelListJson(template), '--memory-budget', `${Math.floor(modelSet.memoryBudgetBytes / 2 ** 20)}Mi`];
}

function modelListJson({ modelSet }: EndpointTemplate): string {
  return JSON.stringify(modelSet!.models.map((m) => ({ name: m.name, version: String(m.version), model: m.path ?? m.url, ...(m.variablesPath ? { variables: m.variablesPath } : {}) })));
}

/**
 * A multi-model replica's list (model files as the runtime's --models JSON) in `dir`, named
 * by its content so replicas of one template share it. A file, not an argument: Linux
 * refuses an argv string over 128 KiB (E2BIG), which a few hundred long paths reach.
 */
export async function writeModelList(dir: string, template: EndpointTemplate): Promise<string> {
  const text = modelListJson(template);
  const file = join(dir, `models-${createHash('sha256').update(text).digest('hex').slice(0, 16)}.json`);
  await writeFile(`${file}.tmp`, text);
  await rename(`${file}.tmp`, file);
  return file;
}

/**
 * The replica's environment: the controller's own, minus its BEAMLINE_RUNTIME_* variables
 * (the runtime treats them as settings, so a stray one would change or break every
 * replica), plus the endpoint's env, plus the replica token. The token goes by env, not
 * flag: a process's argv is readable by every local user, its environ only by its owner.
 */
export function runtimeEnv(extra: Record<string, string>, replicaToken?: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (value !== undefined && !name.startsWith('BEAMLINE_RUNTIME_')) env[name] = value;
  }
  return { ...env, ...extra, ...(replicaToken ? { BEAMLINE_RUNTIME_REPLICA_TOKEN: replicaToken } : {}) };
}

export function spawnReplica(opts: { runtime: RuntimeCommand; flags: string[]; env: Record<string, string>; cwd: string; logFile: string; exitFile: string }): SpawnedWorker {
  return spawnWorker({ command: [opts.runtime.command, ...opts.runtime.args, ...opts.flags], cwd: opts.cwd, env: opts.env, logFile: opts.logFile, exitFile: opts.exitFile });
}

/**
 * One SIGTERM to the replica's process group: the runtime gets it once and drains, and the
 * supervisor (worker-process.ts) only records that the stop was asked for; it no longer
 * forwards SIGTERM, so signalling the supervisor alone would stop nothing. A second SIGTERM
 * would kill the runtime undrained: nothing else sends one.
 */
export function askToStop(pid: number): void {
  signalGroup(pid, 'SIGTERM');
}

/** SIGKILL to the replica's process group (supervisor and runtime). */
export function killReplica(pid: number): void {
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    /* already gone */
  }
}

/** Waits until the pid is gone; SIGKILLs the group once `timeoutMs` passed. */
export async function waitGone(pid: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (isAlive(pid)) {
    if (Date.now() > deadline) killReplica(pid);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** True when the runtime on `port` answers 200 on `path` (/v2/health/ready or /v2/health/live). */
export async function probe(port: number, path: string, timeoutMs = 2000): Promise<boolean> {
  try {
    const res = await fetch(`http://127.0.0.1:${port}${path}`, { signal: AbortSignal.timeout(timeoutMs) });
    await res.body?.cancel();
    return res.status === 200;
  } catch {
    return false;
  }
}

/** The last line of a replica's log, as a sentence: the `msg` of a JSON line, else the line itself. */
export async function lastLogLine(file: string): Promise<string | undefined> {
  const handle = await open(file, 'r').catch(() => undefined);
  if (!handle) return undefined;
  try {
    const { size } = await handle.stat();
    const length = Math.min(size, 16 * 1024);
    const { buffer } = await handle.read(Buffer.alloc(length), 0, length, size - length);
    const lines = buffer.toString('utf8').split('\n').map((l) => l.trim()).filter(Boolean);
    const last = lines.at(-1);
    if (last === undefined) return undefined;
    try {
      const entry = JSON.parse(last) as { msg?: unknown };
      return typeof entry.msg === 'string' ? entry.msg : last;
    } catch {
      return last;
    }
  } finally {
    await handle.close();
  }
}

/**
 * Whether `pid` is still the supervisor of this replica, and not a process that got the
 * pid after a reboot: on Linux its command line names the replica's exit file.
 */
export async function ownsPid(pid: number, marker: string): Promise<boolean> {
  if (!isAlive(pid)) return false;
  const cmdline = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => undefined);
  return cmdline === undefined || cmdline.includes(marker);
}

/** Why a replica ended, from the exit file its supervisor wrote. */
export async function exitReason(file: string): Promise<string> {
  try {
    const exit = JSON.parse(await readFile(file, 'utf8')) as { code: number; signal?: string; error?: string };
    return exit.error ?? (exit.signal ? `killed by ${exit.signal}` : `exit code ${exit.code}`);
  } catch {
    return 'gone without an exit code (killed with its supervisor)';
  }
}

export { isAlive };
