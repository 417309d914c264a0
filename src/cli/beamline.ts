#!/usr/bin/env node
/**
 * The `beamline` command. Subcommands load their code lazily so `beamline runtime`
 * (inside every endpoint pod) never loads the API server.
 */
const USAGE = `usage: beamline <command> [options]

commands:
  server [--role api|controller|all]   the platform (what npm start runs)
  runtime --model <url|path> [...]      the inference server of one endpoint replica
  login --url <url> [--token <token>]   log in (single sign-on, or an API token) for the commands below
  logout                                forget the saved tokens
  train submit|list|get|events|logs|cancel
  models list|show|alias
  endpoints deploy|list|status|revisions|events|scale|rollback|delete|infer
  whoami                                who the platform takes you for, and your roles
  tokens list|create|revoke|rotate      API tokens of the project (--platform: platform tokens)
  groups list|set|remove                the OIDC groups that hold a role in the project
  audit [--actor --action --since ...]  the audit log (platform admins)

'beamline <command> --help' for the options; exit codes are in docs/cli.md.
`;

async function main(argv: string[]): Promise<void> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'server':
      process.argv = [process.argv[0], process.argv[1], ...rest];
      await import('../main.js');
      return;
    case 'runtime': {
      const { runRuntime } = await import('../serving/runtime/runtime.cli.js');
      await runRuntime(rest);
      return;
    }
    case 'login':
    case 'logout':
    case 'train':
    case 'models':
    case 'endpoints':
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
