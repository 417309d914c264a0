import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { client, seedToken, startTestApp, type TestApp } from '../helpers/test-app.js';

/**
 * Issue 22's route walk: every route of the running app, called by six callers, each of
 * whom must get exactly what the table below says. The table is written by hand, apart
 * from the guard's metadata, so a wrong decorator fails here; and it must list every
 * route the app serves, so a new route fails here until someone decides who may call it.
 *
 * Levels: public (anyone), any (any valid credential), viewer/member/admin (that role or
 * more in the project), platform (platform admins only).
 */
type Level = 'public' | 'any' | 'viewer' | 'member' | 'admin' | 'platform';
const P = '/v1/projects/:project';
const ROUTES: Record<string, Level> = {
  'GET /healthz': 'public',
  'GET /readyz': 'public',
  'GET /metrics': 'public',
  // The web console's static files (docs/console.md): the page holds no data; its API calls carry the token.
  'GET /ui': 'public',
  'GET /ui/*path': 'public',
  'GET /v1/auth/config': 'public',
  'GET /v1/auth/whoami': 'any',
  'POST /v1/auth/login': 'any',
  'GET /v1/projects': 'any',
  'POST /v1/projects': 'platform',
  'GET /v1/tokens': 'platform',
  'POST /v1/tokens': 'platform',
  'DELETE /v1/tokens/:id': 'platform',
  'POST /v1/tokens/:id/rotate': 'platform',
  'GET /v1/audit': 'platform',
  'GET /v1/prometheus/targets': 'platform',
  'GET /v1/cluster-queues': 'any',
  'GET /v1/cluster/nodes': 'any',
  'GET /v1/cluster/allocation': 'any',
  'POST /v1/cluster-queues': 'platform',
  'GET /v1/cluster-queues/:name': 'any',
  'PATCH /v1/cluster-queues/:name': 'platform',
  'DELETE /v1/cluster-queues/:name': 'platform',
  'GET /v1/cluster-queues/:name/history': 'any',
  'GET /v1/usage': 'any',
  [`GET ${P}/queues`]: 'viewer',
  [`POST ${P}/queues`]: 'member',
  [`GET ${P}/queues/:name`]: 'viewer',
  [`PATCH ${P}/queues/:name`]: 'member',
  [`DELETE ${P}/queues/:name`]: 'member',
  [`GET ${P}/queues/:name/history`]: 'viewer',
  [`GET ${P}/tokens`]: 'admin',
  [`POST ${P}/tokens`]: 'admin',
  [`DELETE ${P}/tokens/:id`]: 'admin',
  [`POST ${P}/tokens/:id/rotate`]: 'admin',
  [`GET ${P}/groups`]: 'admin',
  [`PUT ${P}/groups/:group`]: 'admin',
  [`DELETE ${P}/groups/:group`]: 'admin',
  [`POST ${P}/training-jobs`]: 'member',
  [`GET ${P}/training-jobs`]: 'viewer',
  [`GET ${P}/training-jobs/:id`]: 'viewer',
  [`GET ${P}/training-jobs/:id/events`]: 'viewer',
  [`GET ${P}/training-jobs/:id/logs`]: 'viewer',
  [`POST ${P}/training-jobs/:id/cancel`]: 'member',
  [`POST ${P}/training-jobs/:id/resume`]: 'member',
  [`GET ${P}/training-jobs/:id/checkpoints`]: 'viewer',
  [`POST ${P}/training-jobs/:id/checkpoints`]: 'member',
  [`POST ${P}/models`]: 'member',
  [`GET ${P}/models`]: 'viewer',
  [`GET ${P}/models/:name`]: 'viewer',
  [`PATCH ${P}/models/:name`]: 'member',
  [`GET ${P}/models/:name/aliases`]: 'viewer',
  [`GET ${P}/models/:name/aliases/:alias`]: 'viewer',
  [`PUT ${P}/models/:name/aliases/:alias`]: 'member',
  [`DELETE ${P}/models/:name/aliases/:alias`]: 'member',
  [`GET ${P}/models/:name/aliases/:alias/history`]: 'viewer',
  [`POST ${P}/models/:name/versions`]: 'member',
  [`GET ${P}/models/:name/versions`]: 'viewer',
  [`GET ${P}/models/:name/versions/:version`]: 'viewer',
  [`PATCH ${P}/models/:name/versions/:version`]: 'member',
  [`DELETE ${P}/models/:name/versions/:version`]: 'member',
  [`PUT ${P}/models/:name/versions/:version/artifact`]: 'member',
  [`GET ${P}/models/:name/versions/:version/artifact`]: 'viewer',
  [`POST ${P}/datasets`]: 'member',
  [`GET ${P}/datasets`]: 'viewer',
  [`GET ${P}/datasets/:name`]: 'viewer',
  [`POST ${P}/datasets/:name/versions`]: 'member',
  [`GET ${P}/datasets/:name/versions`]: 'viewer',
  [`GET ${P}/datasets/:name/versions/:version`]: 'viewer',
  [`DELETE ${P}/datasets/:name/versions/:version`]: 'member',
  [`GET ${P}/datasets/:name/versions/:version/archive`]: 'viewer',
  [`POST ${P}/endpoints`]: 'member',
  [`GET ${P}/endpoints`]: 'viewer',
  [`GET ${P}/endpoints/:name`]: 'viewer',
  [`PATCH ${P}/endpoints/:name`]: 'member',
  [`POST ${P}/endpoints/:name/scale`]: 'member',
  [`POST ${P}/endpoints/:name/rollback`]: 'member',
  [`POST ${P}/endpoints/:name/canary/promote`]: 'member',
  [`POST ${P}/endpoints/:name/canary/rollback`]: 'member',
  [`GET ${P}/endpoints/:name/revisions`]: 'viewer',
  [`GET ${P}/endpoints/:name/events`]: 'viewer',
  [`GET ${P}/endpoints/:name/traffic`]: 'viewer',
  [`DELETE ${P}/endpoints/:name`]: 'member',
  // Inference changes nothing: viewers may call it (with the `infer` scope).
  [`POST ${P}/endpoints/:name/infer`]: 'viewer',
  [`ALL ${P}/endpoints/:name/v2/*path`]: 'viewer',
};
/** Served by swagger-ui and Nest's own not-found fallback, not by Beamline's controllers. */
const NOT_OURS = /^(GET \/docs|GET \/openapi\.json|ALL \/v1\/\*path$)/;

