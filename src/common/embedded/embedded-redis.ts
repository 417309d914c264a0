import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { createConnection } from 'node:net';
import { join, resolve } from 'node:path';
import { diesWithParent, signalChild, stopChild, stopStale } from './child-lifetime.js';
import { freePort } from './free-port.js';

export interface RunningRedis {
  url: string;
  port: number;
  password: string;
  process: ChildProcess;
  stop(): Promise<void>;
  /** Asks it to stop without waiting (a platform that must exit now). */
  kill(): void;
}

export const REDIS_INSTALL_COMMAND = 'sudo apt-get update && sudo apt-get install -y redis-server';

/**
 * Finds `redis-server` on PATH; as root with apt present it installs Debian's package,
 * otherwise it stops with the exact command to run. Redis is only Beamline's trigger
 * (PostgreSQL is the record), so the embedded server keeps nothing on disk.
 */
export function ensureRedisServer(log: (line: string) => void): string {
  const found = which('redis-server');
  if (found) return found;
  const isRoot = process.getuid?.() === 0;
  if (isRoot && which('apt-get')) {
    log('redis-server not found; installing Debian package redis-server');
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    spawnSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
    const install = spawnSync('apt-get', ['install', '-y', '-qq', 'redis-server'], { stdio: 'inherit', env });
    const installed = which('redis-server');
    if (install.status === 0 && installed) return installed;
  }
  throw new Error(`redis-server is not installed and could not be installed automatically. Run:\n  ${REDIS_INSTALL_COMMAND}\nor set REDIS_URL to an existing Redis.`);
}

/**
 * A Redis on a loopback port that asks for a password: without one, any local user (a
 * training job on the local driver among them) could read and forge the platform's queue.
 * The password is new at each start (Redis keeps nothing on disk) and reaches the server
 * through its stdin config (`redis-server -`), never its command line, which every local
 * user can read in /proc.
 *
 * With `home` (the platform's BEAMLINE_HOME) the server runs there with its pid in
 * <home>/redis.pid, and one left there by a platform that was killed is stopped first;
 * it lives and dies with the platform as child-lifetime.ts says.
 */
export async function startEmbeddedRedis(binary: string, port?: number, password = randomBytes(24).toString('base64url'), home?: string): Promise<RunningRedis> {
  const pidFile = home ? join(resolve(home), 'redis.pid') : undefined;
  if (home) await mkdir(resolve(home), { recursive: true });
  if (pidFile) await stopStale(pidFile, 'redis-server', 'SIGTERM');
  const chosen = port ?? (await freePort());
  const [command, args] = diesWithParent(binary, ['-'], 'SIGTERM');
  const child = spawn(command, args, { stdio: ['pipe', 'ignore', 'ignore'], detached: true, ...(home ? { cwd: resolve(home) } : {}) });
  child.stdin!.end(
    [`port ${chosen}`, 'bind 127.0.0.1', 'save ""', 'appendonly no', 'protected-mode yes', `requirepass ${password}`, ...(pidFile ? [`pidfile ${pidFile}`] : [])].join('\n') + '\n',
  );
  await waitForPort(chosen, child);
  return {
    url: `redis://:${password}@127.0.0.1:${chosen}`,
    port: chosen,
    password,
    process: child,
    stop: () => stopChild(child, 'SIGTERM'),
    kill: () => signalChild(child, 'SIGTERM'),
  };
}

function which(command: string): string | undefined {
  const result = spawnSync('sh', ['-c', `command -v ${command}`], { encoding: 'utf8' });
  const path = result.stdout.trim();
  return result.status === 0 && path ? path : undefined;
}

async function waitForPort(port: number, child: ChildProcess): Promise<void> {
  for (let attempt = 0; attempt < 100; attempt++) {
    if (child.exitCode !== null) throw new Error(`redis-server exited with code ${child.exitCode}`);
    const open = await new Promise<boolean>((resolve) => {
      const socket = createConnection({ port, host: '127.0.0.1' }, () => {
        socket.end();
        resolve(true);
      });
      socket.on('error', () => resolve(false));
    });
    if (open) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`redis-server did not open port ${port}`);
}
