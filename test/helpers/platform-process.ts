import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { freePort } from '../../src/common/embedded/free-port.js';
import { eventually } from './test-app.js';

/**
 * The built platform (`node dist/src/main.js`, what `npm start` and the image run) as a
 * real child process, for tests about processes: signals, kill -9, restarts, orphans.
 */
export const REPO_ROOT = resolve(import.meta.dirname, '../..');

export interface Platform {
  url: string;
  port: number;
  child: ChildProcess;
  output: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Builds dist/ (incremental: a no-op when current). Call in beforeAll. */
export function buildPlatform(): void {
  const built = spawnSync(process.execPath, ['scripts/build.mjs'], { cwd: REPO_ROOT, stdio: ['ignore', 'inherit', 'inherit'], timeout: 540_000 });
  if (built.status !== 0) throw new Error(`scripts/build.mjs failed with ${built.status ?? built.signal}`);
}

/** A platform admin token in the form BEAMLINE_ADMIN_TOKEN takes. */
export const adminToken = () => `bl_${randomBytes(32).toString('base64url')}`;

/**
 * Starts `node dist/src/main.js` with `env` (BEAMLINE_PORT is chosen here) and waits for
 * /readyz. `detached` puts it in a process group of its own, as a shell does for a
 * foreground command, so a test can signal the whole group as Ctrl-C does.
 */
export async function startPlatform(env: Record<string, string | undefined>, options: { detached?: boolean } = {}): Promise<Platform> {
  // The port is free when chosen, but not reserved: on a busy machine an outgoing connection
  // can take it (it is in the ephemeral range) before the platform binds it. The platform
  // rightly exits on EADDRINUSE; only that exit is retried here, with another port.
  for (let attempt = 1; ; attempt++) {
    try {
      return await startPlatformOnce(env, options);
    } catch (error) {
      if (attempt >= 3 || !/EADDRINUSE/.test((error as Error).message)) throw error;
    }
  }
}

async function startPlatformOnce(env: Record<string, string | undefined>, options: { detached?: boolean }): Promise<Platform> {
  const port = await freePort();
  // An undefined value removes the variable: DATABASE_URL unset means embedded PostgreSQL.
  const merged: Record<string, string | undefined> = { ...process.env, BEAMLINE_LOG_LEVEL: 'warn', ...env, BEAMLINE_PORT: String(port) };
  for (const [k, v] of Object.entries(merged)) if (v === undefined) delete merged[k];
  const child = spawn(process.execPath, ['dist/src/main.js'], {
    cwd: REPO_ROOT,
    env: merged,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: options.detached ?? false,
  });
  let out = '';
  child.stdout!.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (out += c.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) => child.once('exit', (code, signal) => r({ code, signal })));
  const platform: Platform = { url: `http://127.0.0.1:${port}`, port, child, output: () => out, exited };
  await eventually(
    async () => {
      if (child.exitCode !== null || child.signalCode !== null) throw new Error(`the platform exited (${child.exitCode ?? child.signalCode}):\n${out}`);
      const res = await fetch(`${platform.url}/readyz`).catch(() => undefined);
      return res?.status === 200;
    },
    120_000,
    'the platform ready',
  );
  return platform;
}

/** SIGKILL, as `kill -9` does, and waits until the process is gone. */
export async function killPlatform(p: Platform): Promise<void> {
  if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill('SIGKILL');
  await p.exited;
}

/** Pids of the processes whose command line contains `needle` or whose working directory is `cwd` (Linux /proc). */
export function processes(match: { command: string; argument?: string; cwd?: string }): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const argv = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0');
      if (!argv[0]?.includes(match.command)) continue;
      if (match.argument && !argv.some((a) => a.includes(match.argument!))) continue;
      if (match.cwd && readlinkSync(`/proc/${entry}/cwd`) !== match.cwd) continue;
      pids.push(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return pids;
}

/** The embedded servers of one BEAMLINE_HOME: the postmaster (its -D names the data dir) and redis-server (runs in the home). */
export function embeddedOf(home: string): { postgres: number[]; redis: number[] } {
  return {
    postgres: processes({ command: 'postgres', argument: join(home, 'postgres') }),
    redis: processes({ command: 'redis-server', cwd: home }),
  };
}
