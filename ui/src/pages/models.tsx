import { useState } from 'preact/hooks';
import { ApiError, projectPath, send } from '../api';
import { Badge, canChange, ErrorText, Failure, Loading, useProject, when } from '../components';
import { usePoll } from '../poll';
import { enc, href, navigate } from '../router';
import type { Endpoint, Model, ModelVersion, Page, Tensor } from '../types';
import { VariablesTable } from './variables';

export function ModelsPage() {
  const { project } = useProject();
  const { data, error } = usePoll<Page<Model>>(projectPath(project, 'models?limit=100'));
  return (
    <section aria-labelledby="models-title">
      <h1 id="models-title">Models</h1>
      {error && <Failure error={error} what="This list" />}
      {!data && !error && <Loading />}
      {data && data.items.length === 0 && <p>No models yet.</p>}
      {data && data.items.length > 0 && (
        <table>
          <thead><tr><th>Name</th><th>Latest version</th><th>Tags</th><th>Description</th></tr></thead>
          <tbody>
            {data.items.map((m) => (
              <tr key={m.name}>
                <td><a {...href(`/p/${enc(project)}/models/${enc(m.name)}`)}>{m.name}</a></td>
                <td>{m.latestVersion || '—'}</td>
                <td>{m.tags.join(', ')}</td>
                <td>{m.description}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

export const tensorText = (t: Tensor) => `${t.name}: ${t.elementType ?? '?'} [${(t.shape ?? ['?']).join(', ')}]`;

/** A model: aliases, versions with signature, variable metadata and metrics, and lineage (job → version → endpoints). */
export function ModelPage({ name }: { name: string }) {
  const { project, role } = useProject();
  const base = projectPath(project, `models/${enc(name)}`);
  const { data: model, error } = usePoll<Model>(base);
  const { data: versions } = usePoll<Page<ModelVersion>>(model ? `${base}/versions?limit=100` : null);
  const { data: endpoints } = usePoll<Page<Endpoint>>(model ? projectPath(project, 'endpoints?limit=100') : null);

  if (error && !model) return <Failure error={error} what={`Model '${name}'`} />;
  if (!model) return <Loading />;
  const serving = (v: number) => (endpoints?.items ?? []).filter((e) => e.model === name && e.modelVersion === v);

  return (
    <article aria-labelledby="model-title">
      <p><a {...href(`/p/${enc(project)}/models`)}>← Models</a></p>
      <h1 id="model-title">{model.name}</h1>
      {model.description && <p>{model.description}</p>}
      <h2>Aliases</h2>
      {Object.keys(model.aliases ?? {}).length === 0 ? (
        <p>No aliases.</p>
      ) : (
        <ul>
          {Object.entries(model.aliases ?? {}).map(([alias, v]) => (
            <li key={alias}><code>@{alias}</code> → version {v} <AliasHistory base={base} alias={alias} /></li>
          ))}
        </ul>
      )}
      <h2>Versions</h2>
      {!versions && <Loading />}
      {versions && (
        <table class="versions">
          <thead><tr><th>Version</th><th>Status</th><th>Signature</th><th>Metrics</th><th>Trained by</th><th>Served by</th></tr></thead>
          <tbody>
            {versions.items.map((v) => (
              <tr key={v.version} data-version={v.version}>
                <td>{v.version} {v.aliases.map((a) => <code key={a}>@{a} </code>)}</td>
                <td><Badge value={v.status} /></td>
                <td>{v.signature ? <>{v.signature.inputs.map(tensorText).join('; ')} → {v.signature.outputs.map(tensorText).join('; ')}</> : '—'}</td>
                <td>{Object.entries(v.metrics).map(([k, m]) => `${k}=${m}`).join(', ') || '—'}</td>
                <td>{v.trainingJob ? <a {...href(`/p/${enc(project)}/jobs/${v.trainingJob.id}`)}>{v.trainingJob.name}</a> : '—'}</td>
                <td>
                  {serving(v.version).map((e) => (
                    <a key={e.name} {...href(`/p/${enc(project)}/endpoints/${enc(e.name)}`)}>{e.name} </a>
                  ))}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {versions && versions.items.some((v) => Object.keys(v.variables?.inputs ?? {}).length + Object.keys(v.variables?.outputs ?? {}).length > 0) && (
        <>
          <h2>Variables</h2>
          {versions.items.map((v) => <VariablesTable key={v.version} version={v} />)}
        </>
      )}
      {canChange(role) && versions && versions.items.some((v) => v.status === 'Ready') && (
        <Deploy model={name} versions={versions.items.filter((v) => v.status === 'Ready').map((v) => v.version)} />
      )}
    </article>
  );
}

function Deploy({ model, versions }: { model: string; versions: number[] }) {
  const { project } = useProject();
  const [name, setName] = useState(model);
  const [version, setVersion] = useState(String(versions[0]));
  const [error, setError] = useState<ApiError>();
  const deploy = async (e: Event) => {
    e.preventDefault();
    setError(undefined);
    try {
      await send('POST', projectPath(project, 'endpoints'), { name, model, version: Number(version), replicas: 1 });
      navigate(`/p/${enc(project)}/endpoints/${enc(name)}`);
    } catch (err) {
      setError(err as ApiError);
    }
  };
  return (
    <form class="inline" onSubmit={deploy} aria-labelledby="deploy-title">
      <h2 id="deploy-title">Deploy</h2>
      <label>Endpoint name <input name="endpoint" required value={name} onInput={(e) => setName((e.target as HTMLInputElement).value)} /></label>
      <label>
        Version{' '}
        <select name="version" value={version} onChange={(e) => setVersion((e.target as HTMLSelectElement).value)}>
          {versions.map((v) => <option key={v} value={v}>{v}</option>)}
        </select>
      </label>
      <button type="submit">Deploy</button>
      <ErrorText error={error} />
    </form>
  );
}

interface AliasEvent {
  id: string;
  fromVersion: number | null;
  toVersion: number | null;
  protected: boolean;
  byToken: string | null;
  at: string;
}

/** Where an alias pointed over time (GET …/aliases/<alias>/history), newest first as the API gives it. */
function AliasHistory({ base, alias }: { base: string; alias: string }) {
  const { data } = usePoll<{ items: AliasEvent[] }>(`${base}/aliases/${enc(alias)}/history`, 10_000);
  if (!data || data.items.length === 0) return null;
  return (
    <details>
      <summary>History ({data.items.length})</summary>
      <ol class="timeline" aria-label={`History of @${alias}`}>
        {data.items.map((e) => (
          <li key={e.id}>
            <time>{when(e.at)}</time> {e.fromVersion === null ? 'set to' : `v${e.fromVersion} →`} {e.toVersion === null ? 'deleted' : `v${e.toVersion}`}
            {e.protected ? ' (protected)' : ''}{e.byToken ? ` by ${e.byToken}` : ''}
          </li>
        ))}
      </ol>
    </details>
  );
}
