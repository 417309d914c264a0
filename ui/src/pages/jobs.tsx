import { projectPath } from '../api';
import { Badge, Failure, Loading, useProject, when } from '../components';
import { usePoll } from '../poll';
import { enc, href, navigate } from '../router';
import type { Job, Page } from '../types';

const STATUSES = ['Pending', 'Queued', 'Scheduled', 'Running', 'Succeeded', 'Failed', 'Cancelled'];

/** The filters live in the URL (?status=&queue=&name=&user=), so a filtered list can be shared. */
export function JobsPage({ query }: { query: URLSearchParams }) {
  const { project } = useProject();
  const status = query.get('status') ?? '';
  const queue = query.get('queue') ?? '';
  const name = query.get('name') ?? '';
  const user = query.get('user') ?? '';
  const api = new URLSearchParams({ limit: '100' });
  if (status) api.set('status', status);
  if (queue) api.set('queue', queue);
  if (name) api.set('namePrefix', name);
  if (user) api.set('submittedBy', user);
  const { data, error } = usePoll<Page<Job>>(projectPath(project, `training-jobs?${api}`));

  const setFilter = (key: string, value: string) => {
    const next = new URLSearchParams(query);
    if (value) next.set(key, value);
    else next.delete(key);
    const qs = next.toString();
    navigate(`/p/${enc(project)}/jobs${qs ? `?${qs}` : ''}`, true);
  };

  return (
    <section aria-labelledby="jobs-title">
      <h1 id="jobs-title">Training jobs</h1>
      <form class="filters" onSubmit={(e) => e.preventDefault()}>
        <label>
          Status{' '}
          <select name="status" value={status} onChange={(e) => setFilter('status', (e.target as HTMLSelectElement).value)}>
            <option value="">any</option>
            {STATUSES.map((s) => (
              <option key={s} value={s}>{s}</option>
            ))}
          </select>
        </label>
        <label>
          Queue <input name="queue" value={queue} onChange={(e) => setFilter('queue', (e.target as HTMLInputElement).value.trim())} />
        </label>
        <label>
          Name starts with <input name="name" value={name} onChange={(e) => setFilter('name', (e.target as HTMLInputElement).value.trim())} />
        </label>
        <label>
          Submitted by <input name="user" value={user} onChange={(e) => setFilter('user', (e.target as HTMLInputElement).value.trim())} />
        </label>
      </form>
      {error && <Failure error={error} what="This list" />}
      {!data && !error && <Loading />}
      {data && data.items.length === 0 && <p>No training jobs match.</p>}
      {data && data.items.length > 0 && (
        <table>
          <thead>
            <tr><th>Name</th><th>Status</th><th>Queue</th><th>Submitted by</th><th>Workers</th><th>Created</th><th>Finished</th></tr>
          </thead>
          <tbody>
            {data.items.map((job) => (
              <tr key={job.id} data-job={job.id}>
                <td><a {...href(`/p/${enc(project)}/jobs/${job.id}`)}>{job.name}</a></td>
                <td><Badge value={job.status} /></td>
                <td>{job.queue}</td>
                <td>{job.submittedBy ?? '—'}</td>
                <td>{job.workers}</td>
                <td>{when(job.createdAt)}</td>
                <td>{when(job.finishedAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {data?.nextCursor && <p class="hint">Showing the newest 100; narrow the filters to see older jobs.</p>}
    </section>
  );
}
