import { isDatabaseUnavailable } from '../common/errors/database-unavailable.js';

/**
 * Runs a start-up step that needs PostgreSQL again while the database cannot be reached
 * (restarting, failing over, not up yet), up to `timeoutMs`; any other error, or the last one
 * at the deadline, is thrown. A platform restarted at the moment its database restarts
 * (the chaos suite does both) must come up once the database is back, not exit 1.
 * The steps it wraps are safe to repeat: migrations run one transaction each under an
 * advisory lock, and the first-start bootstrap checks before it creates.
 */
export async function retryWhileDatabaseUnavailable<T>(
  what: string,
  step: () => Promise<T>,
  warn: (fields: Record<string, unknown>, message: string) => void,
  timeoutMs = 120_000,
  sleep = (ms: number) => new Promise((r) => setTimeout(r, ms)),
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (let attempt = 1, delay = 250; ; attempt++, delay = Math.min(delay * 2, 4000)) {
    try {
      return await step();
    } catch (error) {
      if (!isDatabaseUnavailable(error) || Date.now() + delay > deadline) throw error;
      warn({ attempt, retryInMs: delay, err: (error as Error).message.split('\n').at(-1) }, `${what}: the database cannot be reached; retrying`);
      await sleep(delay);
    }
  }
}
