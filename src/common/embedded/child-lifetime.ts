import { spawnSync, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { isAlive } from '../process-alive.js';

/**
 * How the embedded PostgreSQL and Redis live and die with the platform (issue 19, item 3).
 *
 * - They run in a process group and session of their own (`detached`), so a signal to the
 *   platform's group (Ctrl-C on `npm start`, `kill -- -PGID`, systemd's stop) reaches the
 *   platform alone; it drains, then stops them itself. They used to stop first, and the
 *   platform then retried the dead database forever.
 * - On Linux they are started through `setpriv --pdeathsig`, so the kernel signals them when
 *   the platform dies, even by `kill -9`: no orphan keeps running.
 * - Their pid is on disk under BEAMLINE_HOME; a start stops a server left behind (where
 *   setpriv is missing, or a kill came before the signal was armed), so restarts never
 *   duplicate one.
 */
let setprivWorks: boolean | undefined;

/** `[command, args]` that start `command` so it receives `signal` when this process dies (where the OS allows). */
export function diesWithParent(command: string, args: string[], signal: 'SIGTERM' | 'SIGINT'): [string, string[]] {
  setprivWorks ??= process.platform === 'linux' && spawnSync('setpriv', ['--pdeathsig', 'SIGTERM', 'true'], { stdio: 'ignore' }).status === 0;
  return setprivWorks ? ['setpriv', ['--pdeathsig', signal, command, ...args]] : [command, args];
}

/**
 * Stops the server whose pid is the first line of `pidFile`, if it still runs and is what
 * `name` says (a pid can be reused by an unrelated process after a reboot). Waits until it is gone.
 */
export async function stopStale(pidFile: string, name: string, signal: NodeJS.Signals): Promise<void> {
  const pid = Number((await readFile(pidFile, 'utf8').catch(() => '')).split('\n')[0]);
  if (!Number.isInteger(pid) || pid <= 0 || !isAlive(pid) || !runs(pid, name)) return;
  process.kill(pid, signal);
  for (let i = 0; i < 200 && isAlive(pid); i++) await new Promise((r) => setTimeout(r, 100));
  if (isAlive(pid)) process.kill(pid, 'SIGKILL');
}

/** True when `pid`'s command is `name` (Linux /proc; elsewhere the pid alone is trusted). */
function runs(pid: number, name: string): boolean {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0')[0].includes(name);
  } catch {
    return process.platform !== 'linux';
  }
}

/** Sends `signal` and waits for the exit; SIGKILL after `graceMs` so a stop always ends. */
export function stopChild(child: ChildProcess, signal: NodeJS.Signals, graceMs = 20_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill(signal);
  });
}

/** Signals without waiting: for an exit that cannot wait (a second Ctrl-C). */
export function signalChild(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.exitCode === null && child.signalCode === null) child.kill(signal);
}
