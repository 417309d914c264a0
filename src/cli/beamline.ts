#!/usr/bin/env node
/**
 * The `beamline` command. Subcommands load their code lazily so `beamline runtime`
 * (inside every endpoint pod) never loads the API server.
 */
import { splitGlobals } from './globals.js';

const USAGE = `usage: beamline <command> [options]

commands:
  server [--role api|controller|all]   the platform (what npm start runs)
  runtime --model <url|path> [...]      the inference server of one endpoint replica
  login --url <url> [--token <token>]   log in (single sign-on, or an API token) for the commands below
  logout                                forget the saved tokens
  train submit|wait|list|get|events|logs|cancel|resume
  models list|show|alias
  datasets list|get|versions|create|upload|register|delete   versioned inputs for training jobs
  endpoints deploy|list|status|revisions|events|scale|rollback|delete|infer
  queue list|get|create|set-quota|history|delete   project queues (--cluster: cluster queues and quotas)
  whoami                                who the platform takes you for, and your roles
  tokens list|create|revoke|rotate      API tokens of the project (--platform: platform tokens)
  groups list|set|remove                the OIDC groups that hold a role in the project
  audit [--actor --action --since ...]  the audit log (platform admins)

'beamline <command> --help' (and 'beamline <command> <subcommand> --help') for the options
and an example; --json, --url, --token and --project go anywhere on the line. Exit codes
are in docs/cli.md.
`;

const SERVER_USAGE = `usage: beamline server [--role api|controller|all]

Runs the platform (what npm start runs after building): the REST API on
BEAMLINE_PORT (8080), the controller, or both (all, the default; BEAMLINE_ROLE too).
Without DATABASE_URL and REDIS_URL it starts an embedded PostgreSQL and a local Redis
under BEAMLINE_HOME (.beamline/). Settings: docs/configuration.md.

example:
  beamline server --role api
`;

async function main(argv: string[]): Promise<void> {
  const { words, globals } = splitGlobals(argv);
  const command = words[0];
  // server and runtime parse their own flags (runtime has a --token of its own): they get the line unchanged.
  const own = argv.slice(argv.indexOf(command) + 1);
  const rest = [...words.slice(1), ...globals];
  switch (command) {
    case 'server':
      // --help must never boot the platform (and its embedded database).
      if (own.includes('--help') || own.includes('-h')) return void process.stdout.write(SERVER_USAGE);
      process.argv = [process.argv[0], process.argv[1], ...own];
      await import('../main.js');
      return;
    case 'runtime': {
      const { runRuntime } = await import('../serving/runtime/runtime.cli.js');
      await runRuntime(own);
      return;
    }
    case 'login':
    case 'logout':
    case 'train':
    case 'models':
    case 'datasets':
    case 'endpoints':
    case 'queue':
    case 'whoami':
    case 'tokens':
    case 'groups':
    case 'audit': {
      const { runClientCommand } = await import('./client-commands.js');
      // Exit at once: the stdout pipe is written synchronously, and fetch's idle keep-alive sockets must not hold the process.
      return process.exit(await runClientCommand(command, rest));
    }
    case undefined:
    case '-h':
    case '--help':
      process.stdout.write(USAGE);
      return;
    default:
      process.stderr.write(`unknown command '${command}'\n${USAGE}`);
      process.exit(2);
  }
}

main(process.argv.slice(2)).catch((error: Error) => {
  process.stderr.write(`${error.message}\n`);
  process.exit(1);
});
