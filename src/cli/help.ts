/**
 * `beamline <group> <command> --help`: one entry per subcommand, each with an example a
 * person can paste, so the help answers "how do I call this" without docs/cli.md open.
 * The group usages (train.ts, models.ts, ...) stay the overview; this is the detail.
 */
const COMMON = 'common: --json  --url  --token  --project (accepted anywhere on the line)';

type Help = { usage: string; about: string; example: string };

const h = (usage: string, about: string, example: string): Help => ({ usage, about, example });

const SUBCOMMANDS: Record<string, Record<string, Help>> = {
  train: {
    submit: h(
      'train submit -f <job.yaml|-> [--wait [--timeout s]] [--idempotency-key k]',
      'Submits the job in the file (the body of POST .../training-jobs, YAML or JSON; - reads stdin).\n' +
        'With --wait, follows it to its end: exit 0 when it Succeeded, 7 when it Failed or was\n' +
        'Cancelled (its reason, message and last log lines on stderr), 6 when --timeout ran out.',
      'beamline train submit -f examples/job.yaml --wait --timeout 600',
    ),
    wait: h(
      'train wait <id> [--timeout s]',
      'Waits for a submitted job to end; exit codes as submit --wait (0, 7 Failed/Cancelled, 6 timeout).',
      'beamline train wait 3f2c9a6e-... --timeout 600',
    ),
    list: h('train list [--status Queued,Running] [--queue q] [--name-prefix p] [--limit n]', 'Jobs, newest first.', 'beamline train list --status Running --json'),
    get: h('train get <id>', 'One job: status, reason, placement and the model versions it registered.', 'beamline train get 3f2c9a6e-...'),
    events: h('train events <id>', 'Every status change of the job with its reason and message, oldest first.', 'beamline train events 3f2c9a6e-...'),
    logs: h('train logs <id> [-f|--follow] [--worker n] [--attempt n]', "A worker's output; -f streams until it ends.", 'beamline train logs 3f2c9a6e-... -f'),
    cancel: h('train cancel <id>', 'Cancels a job that has not ended.', 'beamline train cancel 3f2c9a6e-...'),
    resume: h('train resume <id>', 'Puts a Failed or Cancelled job back in its queue as a new attempt; it gets its last complete checkpoint as BEAMLINE_RESUME_FROM.', 'beamline train resume 3f2c9a6e-...'),
  },
  datasets: {
    list: h('datasets list [--name-prefix p] [--limit n]', 'Datasets of the project, in name order.', 'beamline datasets list'),
    get: h('datasets get <name> [<version>]', 'The dataset and its versions; with a version, its size, file count, digest and the jobs that read it.', 'beamline datasets get digits 1'),
    versions: h('datasets versions <name> [--limit n]', 'Versions, newest first.', 'beamline datasets versions digits'),
    create: h('datasets create <name> [--description d]', 'A new dataset without versions.', 'beamline datasets create digits --description "handwritten digits"'),
    upload: h(
      'datasets upload <name> <file.tar[.gz]|directory> [--description d] [--no-create]',
      'A new version from an archive, or from a directory packed as .tar.gz first; the server checks and\n' +
        'unpacks it before it answers (exit 4 naming the entry for a `..` path or a link out of the root).',
      'beamline datasets upload digits ./digits-data --description "first cut"',
    ),
    register: h(
      'datasets register <name> <pvc://claim/path|s3://bucket/prefix> [--description d] [--no-create]',
      'A new version from a directory in a claim, or an S3 prefix that the platform fetches once, now.',
      'beamline datasets register digits s3://lab-data/digits/2026',
    ),
    delete: h('datasets delete <name> <version>', 'Deletes a version; refused (exit 4) while a training job names or has read it.', 'beamline datasets delete digits 2'),
  },
  models: {
    list: h('models list [--name-prefix p] [--tag t1,t2] [--limit n]', 'Registered models.', 'beamline models list --name-prefix iris'),
    show: h('models show <name>', 'The model, its aliases and its versions.', 'beamline models show iris'),
    alias: h('models alias <name> <alias> <version> [--protected]', 'Points an alias at a version (endpoints on @alias follow it).', 'beamline models alias iris production 2'),
  },
  endpoints: {
    deploy: h(
      'endpoints deploy -f endpoint.yaml | deploy <name> (--model m --version v | --models m:v,m:v [--memory-budget q]) [--replicas n] [--wait [--timeout s]]',
      'Creates the endpoint, or updates it when the name exists. --models serves many registered models from one\n' +
        'replica pool (pinned versions, model:version separated by commas; deploying again replaces the list), each\n' +
        'loaded on its first request and unloaded least recently used to keep within --memory-budget per replica.',
      'beamline endpoints deploy lenses --models lens-a:3,lens-b:1 --memory-budget 512Mi --wait',
    ),
    list: h('endpoints list', 'Endpoints of the project.', 'beamline endpoints list --json'),
    status: h('endpoints status <name>', 'Phase, revision and replicas of one endpoint; its models and memory budget when it serves many.', 'beamline endpoints status iris'),
    revisions: h('endpoints revisions <name>', 'Its rollout history, newest first.', 'beamline endpoints revisions iris'),
    events: h('endpoints events <name>', 'What happened to it, oldest first.', 'beamline endpoints events iris'),
    scale: h('endpoints scale <name> <replicas> [--wait]', 'Changes the replica count.', 'beamline endpoints scale iris 2 --wait'),
    rollback: h('endpoints rollback <name> [--revision n] [--wait]', 'Rolls back to the previous (or the given) revision.', 'beamline endpoints rollback iris --wait'),
    canary: h(
      'endpoints canary <name> (--version v | --revision n) --percent p [--replicas n] [--min-requests n] [--min-seconds s] [--manual] | canary <name> --percent p | canary <name> promote|rollback',
      "Starts a canary answering p % of requests, changes its share, or ends it; the controller promotes or rolls it back by its error rate and p99 against stable's (docs/endpoints.md).",
      'beamline endpoints canary iris --version 3 --percent 10',
    ),
    shadow: h(
      'endpoints shadow <name> [--model m] (--version v | --revision n) --percent p [--replicas n] | shadow <name> stop',
      'Copies p % of requests to another version (answers dropped, counted in metrics), or stops it.',
      'beamline endpoints shadow iris --version 4 --percent 5',
    ),
    delete: h('endpoints delete <name>', 'Deletes the endpoint and its replicas.', 'beamline endpoints delete iris'),
    infer: h(
      "endpoints infer <name> [--model m] --input 'x=[[...]]' [--input ...] [--datatype x=FP64] | -d @request.json",
      'One inference request (Open Inference Protocol V2); --model names the model of a multi-model endpoint that answers.',
      "beamline endpoints infer iris --input 'x=[[5.1,3.5,1.4,0.2]]'",
    ),
  },
  queue: {
    list: h('queue list [--cluster]', "The project's queues and the cluster queue each points at; with --cluster, the cluster queues and their quota.", 'beamline queue list --cluster'),
    get: h(
      'queue get <name> [--cluster]',
      'One queue and its version; a project queue shows the quota, cohort, strategy and weight of its cluster queue.',
      'beamline queue get vision --cluster --json',
    ),
    create: h(
      'queue create <name> --cluster-queue <cq> | create <name> --cluster [--cohort c] [--strategy BestEffortFIFO|StrictFIFO] [--weight w] [--quota q] [--borrowing-limit q] [--lending-limit q]',
      'A queue of the project pointing at a cluster queue, or (--cluster, platform admins) a cluster queue.\n' +
        'q is resource[:flavor]=amount, comma-separated; the limits name lines of --quota and need a cohort.',
      "beamline queue create vision --cluster --cohort lab --weight 2 --quota 'nvidia.com/gpu:NVIDIA-H100-80GB-HBM3=16,cpu=64,memory=256Gi' --borrowing-limit 'nvidia.com/gpu:NVIDIA-H100-80GB-HBM3=8'",
    ),
    'set-quota': h(
      'queue set-quota <name> --cluster --quota q [--borrowing-limit q] [--lending-limit q] [--if-version n]',
      'Replaces the quota of a cluster queue, on the version it reads first (or --if-version n). When someone\n' +
        'else changed the queue in between (412), nothing is changed and it exits 4.',
      "beamline queue set-quota vision --cluster --quota 'nvidia.com/gpu:NVIDIA-H100-80GB-HBM3=24,cpu=64,memory=256Gi'",
    ),
    history: h('queue history <name> [--cluster]', 'Every change of the queue, oldest first: version, action, when, who, and the queue as it became.', 'beamline queue history vision --cluster'),
    delete: h(
      'queue delete <name> [--cluster [--drain]]',
      'Deletes a queue (409, exit 4, while its jobs wait or run). A cluster queue takes its project queues\n' +
        'with it; --drain cancels their waiting jobs first and lets the running ones finish.',
      'beamline queue delete vision --cluster --drain',
    ),
  },
  tokens: {
    list: h('tokens list [--include-revoked] [--platform]', 'API tokens (prefixes, never secrets).', 'beamline tokens list'),
    create: h(
      'tokens create <name> [--role ADMIN|MEMBER|VIEWER] [--scopes read,write,infer] [--expires-in 30d] [--quiet] [--platform]',
      'Makes a token and prints its secret once.',
      'APP_TOKEN=$(beamline tokens create inference-app --role VIEWER --scopes read,infer --expires-in 90d --quiet)',
    ),
    revoke: h('tokens revoke <id|name> [--platform]', 'Stops a token at once.', 'beamline tokens revoke inference-app'),
    rotate: h('tokens rotate <id|name> [--grace 1h] [--quiet] [--platform]', 'A new secret; the old one works for --grace.', 'beamline tokens rotate inference-app --grace 0 --quiet'),
  },
  groups: {
    list: h('groups list', 'OIDC groups that hold a role in the project.', 'beamline groups list'),
    set: h('groups set <group> ADMIN|MEMBER|VIEWER', 'Gives a group a role in the project.', 'beamline groups set lab:vision MEMBER'),
    remove: h('groups remove <group>', "Removes a group's role.", 'beamline groups remove lab:vision'),
  },
};

