import { PreconditionFailed, type ClusterQueue, type ClusterQueueSpec, type ProjectQueue, type QueueRevision } from '../../sdk/ts/src/index.js';
import { int, parse, positional, str, type Parsed } from './args.js';
import { fields, table, UsageError, type Output } from './output.js';
import { quotaOf, quotaText } from './queue-quota.js';

export const QUEUE_USAGE = `usage: beamline queue <command> [options]

  list [--cluster]
  get <name> [--cluster]
  create <name> --cluster-queue <cq>
  create <name> --cluster [--cohort c] [--strategy BestEffortFIFO|StrictFIFO] [--weight w]
                [--quota q] [--borrowing-limit q] [--lending-limit q]
  set-quota <name> --cluster --quota q [--borrowing-limit q] [--lending-limit q] [--if-version n]
  history <name> [--cluster]
  delete <name> [--cluster [--drain]]

Without --cluster: the queues of the project (--project), the names its jobs give in
'queue', each pointing at a cluster queue. With --cluster: cluster queues, which hold the
quota (platform admins change them; anyone reads them). q is resource[:flavor]=amount,
comma-separated: nvidia.com/gpu:NVIDIA-H100-80GB-HBM3=16,cpu=64,memory=256Gi (docs/queues.md).

set-quota replaces the whole quota, on the version it reads first (or --if-version): when
someone else changed the queue in between, nothing is changed and it exits 4.

common: --json  --url  --token  --project
`;

const STRATEGIES: readonly NonNullable<ClusterQueueSpec['strategy']>[] = ['BestEffortFIFO', 'StrictFIFO'];
const CLUSTER = { cluster: { type: 'boolean' as const } };
const QUOTA = { quota: { type: 'string' as const }, 'borrowing-limit': { type: 'string' as const }, 'lending-limit': { type: 'string' as const } };

const quotaFlags = (p: Parsed) => ({ borrowingLimit: str(p.values['borrowing-limit']), lendingLimit: str(p.values['lending-limit']) });

function strategyOf(value: string | undefined): ClusterQueueSpec['strategy'] {
  if (value === undefined) return undefined;
  const strategy = STRATEGIES.find((s) => s.toLowerCase() === value.toLowerCase());
  if (!strategy) throw new UsageError(`--strategy takes ${STRATEGIES.join(' or ')}, got '${value}'`);
  return strategy;
}

function weightOf(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const weight = Number(value);
  if (value.trim() === '' || !Number.isFinite(weight) || weight <= 0) throw new UsageError(`--weight must be a number > 0 (fair-sharing weight, 1 by default), got '${value}'`);
  return weight;
}

/** Flags that only a cluster queue has: naming one without --cluster is a mistake worth saying. */
function refuseClusterFlags(p: Parsed, flags: string[]): void {
  const given = flags.filter((f) => p.values[f] !== undefined);
  if (given.length) throw new UsageError(`--${given[0]} applies to cluster queues: add --cluster (a project queue only points at a cluster queue)`);
}

const clusterFields = (q: ClusterQueue) =>
  fields([
    ['name', q.name], ['kind', 'cluster queue'], ['cohort', q.cohort], ['strategy', q.strategy], ['weight', q.weight],
    ['quota', quotaText(q.quota)], ['version', q.version], ['updated', q.updatedAt],
  ]);

/** A project queue with the quota it draws on (its cluster queue, which anyone signed in may read). */
const projectFields = (q: ProjectQueue, cq: ClusterQueue | undefined) =>
  fields([
    ['name', q.name], ['project', q.project], ['cluster queue', q.clusterQueue],
    ...(cq ? ([['cohort', cq.cohort], ['strategy', cq.strategy], ['weight', cq.weight], ['quota', quotaText(cq.quota)]] as [string, unknown][]) : []),
    ['version', q.version], ['updated', q.updatedAt],
  ]);

function revisionRows(list: QueueRevision[]): string {
  const change = (spec: Record<string, unknown>) =>
    'clusterQueue' in spec
      ? `cluster queue ${String(spec.clusterQueue)}`
      : `cohort ${String(spec.cohort ?? '-')}, ${String(spec.strategy)}, weight ${String(spec.weight)}, quota ${quotaText((spec.quota ?? []) as ClusterQueue['quota'])}`;
  return table(['VERSION', 'ACTION', 'AT', 'ACTOR', 'QUEUE'], list.map((r) => [r.version, r.action, r.at, r.actor, change(r.spec)]));
}

