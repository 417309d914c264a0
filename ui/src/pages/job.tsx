import { useState } from 'preact/hooks';
import { ApiError, projectPath, send } from '../api';
import { Badge, canChange, ErrorText, Failure, Fields, json, Loading, useProject, when } from '../components';
import { usePoll } from '../poll';
import { enc, href } from '../router';
import type { Checkpoint, Job, JobEvent } from '../types';
import { Logs } from './logs';

const ENDED = new Set(['Succeeded', 'Failed', 'Cancelled']);
/** The API resumes (retries by hand) only these: a new attempt from the last complete checkpoint. */
const RESUMABLE = new Set(['Failed', 'Cancelled']);

export function JobPage({ id }: { id: string }) {
  const { project, role } = useProject();
  const base = projectPath(project, `training-jobs/${enc(id)}`);
  const { data: job, error, reload } = usePoll<Job>(base);
  const { data: events } = usePoll<{ items: JobEvent[] }>(job ? `${base}/events` : null);
  const { data: checkpoints } = usePoll<{ items: Checkpoint[] }>(job ? `${base}/checkpoints` : null);
  const [actionError, setActionError] = useState<ApiError>();

  if (error && !job) return <Failure error={error} what={`Training job '${id}'`} />;
  if (!job) return <Loading />;

  const act = async (action: 'cancel' | 'resume') => {
    setActionError(undefined);
    try {
      await send('POST', `${base}/${action}`);
      reload();
    } catch (e) {
      setActionError(e as ApiError);
    }
  };

  return (
    <article aria-labelledby="job-title">
      <p><a {...href(`/p/${enc(project)}/jobs`)}>← Training jobs</a></p>
      <h1 id="job-title">{job.name}</h1>
      <p class="status-line">
        <Badge value={job.status} /> <span class="reason">{job.statusReason}</span>
        {canChange(role) && !ENDED.has(job.status) && (
          <button type="button" class="danger" onClick={() => act('cancel')}>Cancel job</button>
        )}
        {canChange(role) && RESUMABLE.has(job.status) && (
          <button type="button" class="action" onClick={() => act('resume')} title="A new attempt, started from the job's last complete checkpoint (or from the beginning without one)">
            Resume (retry)
          </button>
        )}
      </p>
      <ErrorText error={actionError} />
      {job.status === 'Queued' && (
        <p class="pending" role="status">
          Waiting{job.queuePosition ? ` at position ${job.queuePosition} in queue ${job.queue}` : ` in queue ${job.queue}`}
          {job.pendingReason ? `: ${job.pendingReason}` : ''}
          {job.estimatedStartAt ? `. Expected to start around ${when(job.estimatedStartAt)} (a rough estimate from capacity only).` : ''}
        </p>
      )}
      {job.unschedulable && (
        <p class="error" role="alert">
          Unschedulable since {when(job.unschedulableSince)}: no node of the cluster can run this job as asked; it fails as Unschedulable if that does not change.
        </p>
      )}
      {job.preemptedBy && (
        <p class="pending">
          Preempted by job <a {...href(`/p/${enc(project)}/jobs/${job.preemptedBy}`)}><code>{job.preemptedBy}</code></a> (the link works only if that job is in this project).
        </p>
      )}
      <div class="columns">
        <section aria-labelledby="spec">
          <h2 id="spec">Spec</h2>
          <Fields
            rows={[
              ['ID', <code>{job.id}</code>],
              ['Image', job.image],
              ['Command', <code>{[...job.command, ...job.args].join(' ')}</code>],
              ['Workers', job.workers],
              ['Queue', job.queue],
              ['Submitted by', job.submittedBy],
              ['Priority', job.priority],
              ['Attempt', `${job.attempt} (max retries ${job.maxRetries}, restarts ${job.restarts})`],
              ['Output model', job.outputModel],
              ['Created', when(job.createdAt)],
              ['Started', when(job.startedAt)],
              ['Finished', when(job.finishedAt)],
            ]}
          />
          <details>
            <summary>Resources and environment</summary>
            <pre>{json({ resources: job.resources, env: job.env })}</pre>
          </details>
        </section>
        <section aria-labelledby="timeline">
          <h2 id="timeline">Timeline</h2>
          <ol class="timeline">
            {(events?.items ?? []).map((e) => (
              <li key={e.id}>
                <time>{when(e.at)}</time> <Badge value={e.to} /> <span>{e.reason}</span>
                {e.message && <span class="message"> — {e.message}</span>}
              </li>
            ))}
          </ol>
          <h2>Placement</h2>
          {job.placement?.length ? (
            <table>
              <thead><tr><th>Worker</th><th>Node</th><th>GPUs</th></tr></thead>
              <tbody>
                {job.placement.map((p, i) => (
                  <tr key={i}>
                    <td>{i}</td>
                    <td>{p.node}</td>
                    <td>{p.gpuIndexes.length ? p.gpuIndexes.join(', ') + (p.migProfile ? ` (${p.migProfile})` : p.gpuMilli ? ` (${p.gpuMilli / 1000} GPU)` : '') : 'none'}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          ) : (
            <p>Not placed.</p>
          )}
          <h2>Checkpoints</h2>
          {checkpoints?.items.length ? (
            <table>
              <thead><tr><th>Step</th><th>Name</th><th>Size</th><th>Attempt</th><th>Saved</th></tr></thead>
              <tbody>
                {checkpoints.items.map((c) => (
                  <tr key={c.name}><td>{c.step}</td><td><code>{c.name}</code></td><td>{bytes(c.sizeBytes)}</td><td>{c.attempt}</td><td>{when(c.at)}</td></tr>
                ))}
              </tbody>
            </table>
          ) : (
            <p>None recorded.</p>
          )}
          {job.modelVersions && job.modelVersions.length > 0 && (
            <>
              <h2>Model versions produced</h2>
              <ul>
                {job.modelVersions.map((v) => (
                  <li key={`${v.model}/${v.version}`}>
                    <a {...href(`/p/${enc(project)}/models/${enc(v.model)}`)}>{`${v.model} v${v.version}`}</a> <Badge value={v.status} />
                  </li>
                ))}
              </ul>
            </>
          )}
        </section>
      </div>
      <Logs base={base} job={job} />
    </article>
  );
}

function bytes(n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let i = 0;
  while (n >= 1024 && i < units.length - 1) {
    n /= 1024;
    i++;
  }
  return `${i ? n.toFixed(1) : n} ${units[i]}`;
}
