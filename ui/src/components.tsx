import type { ComponentChildren } from 'preact';
import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import type { ApiError } from './api';
import { href } from './router';

/** The project a page is about and what the caller may do there (viewers: read only). */
export interface ProjectContext {
  project: string;
  role: 'ADMIN' | 'MEMBER' | 'VIEWER';
}
export const Project = createContext<ProjectContext>({ project: '', role: 'VIEWER' });
export const useProject = () => useContext(Project);
export const canChange = (role: ProjectContext['role']) => role !== 'VIEWER';

export function NotFound({ what }: { what: string }) {
  return (
    <section class="not-found" aria-labelledby="nf">
      <h1 id="nf">Not found</h1>
      <p>{what} does not exist, or this token may not see it.</p>
      <p>
        <a {...href('/')}>Back to the start page</a>
      </p>
    </section>
  );
}

/** An API failure as the user should read it: the problem+json detail, as text. A 404 is a not-found page. */
export function Failure({ error, what }: { error: ApiError; what: string }) {
  if (error.status === 404) return <NotFound what={what} />;
  return <ErrorText error={error} />;
}

export function ErrorText({ error }: { error: ApiError | undefined }) {
  if (!error) return null;
  return (
    <p class="error" role="alert">
      {error.status ? `${error.status}: ` : ''}
      {error.detail}
      {error.errors.map((e) => `\n${e.field}: ${e.message}`).join('')}
    </p>
  );
}

export const Loading = () => <p aria-busy="true">Loading…</p>;

export function Badge({ value }: { value: string }) {
  return <span class={`badge badge-${value.toLowerCase()}`}>{value}</span>;
}

export function Fields({ rows }: { rows: [string, ComponentChildren][] }) {
  return (
    <dl class="fields">
      {rows.map(([k, v]) => (
        <div key={k}>
          <dt>{k}</dt>
          <dd>{v ?? '—'}</dd>
        </div>
      ))}
    </dl>
  );
}

export function when(iso: string | null | undefined): string {
  if (!iso) return '—';
  const d = new Date(iso);
  return `${d.toLocaleDateString()} ${d.toLocaleTimeString()}`;
}

export const json = (v: unknown) => JSON.stringify(v, null, 2);
