import 'reflect-metadata';
import { resolve } from 'node:path';
import { createApp } from './app.factory.js';
import { resolveInfrastructure } from './boot/infrastructure.js';
import { ConfigError, loadConfig } from './common/config/config.js';
import { migrate } from './common/database/migrator.js';
import { JsonLogger } from './common/logging/json-logger.js';
import { ProjectsService } from './projects/projects.service.js';

/** `--role api|controller|all` overrides BEAMLINE_ROLE. */
function roleFromArgs(argv: string[]): string | undefined {
  const index = argv.indexOf('--role');
  if (index >= 0) return argv[index + 1] ?? '';
  return argv.find((a) => a.startsWith('--role='))?.slice('--role='.length);
}

async function main(): Promise<void> {
  const role = roleFromArgs(process.argv.slice(2));
  const config = loadConfig(role === undefined ? process.env : { ...process.env, BEAMLINE_ROLE: role });
  const logger = new JsonLogger(config.BEAMLINE_LOG_LEVEL);
  const log = (line: string) => logger.log(line, 'Boot');

  // 1. Infrastructure: embedded PostgreSQL / Redis where no URL was given.
  const infra = await resolveInfrastructure(config, log);
  // 2. Schema: Prisma-compatible migrations, applied by our own runner.
  const migrations = await migrate(infra.config.DATABASE_URL!, resolve('prisma/migrations'));
  logger.log({ applied: migrations.applied, embedded: infra.embedded }, 'Boot');
  // 3. The app for the chosen role, then the first-start project and admin token.
  const app = await createApp(infra.config, logger);
  await app.init();
  const token = await app.get(ProjectsService).bootstrap();
  await app.listen(infra.config.BEAMLINE_PORT, infra.config.BEAMLINE_HOST);
  const url = `http://${infra.config.BEAMLINE_HOST}:${infra.config.BEAMLINE_PORT}`;
  logger.log({ url, role: infra.config.BEAMLINE_ROLE }, 'Boot');

  process.stdout.write(`\nBeamline (${infra.config.BEAMLINE_ROLE}) is listening on ${url}  docs: ${url}/docs\n`);
  if (token) {
    process.stdout.write(`Admin token (shown once, also saved to ${infra.config.BEAMLINE_HOME}/admin-token):\n  ${token}\n\n`);
  }

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.log({ signal }, 'Boot');
    await app.close().catch(() => undefined);
    await infra.stop();
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError) {
    console.error(error.message);
    process.exit(78); // EX_CONFIG
  }
  console.error(error instanceof Error ? (error.stack ?? error.message) : error);
  process.exit(1);
});
