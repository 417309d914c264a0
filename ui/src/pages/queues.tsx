import { projectPath } from '../api';
import { Failure, Loading, useProject } from '../components';
import { usePoll } from '../poll';
import type { Job, Page } from '../types';

interface ClusterQueue {
  name: string;
  cohort: string | null;
  strategy: string;
  quota: { resource: string; flavor?: string; nominal: number | string; borrowingLimit?: number | string; lendingLimit?: number | string }[];
}
interface ProjectQueue {
  name: string;
  clusterQueue: string;
}

/**
 * Cluster queues (quotas, cohorts), this project's queues and its waiting jobs per queue.
 * Usage and borrowing per queue are not shown: no API route reports them yet.
 */
export function QueuesPage() {
  const { project } = useProject();
  const cluster = usePoll<{ items: ClusterQueue[] }>('/v1/cluster-queues');
  const local = usePoll<{ items: ProjectQueue[] }>(projectPath(project, 'queues'));
  const queued = usePoll<Page<Job>>(projectPath(project, 'training-jobs?status=Queued,Pending&limit=100'));
  const waiting = (queue: string) => (queued.data?.items ?? []).filter((j) => j.queue === queue).length;

  return (
    <section aria-labelledby="queues-title">
      <h1 id="queues-title">Queues</h1>
      <h2>Cluster queues</h2>
      {cluster.error && <Failure error={cluster.error} what="The cluster queues" />}
      {!cluster.data && !cluster.error && <Loading />}
      {cluster.data && cluster.data.items.length === 0 && <p>No cluster queues: every job goes to the open <code>default</code> queue, without quotas.</p>}
      {cluster.data && cluster.data.items.length > 0 && (
        <table>
          <thead><tr><th>Name</th><th>Cohort</th><th>Strategy</th><th>Quota (nominal / borrowing limit)</th></tr></thead>
          <tbody>
            {cluster.data.items.map((q) => (
              <tr key={q.name}>
                <td>{q.name}</td>
                <td>{q.cohort ?? '—'}</td>
                <td>{q.strategy}</td>
                <td>{q.quota.map((l) => `${l.resource}${l.flavor ? ` (${l.flavor})` : ''}: ${l.nominal}${l.borrowingLimit !== undefined ? ` / ${l.borrowingLimit}` : ''}`).join('; ') || '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
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