/** Commands without subcommands: their usage is in their own file; this adds the example. */
const EXAMPLES: Record<string, string> = {
  login: 'beamline login --url http://127.0.0.1:8080 --token "$(cat .beamline/admin-token)" --project default',
  logout: 'beamline logout',
  whoami: 'beamline whoami --json',
  audit: 'beamline audit --action token. --since 1h',
};

/** The help for `beamline <group> [sub] --help`: the subcommand's when argv names one, else the group's. */
export function helpFor(group: string, groupUsage: string, argv: string[]): string {
  const sub = SUBCOMMANDS[group]?.[argv.find((a) => !a.startsWith('-')) ?? ''];
  if (sub) return `usage: beamline ${sub.usage}\n\n${sub.about}\n\nexample:\n  ${sub.example}\n\n${COMMON}\n`;
  const example = EXAMPLES[group];
  const more = SUBCOMMANDS[group] ? `\n'beamline ${group} <command> --help' for one command's options and an example.\n` : '';
  return `${groupUsage}${example ? `\nexample:\n  ${example}\n` : ''}${more}`;
}

/** Every subcommand that has help, as `group sub` (the test checks each prints it). */
export const HELP_TOPICS = Object.entries(SUBCOMMANDS).flatMap(([group, subs]) => Object.keys(subs).map((sub) => `${group} ${sub}`));
