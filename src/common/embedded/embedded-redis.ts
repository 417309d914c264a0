import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createConnection } from 'node:net';
import { freePort } from './free-port.js';

export interface RunningRedis {
  url: string;
  port: number;
  password: string;
  process: ChildProcess;
  stop(): Promise<void>;
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
 */
export async function startEmbeddedRedis(binary: string, port?: number, password = randomBytes(24).toString('base64url')): Promise<RunningRedis> {
  const chosen = port ?? (await freePort());
  const child = spawn(binary, ['-'], { stdio: ['pipe', 'ignore', 'ignore'] });
  child.stdin!.end(
    [`port ${chosen}`, 'bind 127.0.0.1', 'save ""', 'appendonly no', 'protected-mode yes', `requirepass ${password}`].join('\n') + '\n',
  );
  await waitForPort(chosen, child);
  return {
    url: `redis://:${password}@127.0.0.1:${chosen}`,
    port: chosen,
    password,
    process: child,
    stop: () => stopChild(child),
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

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}
