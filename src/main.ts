import 'reflect-metadata';
import { resolve } from 'node:path';
import { createApp } from './app.factory.js';
import type { INestApplication } from '@nestjs/common';
import { retryWhileDatabaseUnavailable } from './boot/database-retry.js';
import { drainHttp } from './boot/http-drain.js';
import { resolveInfrastructure } from './boot/infrastructure.js';
import { ConfigError, loadConfig } from './common/config/config.js';
import { ROLES } from './common/config/config.schema.js';
import { migrate } from './common/database/migrator.js';
import { JsonLogger } from './common/logging/json-logger.js';
import { ProjectsService } from './projects/projects.service.js';

/**
 * Every role this entry point takes (`--role X` or BEAMLINE_ROLE; the flag wins). The
 * container image runs this file for all of them: `api`, `controller` and `all` are the
 * platform, `runtime` is one endpoint replica (`beamline runtime`), `migrate` applies the
 * database migrations and exits (an init container; safe when several start at once).
 */
const ENTRY_ROLES = [...ROLES, 'runtime', 'migrate'] as const;

/** The role and the arguments left for it. */
function roleFromArgs(argv: string[]): { role?: string; rest: string[] } {
  const index = argv.findIndex((a) => a === '--role' || a.startsWith('--role='));
  if (index < 0) return { rest: argv };
  const inline = argv[index].startsWith('--role=');
  const role = inline ? argv[index].slice('--role='.length) : (argv[index + 1] ?? '');
  return { role, rest: [...argv.slice(0, index), ...argv.slice(index + (inline ? 1 : 2))] };
}

async function main(): Promise<void> {
  const args = roleFromArgs(process.argv.slice(2));
  const role = args.role ?? process.env.BEAMLINE_ROLE ?? 'all';
  if (!(ENTRY_ROLES as readonly string[]).includes(role)) {
    throw new ConfigError([`BEAMLINE_ROLE: '${role}' is not a role; expected one of ${ENTRY_ROLES.join(', ')}`]);
  }
  if (role === 'runtime') return runtimeRole(args.rest);
  if (role === 'migrate') return migrateRole();
  const config = loadConfig({ ...process.env, BEAMLINE_ROLE: role });
  if (config.BEAMLINE_CLUSTER_DRIVER === 'kubernetes') {
    // Credentials are checked before Nest starts, so a half in-cluster environment exits 78
    // with its one line instead of a provider's stack trace.
    const { kubeEnv, loadKubeConfig } = await import('./cluster/kubernetes/kube-config.js');
    loadKubeConfig(kubeEnv(config));
  }
  const logger = new JsonLogger(config.BEAMLINE_LOG_LEVEL);
  const log = (line: string) => logger.log(line, 'Boot');

  // 1. Infrastructure: embedded PostgreSQL / Redis where no URL was given.
  const infra = await resolveInfrastructure(config, log);
  // 2. Schema: Prisma-compatible migrations, applied by our own runner.
  const warn = (fields: Record<string, unknown>, message: string) => logger.warn(fields, message, 'Boot');
  const migrations = await retryWhileDatabaseUnavailable('migrations', () => migrate(infra.config.DATABASE_URL!, resolve('prisma/migrations')), warn);
  logger.log({ applied: migrations.applied, embedded: infra.embedded }, 'Boot');
  // 3. The app for the chosen role, then the first-start project and admin token.
  const app = await createApp(infra.config, logger);
  await app.init();
  const token = await retryWhileDatabaseUnavailable('first-start bootstrap', () => app.get(ProjectsService).bootstrap(), warn);
  await app.listen(infra.config.BEAMLINE_PORT, infra.config.BEAMLINE_HOST);
  const url = `http://${infra.config.BEAMLINE_HOST}:${infra.config.BEAMLINE_PORT}`;
  logger.log({ url, role: infra.config.BEAMLINE_ROLE }, 'Boot');

  process.stdout.write(`\nBeamline (${infra.config.BEAMLINE_ROLE}) is listening on ${url}  docs: ${url}/docs\n`);
  if (token) {
    process.stdout.write(`Admin token (shown once, also saved to ${infra.config.BEAMLINE_HOME}/admin-token):\n  ${token}\n\n`);
  }

  onSignals(logger, app, infra);
}

/** How long a shutdown may take before the platform gives up on a clean one (systemd and Kubernetes wait 90 s and 30 s). */
const SHUTDOWN_MS = 25_000;
/** Of that, how long requests in flight get before their connections are cut (http-drain.ts). */
const HTTP_DRAIN_MS = 15_000;

/**
 * The platform owns the shutdown order: drain the app (HTTP, queue workers, loops), then
 * stop the embedded PostgreSQL and Redis. They run in process groups of their own, so a
 * Ctrl-C or `kill -- -PGID` reaches the platform alone and they are still up while it
 * drains. A drain that hangs (a dependency gone) is cut at SHUTDOWN_MS; a second signal
 * exits at once. Either way the embedded services are told to stop before the exit.
 */
function onSignals(logger: JsonLogger, app: INestApplication, infra: { stop(): Promise<void>; kill(): void }): void {
  let stopping = false;
  const shutdown = async (signal: NodeJS.Signals) => {
    if (stopping) {
      logger.warn({ signal }, 'second signal: exiting now');
      infra.kill();
      process.exit(128 + (signal === 'SIGINT' ? 2 : 15));
    }
    stopping = true;
    logger.log({ signal }, 'Boot');
    setTimeout(() => {
      logger.error({ afterMs: SHUTDOWN_MS }, 'shutdown did not finish in time: exiting');
      infra.kill();
      process.exit(1);
    }, SHUTDOWN_MS).unref();
    // HTTP first: the requests in flight still have their database and Redis (http-drain.ts).
    if (!(await drainHttp(app.getHttpServer(), HTTP_DRAIN_MS))) logger.warn({ afterMs: HTTP_DRAIN_MS }, 'requests still open at the drain deadline were cut', 'Boot');
    await app.close().catch((error: unknown) => logger.warn({ err: (error as Error).message }, 'closing the app failed'));
    await infra.stop();
    process.exit(0);
  };
  process.on('SIGINT', (s) => void shutdown(s));
  process.on('SIGTERM', (s) => void shutdown(s));
}

/** One endpoint replica; it reads only its own BEAMLINE_RUNTIME_* settings. */
async function runtimeRole(argv: string[]): Promise<void> {
  const { RuntimeConfigError } = await import('./serving/runtime/runtime.config.js');
  const { runRuntime } = await import('./serving/runtime/runtime.cli.js');
  await runRuntime(argv).catch((error: unknown) => {
    throw error instanceof RuntimeConfigError ? new ConfigError(error.problems) : error;
  });
}

/** Applies prisma/migrations under Prisma's advisory lock and exits: a second one waits, then finds nothing to do. */
async function migrateRole(): Promise<void> {
  const url = process.env.DATABASE_URL;
  if (!url) throw new ConfigError(['DATABASE_URL: required by the migrate role']);
  loadConfig({ DATABASE_URL: url }); // the same validation (and redaction) as the platform's
  const result = await migrate(url, resolve('prisma/migrations'));
  process.stdout.write(`${JSON.stringify({ role: 'migrate', applied: result.applied })}\n`);
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError) {
    console.error(error.message);
    process.exit(78); // EX_CONFIG
  }
  console.error(error instanceof Error ? (error.stack ?? error.message) : error);
  process.exit(1);
});
