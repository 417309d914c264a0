import pino from 'pino';
import { loadRuntimeConfig, RUNTIME_USAGE } from './runtime.config.js';
import { startRuntime } from './runtime.js';

/**
 * `beamline runtime`: one model replica. Resolves once the model is ready; the server
 * then keeps the process alive until SIGTERM/SIGINT, which drain it and exit 0.
 * A model that cannot load exits 1 so the pod restarts and the rollout notices.
 */
export async function runRuntime(argv: string[]): Promise<void> {
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(RUNTIME_USAGE);
    return;
  }
  const config = loadRuntimeConfig(argv, process.env);
  const log = pino({ level: config.logLevel, base: { service: 'beamline-runtime' }, timestamp: pino.stdTimeFunctions.isoTime });
  const runtime = await startRuntime(config, log);
  const stop = (signal: string) => {
    runtime.shutdown(signal).then(
      () => process.exit(0),
      (error: Error) => {
        log.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));
  try {
    await runtime.loaded;
  } catch (error) {
    log.fatal({ err: error }, `the model could not be loaded: ${(error as Error).message}`);
    await new Promise<void>((resolve) => log.flush(() => resolve()));
    process.exit(1);
  }
}
