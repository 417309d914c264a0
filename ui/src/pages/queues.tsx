import { projectPath } from '../api';
import { Failure, Loading, useProject } from '../components';
import { usePoll } from '../poll';
import type { Job, Page } from '../types';

type Amount = number | string;
interface UsageLine {
  resource: string;
  flavor?: string;
  used: Amount;
  /** null: the queue has no quota line for it, so it is not limited. */
  nominal: Amount | null;
  borrowed: Amount;
}
interface ClusterQueue {
  name: string;
  cohort: string | null;
  strategy: string;
  quota: { resource: string; flavor?: string; nominal: Amount; borrowingLimit?: Amount; lendingLimit?: Amount }[];
  status?: { admittedJobs: number; pendingJobs: number; usage: UsageLine[] };
}
interface ProjectQueue {
  name: string;
  clusterQueue: string;
}

const label = (l: { resource: string; flavor?: string }) => `${l.resource}${l.flavor ? ` (${l.flavor})` : ''}`;
const isZero = (a: Amount) => a === 0 || a === '0Mi';

/** Used against nominal as a bar; the part beyond nominal (borrowed from the cohort) in its own colour. */
function UsageBar({ line }: { line: UsageLine }) {
  const used = parseFloat(String(line.used));
  const nominal = line.nominal === null ? null : parseFloat(String(line.nominal));
  const scale = Math.max(used, nominal ?? 0) || 1;
  const own = nominal === null ? used : Math.min(used, nominal);
  return (
    <li>
      <span class="usage-label">
        {label(line)}: {line.used} used of {line.nominal ?? 'no quota'}
        {!isZero(line.borrowed) && <strong class="borrowed-text">, {line.borrowed} borrowed</strong>}
      </span>
      {nominal !== null && (
        <span class="bar" role="presentation">
          <span class="bar-own" style={{ width: `${(100 * own) / scale}%` }} />
          <span class="bar-borrowed" style={{ width: `${(100 * Math.max(0, used - nominal)) / scale}%` }} />
        </span>
      )}
    </li>
  );
}

/** The cohort's lines added up: quota lines with the same resource and flavor share one pool. */
function cohortTotals(queues: ClusterQueue[]): { key: string; used: number; nominal: number; borrowed: number; unit: string }[] {
  const sums = new Map<string, { used: number; nominal: number; borrowed: number; unit: string }>();
  for (const q of queues) {
    for (const l of q.status?.usage ?? []) {
      if (l.nominal === null) continue;
      const key = label(l);
      const s = sums.get(key) ?? { used: 0, nominal: 0, borrowed: 0, unit: typeof l.used === 'string' ? 'Mi' : '' };
      s.used += parseFloat(String(l.used));
      s.nominal += parseFloat(String(l.nominal));
      s.borrowed += parseFloat(String(l.borrowed));
      sums.set(key, s);
    }
  }
  return [...sums].map(([key, s]) => ({ key, ...s }));
}

function QueueRows({ queues }: { queues: ClusterQueue[] }) {
  return (
    <>
      {queues.map((q) => (
        <tr key={q.name} data-queue={q.name}>
          <td>{q.name}</td>
          <td>{q.strategy}</td>
          <td>{q.quota.map((l) => `${label(l)}: ${l.nominal}${l.borrowingLimit !== undefined ? ` / ${l.borrowingLimit}` : ''}`).join('; ') || '—'}</td>
          <td>{q.status ? `${q.status.admittedJobs} / ${q.status.pendingJobs}` : '—'}</td>
          <td>
            <ul class="usage">
              {(q.status?.usage ?? []).map((l) => <UsageBar key={label(l)} line={l} />)}
            </ul>
          </td>
        </tr>
      ))}
    </>
  );
}

/**
 * Cluster queues grouped by cohort (quota, usage, borrowing, admitted and pending jobs from
 * the API's status), this project's queues and its waiting jobs per queue.
 */
export function QueuesPage() {
  const { project } = useProject();
  const cluster = usePoll<{ items: ClusterQueue[] }>('/v1/cluster-queues');
  const local = usePoll<{ items: ProjectQueue[] }>(projectPath(project, 'queues'));
  const queued = usePoll<Page<Job>>(projectPath(project, 'training-jobs?status=Queued,Pending&limit=100'));
  const waiting = (queue: string) => (queued.data?.items ?? []).filter((j) => j.queue === queue).length;
  const cohorts = new Map<string, ClusterQueue[]>();
  for (const q of cluster.data?.items ?? []) cohorts.set(q.cohort ?? '', [...(cohorts.get(q.cohort ?? '') ?? []), q]);

  return (
    <section aria-labelledby="queues-title">
      <h1 id="queues-title">Queues</h1>
      <h2>Cluster queues</h2>
      {cluster.error && <Failure error={cluster.error} what="The cluster queues" />}
      {!cluster.data && !cluster.error && <Loading />}
      {cluster.data && cluster.data.items.length === 0 && <p>No cluster queues: every job goes to the open <code>default</code> queue, without quotas.</p>}
      {[...cohorts].map(([cohort, queues]) => (
        <section key={cohort} class="cohort" aria-label={cohort ? `Cohort ${cohort}` : 'Queues without a cohort'}>
          <h3>{cohort ? `Cohort ${cohort}` : 'No cohort (no borrowing)'}</h3>
          {cohort && (
            <p class="cohort-total">
              Cohort total:{' '}
              {cohortTotals(queues).map((t) => `${t.key} ${t.used}${t.unit} used of ${t.nominal}${t.unit}${t.borrowed ? ` (${t.borrowed}${t.unit} lent between its queues)` : ''}`).join('; ') || 'no quota lines'}
            </p>
          )}
          <table>
            <thead><tr><th>Name</th><th>Strategy</th><th>Quota (nominal / borrowing limit)</th><th>Admitted / pending jobs</th><th>Usage</th></tr></thead>
            <tbody><QueueRows queues={queues} /></tbody>
          </table>
        </section>
      ))}
      <h2>This project's queues</h2>
      {local.error && <Failure error={local.error} what="The project's queues" />}
      {local.data && (
        <table>
          <thead><tr><th>Queue</th><th>Cluster queue</th><th>Waiting jobs</th></tr></thead>
          <tbody>
            {local.data.items.length === 0 && (
              // A project without queues: every job shares the open queue, whatever its `queue` says (docs/queues.md).
              <tr><td>(any name)</td><td>the open queue, no quota</td><td>{(queued.data?.items ?? []).length}</td></tr>
            )}
            {local.data.items.map((q) => (
              <tr key={q.name}><td>{q.name}</td><td>{q.clusterQueue}</td><td>{waiting(q.name)}</td></tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