async function create(p: Parsed, out: Output, name: string): Promise<void> {
  if (!p.values.cluster) {
    refuseClusterFlags(p, ['cohort', 'strategy', 'weight', 'quota', 'borrowing-limit', 'lending-limit']);
    const clusterQueue = str(p.values['cluster-queue']);
    if (!clusterQueue) throw new UsageError('create needs --cluster-queue <cq> (a queue of the project) or --cluster (a cluster queue)');
    const q = await (await p.client()).queues.create({ name, clusterQueue });
    return out.result(q, () => `created queue ${q.name} in project ${q.project} -> cluster queue ${q.clusterQueue}\n`);
  }
  if (p.values['cluster-queue'] !== undefined) throw new UsageError('--cluster-queue is for a project queue; a cluster queue (--cluster) points at none');
  const quota = str(p.values.quota);
  if (quota === undefined && (p.values['borrowing-limit'] ?? p.values['lending-limit']) !== undefined) throw new UsageError('--borrowing-limit and --lending-limit apply to lines of --quota: give --quota too');
  const spec: ClusterQueueSpec = {
    name,
    cohort: str(p.values.cohort),
    strategy: strategyOf(str(p.values.strategy)),
    weight: weightOf(str(p.values.weight)),
    quota: quota === undefined ? undefined : quotaOf(quota, quotaFlags(p)),
  };
  const q = await (await p.client()).clusterQueues.create(spec);
  return out.result(q, () => clusterFields(q));
}

/** GET for the version (unless --if-version), then PATCH with If-Match: a change in between is a 412, said in words. */
async function setQuota(p: Parsed, out: Output, name: string): Promise<void> {
  if (!p.values.cluster) throw new UsageError("set-quota changes a cluster queue: add --cluster (a project queue has no quota of its own; it uses its cluster queue's)");
  const text = str(p.values.quota);
  if (text === undefined) throw new UsageError('set-quota needs --quota (the whole quota: lines it does not list are removed)');
  const quota = quotaOf(text, quotaFlags(p));
  const ifVersion = int(p.values['if-version'], '--if-version', 1);
  const sdk = await p.client();
  const version = ifVersion ?? (await sdk.clusterQueues.get(name)).version;
  const q = await sdk.clusterQueues.update(name, { quota }, { ifMatch: version }).catch((error: unknown) => {
    if (!(error instanceof PreconditionFailed)) throw error;
    const message = `someone else changed cluster queue ${name} after version ${version} was read, so its quota was left as they set it: look at it (beamline queue get ${name} --cluster) and run set-quota again`;
    throw new PreconditionFailed(`${message} (${error.problem?.detail ?? 'HTTP 412'})`, error.status, error.problem);
  });
  out.result(q, () => clusterFields(q));
}

async function remove(p: Parsed, out: Output, name: string): Promise<void> {
  if (!p.values.cluster && p.values.drain) throw new UsageError('--drain applies to cluster queues (--cluster); a project queue whose jobs wait or run is not deleted: cancel them first');
  const sdk = await p.client();
  if (!p.values.cluster) {
    await sdk.queues.delete(name);
    return out.result({ deleted: name }, () => `deleted queue ${name} of project ${sdk.project}\n`);
  }
  const result = await sdk.clusterQueues.delete(name, { drain: Boolean(p.values.drain) });
  out.result(result, () => `deleted cluster queue ${result.deleted} and its project queues${p.values.drain ? `; cancelled ${result.cancelledJobs} waiting job(s)` : ''}\n`);
}

export async function queue(argv: string[], out: Output): Promise<void> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'list': {
      const p = parse(rest, CLUSTER);
      const sdk = await p.client();
      if (p.values.cluster) {
        const list = await sdk.clusterQueues.list();
        return out.result(list, () => table(['NAME', 'COHORT', 'STRATEGY', 'WEIGHT', 'QUOTA', 'VERSION'], list.map((q) => [q.name, q.cohort, q.strategy, q.weight, quotaText(q.quota), q.version])));
      }
      const list = await sdk.queues.list();
      return out.result(list, () => table(['NAME', 'CLUSTER QUEUE', 'VERSION', 'UPDATED'], list.map((q) => [q.name, q.clusterQueue, q.version, q.updatedAt])));
    }
    case 'get': {
      const p = parse(rest, CLUSTER);
      const name = positional(p, 0, 'name');
      const sdk = await p.client();
      if (p.values.cluster) {
        const q = await sdk.clusterQueues.get(name);
        return out.result(q, () => clusterFields(q));
      }
      const q = await sdk.queues.get(name);
      const cq = out.json ? undefined : await sdk.clusterQueues.get(q.clusterQueue).catch(() => undefined);
      return out.result(q, () => projectFields(q, cq));
    }
    case 'create': {
      const p = parse(rest, { ...CLUSTER, ...QUOTA, 'cluster-queue': { type: 'string' }, cohort: { type: 'string' }, strategy: { type: 'string' }, weight: { type: 'string' } });
      const name = positional(p, 0, 'name');
      return create(p, out, name);
    }
    case 'set-quota': {
      const p = parse(rest, { ...CLUSTER, ...QUOTA, 'if-version': { type: 'string' } });
      const name = positional(p, 0, 'name');
      return setQuota(p, out, name);
    }
    case 'history': {
      const p = parse(rest, CLUSTER);
      const name = positional(p, 0, 'name');
      const sdk = await p.client();
      const list = await (p.values.cluster ? sdk.clusterQueues : sdk.queues).history(name);
      return out.result(list, () => revisionRows(list));
    }
    case 'delete': {
      const p = parse(rest, { ...CLUSTER, drain: { type: 'boolean' } });
      const name = positional(p, 0, 'name');
      return remove(p, out, name);
    }
    default:
      throw new UsageError(command ? `unknown command 'queue ${command}'` : 'missing command');
  }
}
