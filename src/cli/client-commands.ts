import { groups, GROUPS_USAGE, whoami, WHOAMI_USAGE } from './access.js';
import { audit, AUDIT_USAGE } from './audit.js';
import { datasets, DATASETS_USAGE } from './datasets.js';
import { endpoints, ENDPOINTS_USAGE } from './endpoints.js';
import { helpFor } from './help.js';
import { login, LOGIN_USAGE, logout, LOGOUT_USAGE } from './login.js';
import { models, MODELS_USAGE } from './models.js';
import { exitCodeFor, Output, UsageError } from './output.js';
import { queue, QUEUE_USAGE } from './queues.js';
import { tokens, TOKENS_USAGE } from './tokens.js';
import { train, TRAIN_USAGE } from './train.js';

const GROUPS: Record<string, { run: (argv: string[], out: Output) => Promise<void>; usage: string }> = {
  login: { run: login, usage: LOGIN_USAGE },
  logout: { run: logout, usage: LOGOUT_USAGE },
  train: { run: train, usage: TRAIN_USAGE },
  models: { run: models, usage: MODELS_USAGE },
  datasets: { run: datasets, usage: DATASETS_USAGE },
  endpoints: { run: endpoints, usage: ENDPOINTS_USAGE },
  queue: { run: queue, usage: QUEUE_USAGE },
  whoami: { run: whoami, usage: WHOAMI_USAGE },
  tokens: { run: tokens, usage: TOKENS_USAGE },
  groups: { run: groups, usage: GROUPS_USAGE },
  audit: { run: audit, usage: AUDIT_USAGE },
};

export const CLIENT_COMMANDS = Object.keys(GROUPS);

/** Runs one API command and returns its exit code (docs/cli.md). */
export async function runClientCommand(group: string, argv: string[]): Promise<number> {
  const { run, usage } = GROUPS[group];
  const out = new Output(argv.includes('--json'));
  if (argv.includes('-h') || argv.includes('--help')) {
    process.stdout.write(helpFor(group, usage, argv));
    return 0;
  }
  try {
    await run(argv, out);
    return 0;
  } catch (error) {
    out.failure(error);
    if (error instanceof UsageError) process.stderr.write(helpFor(group, usage, argv));
    return exitCodeFor(error);
  }
}
