import { projectPath } from '../api';
import { Badge, Failure, Fields, Loading, useProject, when } from '../components';
import { usePoll } from '../poll';
import { enc, href } from '../router';
import type { Endpoint, ModelVersion, Page, Revision } from '../types';
import { TryIt } from './try-it';
import { TrafficCharts } from './traffic';

const replicasText = (e: Endpoint) => `${e.observed.readyReplicas ?? 0}/${e.replicas}`;

export function EndpointsPage() {
  const { project } = useProject();
  const { data, error } = usePoll<Page<Endpoint>>(projectPath(project, 'endpoints?limit=100'));
  return (
    <section aria-labelledby="endpoints-title">
      <h1 id="endpoints-title">Endpoints</h1>
      {error && <Failure error={error} what="This list" />}
      {!data && !error && <Loading />}
      {data && data.items.length === 0 && <p>No endpoints yet. Deploy a model version from its model's page.</p>}
      {data && data.items.length > 0 && (
        <table>
          <thead><tr><th>Name</th><th>Model</th><th>Phase</th><th>Ready replicas</th><th>Revision</th></tr></thead>
          <tbody>
            {data.items.map((e) => (
              <tr key={e.name}>
                <td><a {...href(`/p/${enc(project)}/endpoints/${enc(e.name)}`)}>{e.name}</a></td>
                <td>{`${e.model} v${e.modelVersion}`}{e.follows ? ` (${e.follows})` : ''}</td>
                <td><Badge value={e.phase} /></td>
                <td>{replicasText(e)}</td>
                <td>{e.desiredRevision}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

export function EndpointPage({ name }: { name: string }) {
  const { project } = useProject();
  const base = projectPath(project, `endpoints/${enc(name)}`);
  const { data: e, error } = usePoll<Endpoint>(base);
  const { data: revisions } = usePoll<{ items: Revision[] }>(e ? `${base}/revisions` : null);
  const { data: version } = usePoll<ModelVersion>(e ? projectPath(project, `models/${enc(e.model)}/versions/${e.modelVersion}`) : null, 30_000);

  if (error && !e) return <Failure error={error} what={`Endpoint '${name}'`} />;
  if (!e) return <Loading />;
  return (
    <article aria-labelledby="endpoint-title">
      <p><a {...href(`/p/${enc(project)}/endpoints`)}>← Endpoints</a></p>
      <h1 id="endpoint-title">{e.name}</h1>
      <p class="status-line"><Badge value={e.phase} /> <span class="reason">{e.reason}{e.message ? `: ${e.message}` : ''}</span></p>
      <Fields
        rows={[
          ['Model', <a {...href(`/p/${enc(project)}/models/${enc(e.model)}`)}>{`${e.model} v${e.modelVersion}`}</a>],
          ['Follows', e.follows],
          ['Ready replicas', <span data-testid="ready-replicas">{replicasText(e)}</span>],
          ['Revision', `${e.desiredRevision} (good: ${e.goodRevision ?? 'none'}, rollout: ${e.observed.rollout ?? '—'})`],
          ['Infer URL', <code>{e.inferUrl}</code>],
          ['Created', when(e.createdAt)],
        ]}
      />
      <h2>Revisions</h2>
      {revisions && (
        <table>
          <thead><tr><th>Revision</th><th>Model version</th><th>Cause</th><th>Status</th><th>Replicas</th><th>Created</th><th>Finished</th></tr></thead>
          <tbody>
            {revisions.items.map((r) => (
              <tr key={r.revision}>
                <td>{r.revision}</td>
                <td>{r.modelVersion}</td>
                <td>{r.cause}{r.message ? `: ${r.message}` : ''}</td>
                <td><Badge value={r.status} /></td>
                <td>{r.replicas}</td>
                <td>{when(r.createdAt)}</td>
                <td>{when(r.finishedAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {version && <TryIt endpoint={base} version={version} />}
      <TrafficCharts base={base} />
    </article>
  );
}
