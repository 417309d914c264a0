import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PrismaService } from '../../src/common/database/prisma.service.js';
import { startOidcProvider, type TestOidcProvider } from '../helpers/oidc-provider.js';
import { client, eventually, jobBody, seedToken, startTestApp, type TestApp } from '../helpers/test-app.js';

// Single sign-on end to end: a real OpenID provider issues access tokens (authorization
// code + PKCE, driven over HTTP); the platform validates them against the issuer's JWKS
// and maps the groups claim to project roles through group bindings.
let idp: TestOidcProvider;
let t: TestApp;
let platform: ReturnType<typeof client>;
const as = async (sub: string, groups: string[]) => client(t.url, (await idp.tokenFor({ sub, email: `${sub}@lab.test`, groups })).access_token);

beforeAll(async () => {
  idp = await startOidcProvider();
  t = await startTestApp({
    env: {
      BEAMLINE_OIDC_ISSUER: idp.issuer,
      BEAMLINE_OIDC_AUDIENCE: idp.audience,
      BEAMLINE_OIDC_CLIENT_ID: idp.clientId,
      BEAMLINE_OIDC_ADMIN_GROUPS: 'platform-admins',
    },
  });
  platform = client(t.url, await seedToken(t.app, 'ADMIN'));
  for (const name of ['alpha', 'beta']) await platform.post('/v1/projects', { name });
});
afterAll(async () => {
  await t?.close();
  await idp?.close();
});

describe('OIDC users', () => {
  it("a group bound to a project gives its members that role there, and nothing elsewhere", async () => {
    expect((await platform.put('/v1/projects/alpha/groups/ml-team', { role: 'MEMBER' })).status).toBe(200);
    const alice = await as('alice', ['ml-team', 'unbound']);
    expect((await alice.get('/v1/projects/alpha/models')).status).toBe(200);
    expect((await alice.post('/v1/projects/alpha/training-jobs', jobBody())).status).toBe(201);
    expect((await alice.get('/v1/projects/beta/models')).status).toBe(403);
    expect((await alice.post('/v1/projects/alpha/tokens', { name: 'x' })).status).toBe(403);
    expect((await alice.get('/v1/projects')).body.items.map((p: { name: string }) => p.name)).toEqual(['alpha']);
    const me = (await alice.get('/v1/auth/whoami')).body;
    expect(me).toMatchObject({ kind: 'user', name: 'alice@lab.test', platformAdmin: false, projects: [{ name: 'alpha', role: 'MEMBER' }] });
  });

  it('the highest role of all of a user’s groups wins; unbinding takes effect within a second', async () => {
    await platform.put('/v1/projects/beta/groups/viewers', { role: 'VIEWER' });
    await platform.put('/v1/projects/beta/groups/leads', { role: 'ADMIN' });
    const bob = await as('bob', ['viewers', 'leads']);
    expect((await bob.post('/v1/projects/beta/tokens', { name: 'bobs' })).status).toBe(201);
    expect((await platform.delete('/v1/projects/beta/groups/leads')).status).toBe(204);
    await eventually(async () => (await bob.post('/v1/projects/beta/tokens', { name: 'again' })).status === 403, 3000, 'the unbound group to lose ADMIN');
    expect((await bob.get('/v1/projects/beta/models')).status).toBe(200);
  });

  it('a user in an admin group is a platform admin; a user with no bound group reaches nothing', async () => {
    const carol = await as('carol', ['platform-admins']);
    expect((await carol.post('/v1/projects', { name: 'gamma' })).status).toBe(201);
    expect((await carol.get('/v1/audit')).status).toBe(200);
    const dave = await as('dave', []);
    expect((await dave.get('/v1/projects')).body.items).toEqual([]);
    expect((await dave.get('/v1/projects/alpha/models')).status).toBe(403);
    expect((await dave.get('/v1/audit')).status).toBe(403);
  });

  it('login is recorded; users are kept by issuer and subject', async () => {
    const erin = await as('erin', ['ml-team']);
    expect((await erin.post('/v1/auth/login')).status).toBe(200);
    const user = await t.app.get(PrismaService).user.findUniqueOrThrow({ where: { issuer_subject: { issuer: idp.issuer, subject: 'erin' } } });
    expect(user.lastLoginAt).not.toBeNull();
    expect(user.groups).toEqual(['ml-team']);
    const audit = await platform.get('/v1/audit?action=auth.login');
    expect(audit.body.items.some((e: { actorName?: string; actor?: { name?: string } }) => JSON.stringify(e).includes('erin@lab.test'))).toBe(true);
  });

  it('forged, foreign and ID tokens get 401', async () => {
    const forged = await idp.sign({ iss: idp.issuer, aud: idp.audience, sub: 'mallory', groups: ['platform-admins'], exp: Math.floor(Date.now() / 1000) + 600 }, { foreignKey: true });
    const res = await client(t.url, forged).get('/v1/projects');
    expect(res.status).toBe(401);
    expect(res.body.detail).toContain('signature');
    const { id_token } = await idp.tokenFor({ sub: 'alice', groups: ['ml-team'] });
    expect((await client(t.url, id_token).get('/v1/projects')).status).toBe(401);
    expect((await client(t.url, 'not.a.jwt').get('/v1/projects')).status).toBe(401);
  });

  it('bad group bindings get a 400 naming the field', async () => {
    const bad = await platform.put('/v1/projects/alpha/groups/ml-team', { role: 'OWNER' });
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].field).toBe('role');
    const name = await platform.put(`/v1/projects/alpha/groups/${encodeURIComponent('a b')}`, { role: 'VIEWER' });
    expect(name.status).toBe(400);
    expect(name.body.errors[0].field).toBe('group');
  });
});
