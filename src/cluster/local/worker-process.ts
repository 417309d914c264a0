import { spawn } from 'node:child_process';
import { openSync, closeSync } from 'node:fs';
import { isAlive } from '../../common/process-alive.js';

/**
 * A tiny supervisor run as `node -e SUPERVISOR <exitFile> <uid> <gid> <cmd> [args...]`,
 * detached in its own process group: it runs the worker with the log file as
 * stdout/stderr and writes the exit code to <exitFile> when the worker ends. Because it is
 * detached, a worker outlives a controller restart and its exit code is still recorded.
 *
 * The supervisor keeps the platform's user (it writes the exit file in a directory the
 * job cannot write) and starts the worker as <uid>/<gid> when given (libuv drops the
 * supplementary groups too). The job's env reaches it as JSON in one variable, never in
 * its own environment: NODE_OPTIONS or LD_PRELOAD from a job spec must not run code
 * inside this process, and argv is visible to every user in /proc.
 */
const SUPERVISOR = `
const { spawn } = require('node:child_process');
const { writeFileSync } = require('node:fs');
const [exitFile, uid, gid, cmd, ...args] = process.argv.slice(1);
const env = JSON.parse(process.env.BEAMLINE_SUPERVISED_ENV);
delete process.env.BEAMLINE_SUPERVISED_ENV;
const ids = uid === '' ? {} : { uid: Number(uid), gid: Number(gid) };
const child = spawn(cmd, args, { stdio: 'inherit', env, ...ids });
let stoppedBy = null;
const record = (code, signal, error) => {
  writeFileSync(exitFile, JSON.stringify({ code, signal, error, stoppedBy, at: new Date().toISOString() }), { mode: 0o600 });
  process.exit(0);
};
child.on('error', (e) => record(127, null, String(e.message)));
child.on('exit', (code, signal) => record(code ?? 128, signal, null));
// SIGTERM comes to the whole process group (stopWorkload, killGroup), so the worker has it
// already: it is recorded (the end was asked for, not a failure), not sent a second time.
process.on('SIGTERM', () => (stoppedBy = 'SIGTERM'));
process.on('SIGINT', () => child.kill('SIGINT'));
`;

export interface SpawnedWorker {
  pid: number;
  onExit(listener: () => void): void;
}

export function spawnWorker(opts: {
  command: string[];
  cwd: string;
  env: Record<string, string>;
  logFile: string;
  exitFile: string;
  /** Run the worker as this user; omitted: as the platform's own user. */
  ids?: { uid: number; gid: number };
}): SpawnedWorker {
  const log = openSync(opts.logFile, 'a', 0o600);
  try {
    const [cmd, ...args] = opts.command;
    const ids = opts.ids ? [String(opts.ids.uid), String(opts.ids.gid)] : ['', ''];
    const child = spawn(process.execPath, ['-e', SUPERVISOR, opts.exitFile, ...ids, cmd, ...args], {
      cwd: opts.cwd,
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', BEAMLINE_SUPERVISED_ENV: JSON.stringify(opts.env) },
      detached: true,
      stdio: ['ignore', log, log],
    });
    child.unref();
    if (child.pid === undefined) throw new Error(`could not start ${cmd}`);
    return { pid: child.pid, onExit: (listener) => child.once('exit', listener) };
  } finally {
    closeSync(log);
  }
}

export { isAlive };

/** One signal to the worker's whole process group (supervisor, worker and the worker's children). */
export function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    /* already gone */
  }
}

/** SIGTERM to the worker's whole process group, SIGKILL after the grace period. */
export async function killGroup(pid: number, graceMs: number): Promise<void> {
  const signal = (s: NodeJS.Signals) => {
    try {
      process.kill(-pid, s);
    } catch {
      /* already gone */
    }
  };
  signal('SIGTERM');
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline && isAlive(pid)) await new Promise((r) => setTimeout(r, 50));
  if (isAlive(pid)) signal('SIGKILL');
}