type Caller = 'anonymous' | 'viewer' | 'member' | 'otherAdmin' | 'admin' | 'platform';
const ALLOWED: Record<Level, Caller[]> = {
  public: ['anonymous', 'viewer', 'member', 'otherAdmin', 'admin', 'platform'],
  any: ['viewer', 'member', 'otherAdmin', 'admin', 'platform'],
  viewer: ['viewer', 'member', 'admin', 'platform'],
  member: ['member', 'admin', 'platform'],
  admin: ['admin', 'platform'],
  platform: ['platform'],
};

let t: TestApp;
const tokens = {} as Record<Caller, string | undefined>;

beforeAll(async () => {
  t = await startTestApp();
  tokens.anonymous = undefined;
  tokens.viewer = await seedToken(t.app, 'VIEWER', ['alpha']);
  tokens.member = await seedToken(t.app, 'MEMBER', ['alpha']);
  tokens.otherAdmin = await seedToken(t.app, 'ADMIN', ['beta']);
  tokens.admin = await seedToken(t.app, 'ADMIN', ['alpha']);
  tokens.platform = await seedToken(t.app, 'ADMIN');
});
afterAll(() => t.close());

function served(): string[] {
  const express = t.app.getHttpAdapter().getInstance();
  const stack = (express.router ?? express._router).stack as Array<{ route?: { path: string; methods: Record<string, boolean> } }>;
  return stack.flatMap(({ route }) => {
    if (!route) return [];
    const methods = Object.keys(route.methods);
    return methods.length > 3 ? [`ALL ${route.path}`] : methods.map((m) => `${m.toUpperCase()} ${route.path}`);
  });
}

function concrete(path: string): string {
  return path
    .replace(':project', 'alpha')
    .replace(':id', randomUUID())
    .replace(':group', 'physicists')
    .replace(':version', '1')
    .replace(':alias', 'prod')
    .replace(':name', 'walk')
    .replace('*path', 'models/walk');
}

describe('route walk', () => {
  it('the table lists exactly the routes the app serves', () => {
    const routes = served().filter((r) => !NOT_OURS.test(r));
    expect([...new Set(routes)].sort()).toEqual(Object.keys(ROUTES).sort());
  });

  it.each(Object.entries(ROUTES))('%s is open to %s callers only', async (route, level) => {
    const [method, path] = route.split(' ');
    const methods = method === 'ALL' ? ['GET', 'POST'] : [method];
    for (const m of methods) {
      for (const caller of Object.keys(tokens) as Caller[]) {
        const res = await client(t.url, tokens[caller]).send(m, concrete(path), m === 'GET' || m === 'DELETE' ? undefined : {});
        const allowed = ALLOWED[level].includes(caller);
        const what = `${m} ${path} as ${caller}: ${res.status} ${res.text.slice(0, 200)}`;
        if (allowed) expect([401, 403], what).not.toContain(res.status);
        else expect(res.status, what).toBe(caller === 'anonymous' ? 401 : 403);
      }
    }
  });
});
