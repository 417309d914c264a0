import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { ApiError, get, session } from './api';
import { ErrorText, Loading, NotFound, Project, type ProjectContext } from './components';
import { ClusterPage } from './pages/cluster';
import { EndpointPage, EndpointsPage } from './pages/endpoints';
import { JobPage } from './pages/job';
import { JobsPage } from './pages/jobs';
import { LoginPage, SsoCallback } from './pages/login';
import { ModelPage, ModelsPage } from './pages/models';
import { QueuesPage } from './pages/queues';
import { href, navigate, useLocation } from './router';
import type { Whoami } from './types';

/** The caller's projects: whoami's, plus every project for a platform admin (who reaches them all). */
async function loadMe(): Promise<{ me: Whoami; projects: ProjectContext[] }> {
  const me = await get<Whoami>('/v1/auth/whoami');
  const projects: ProjectContext[] = me.projects.map((p) => ({ project: p.name, role: p.role }));
  if (me.platformAdmin) {
    const all = await get<{ items: { name: string }[] }>('/v1/projects');
    for (const p of all.items) if (!projects.some((x) => x.project === p.name)) projects.push({ project: p.name, role: 'ADMIN' });
  }
  return { me, projects };
}

const SECTIONS = [
  ['jobs', 'Training jobs'],
  ['models', 'Models'],
  ['endpoints', 'Endpoints'],
  ['queues', 'Queues'],
  ['cluster', 'Cluster'],
] as const;

function App() {
  const loc = useLocation();
  const [token, setToken] = useState(session.token());
  const [me, setMe] = useState<{ me: Whoami; projects: ProjectContext[] }>();
  const [error, setError] = useState<ApiError>();

  useEffect(() => session.onEnd(() => setToken(null)), []);
  useEffect(() => {
    setMe(undefined);
    if (!token) return;
    loadMe().then(setMe, (e: ApiError) => setError(e));
  }, [token]);

  // The identity provider's answer to "Log in with SSO" (sso.ts).
  if (loc.parts[0] === 'auth' && loc.parts[1] === 'callback' && loc.parts.length === 2) {
    return <SsoCallback onLogin={(t, refresh, next) => (session.set(t, refresh), setError(undefined), setToken(t), navigate(next || '/', true))} />;
  }
  // 401 anywhere (or no token): the login page, remembering where the user was going.
  if (!token || loc.parts[0] === 'login') {
    const next = loc.query.get('next') ?? (loc.parts[0] === 'login' ? '/' : location.pathname.replace(/^\/ui/, '') + location.search);
    return <LoginPage next={next || '/'} onLogin={(t) => (session.set(t), setError(undefined), setToken(t), navigate(next || '/', true))} />;
  }
  if (error) return <main><ErrorText error={error} /></main>;
  if (!me) return <main><Loading /></main>;

  const [p, projectName, section, ...rest] = loc.parts;
  if (p !== 'p' || !projectName) {
    const first = me.projects[0];
    if (first && loc.parts.length === 0) {
      navigate(`/p/${encodeURIComponent(first.project)}/jobs`, true);
      return null;
    }
    return <Shell me={me.me} projects={me.projects}>{first ? <NotFound what="This page" /> : <p>This token reaches no project.</p>}</Shell>;
  }
  const ctx = me.projects.find((x) => x.project === projectName);
  if (!ctx) return <Shell me={me.me} projects={me.projects}><NotFound what={`Project '${projectName}'`} /></Shell>;
  return (
    <Project.Provider value={ctx}>
      <Shell me={me.me} projects={me.projects} current={ctx} section={section}>
        <Page section={section} rest={rest} query={loc.query} />
      </Shell>
    </Project.Provider>
  );
}

function Page({ section, rest, query }: { section?: string; rest: string[]; query: URLSearchParams }) {
  if (section === 'jobs' && rest.length === 0) return <JobsPage query={query} />;
  if (section === 'jobs' && rest.length === 1) return <JobPage id={rest[0]} />;
  if (section === 'models' && rest.length === 0) return <ModelsPage />;
  if (section === 'models' && rest.length === 1) return <ModelPage name={rest[0]} />;
  if (section === 'endpoints' && rest.length === 0) return <EndpointsPage />;
  if (section === 'endpoints' && rest.length === 1) return <EndpointPage name={rest[0]} />;
  if (section === 'queues' && rest.length === 0) return <QueuesPage />;
  if (section === 'cluster' && rest.length === 0) return <ClusterPage query={query} />;
  return <NotFound what="This page" />;
}

function Shell(props: { me: Whoami; projects: ProjectContext[]; current?: ProjectContext; section?: string; children: preact.ComponentChildren }) {
  const { me, projects, current, section } = props;
  return (
    <>
      <header class="top">
        <a class="brand" {...href('/')}>Beamline</a>
        {current && (
          <nav aria-label="Sections">
            {SECTIONS.map(([key, label]) => (
              <a key={key} {...href(`/p/${encodeURIComponent(current.project)}/${key}`)} aria-current={section === key ? 'page' : undefined}>
                {label}
              </a>
            ))}
          </nav>
        )}
        <label class="project">
          Project{' '}
          <select value={current?.project ?? ''} onChange={(e) => navigate(`/p/${encodeURIComponent((e.target as HTMLSelectElement).value)}/${section ?? 'jobs'}`)}>
            {!current && <option value="">—</option>}
            {projects.map((p) => (
              <option key={p.project} value={p.project}>{p.project}</option>
            ))}
          </select>
        </label>
        <span class="who" title="The token's name">
          {me.name}
          {current ? ` (${current.role.toLowerCase()})` : ''}
        </span>
        <button type="button" onClick={() => session.clear()}>Log out</button>
      </header>
      <main>{props.children}</main>
    </>
  );
}

render(<App />, document.getElementById('app')!);
