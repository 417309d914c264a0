import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuthRepository } from '../../src/common/auth/auth.repository.js';
import { PrismaService } from '../../src/common/database/prisma.service.js';
import { JobTokens } from '../../src/training/scheduling/job-tokens.js';
import { client, eventually, jobBody, seedToken, sleep, startTestApp, type TestApp } from '../helpers/test-app.js';

// Issue 22's isolation findings, each as it was found: a project ADMIN token used to be a
// global admin. Plus the token lifecycle: scopes, expiry, list, revoke, rotate, lastUsedAt.
let t: TestApp;
let platform: ReturnType<typeof client>;
let alphaAdmin: ReturnType<typeof client>;
let betaAdmin: ReturnType<typeof client>;

beforeAll(async () => {
  t = await startTestApp();
  platform = client(t.url, await seedToken(t.app, 'ADMIN'));
  alphaAdmin = client(t.url, await seedToken(t.app, 'ADMIN', ['alpha']));
  betaAdmin = client(t.url, await seedToken(t.app, 'ADMIN', ['beta']));
});
afterAll(() => t.close());

describe('a project admin is an admin of that project only', () => {
  it('cannot read or change another project', async () => {
    expect((await alphaAdmin.post('/v1/projects/alpha/training-jobs', jobBody())).status).toBe(201);
    expect((await betaAdmin.get('/v1/projects/alpha/training-jobs')).status).toBe(403);
    expect((await betaAdmin.post('/v1/projects/alpha/training-jobs', jobBody())).status).toBe(403);
    expect((await betaAdmin.post('/v1/projects/alpha/models', { name: 'sneaky' })).status).toBe(403);
  });

  it("cannot mint tokens for another project, and its own ADMIN tokens stay in its project", async () => {
    expect((await betaAdmin.post('/v1/projects/alpha/tokens', { name: 'x', role: 'ADMIN' })).status).toBe(403);
    const minted = await betaAdmin.post('/v1/projects/beta/tokens', { name: 'deputy', role: 'ADMIN' });
    expect(minted.status).toBe(201);
    const deputy = client(t.url, minted.body.token);
    expect((await deputy.get('/v1/projects/alpha/training-jobs')).status).toBe(403);
    expect((await deputy.get('/v1/projects/beta/training-jobs')).status).toBe(200);
  });

  it('cannot create projects, list all projects, or make platform tokens', async () => {
    expect((await betaAdmin.post('/v1/projects', { name: 'gamma' })).status).toBe(403);
    expect((await betaAdmin.get('/v1/projects')).body.items.map((p: { name: string }) => p.name)).toEqual(['beta']);
    expect((await betaAdmin.post('/v1/tokens', { name: 'root' })).status).toBe(403);
    expect((await platform.post('/v1/projects', { name: 'gamma' })).status).toBe(201);
    expect((await platform.get('/v1/projects')).body.items.map((p: { name: string }) => p.name)).toEqual(expect.arrayContaining(['alpha', 'beta', 'gamma']));
  });

  it('members cannot manage tokens; only ADMINs move protected aliases', async () => {
    const member = client(t.url, await seedToken(t.app, 'MEMBER', ['alpha']));
    expect((await member.post('/v1/projects/alpha/tokens', { name: 'x' })).status).toBe(403);
    expect((await member.get('/v1/projects/alpha/tokens')).status).toBe(403);
  });
});

describe('tokens', () => {
  it('scopes narrow a token: read-only, infer-only', async () => {
    const read = await alphaAdmin.post('/v1/projects/alpha/tokens', { name: 'dash', role: 'MEMBER', scopes: ['read'] });
    expect(read.body.scopes).toEqual(['read']);
    const reader = client(t.url, read.body.token);
    expect((await reader.get('/v1/projects/alpha/training-jobs')).status).toBe(200);
    const denied = await reader.post('/v1/projects/alpha/training-jobs', jobBody());
    expect(denied.status).toBe(403);
    expect(denied.body.detail).toContain("'write' scope");

    const infer = client(t.url, (await alphaAdmin.post('/v1/projects/alpha/tokens', { name: 'app', role: 'VIEWER', scopes: ['infer'] })).body.token);
    expect((await infer.get('/v1/projects/alpha/training-jobs')).status).toBe(403);
    // Any credential may ask who it is, whatever its scopes.
    expect((await infer.get('/v1/auth/whoami')).body).toMatchObject({ scopes: ['infer'], projects: [{ name: 'alpha', role: 'VIEWER' }] });
    // The guard lets it through to the proxy, which answers 404 for a missing endpoint.
    expect((await infer.post('/v1/projects/alpha/endpoints/none/infer', { inputs: [] })).status).toBe(404);
  });

  it('bad token requests get a 400 naming the field', async () => {
    for (const [body, field] of [
      [{ name: 'x', scopes: ['admin'] }, 'scopes.0'],
      [{ name: 'x', scopes: [] }, 'scopes'],
      [{ name: 'x', expiresInSeconds: 5 }, 'expiresInSeconds'],
      [{ name: 'x', role: 'PLATFORM_ADMIN' }, 'role'],
      [{ name: 'x', platformAdmin: true }, 'platformAdmin'],
    ] as const) {
      const res = await alphaAdmin.post('/v1/projects/alpha/tokens', body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
    }
  });

  it('expire: an expired token gets 401 saying so', async () => {
    const token = await seedToken(t.app, 'MEMBER', ['alpha'], { expiresAt: new Date(Date.now() - 1000) });
    const res = await client(t.url, token).get('/v1/projects/alpha/training-jobs');
    expect(res.status).toBe(401);
    expect(res.body.detail).toContain('expired');
  });

  it('list shows metadata and never the secret; revoke stops the token within a second', async () => {
    const made = await alphaAdmin.post('/v1/projects/alpha/tokens', { name: 'ci', role: 'MEMBER', expiresInSeconds: 3600 });
    const ci = client(t.url, made.body.token);
    expect((await ci.get('/v1/projects/alpha/training-jobs')).status).toBe(200);
    const listed = (await alphaAdmin.get('/v1/projects/alpha/tokens')).body.items.find((i: { id: string }) => i.id === made.body.id);
    expect(listed).toMatchObject({ name: 'ci', role: 'MEMBER', project: 'alpha', prefix: made.body.token.slice(0, 10) });
    expect(JSON.stringify(listed)).not.toContain(made.body.token);
    // lastUsedAt is written in the background, at most once a minute per token.
    await eventually(async () => (await alphaAdmin.get('/v1/projects/alpha/tokens')).body.items.find((i: { id: string }) => i.id === made.body.id)?.lastUsedAt, 3000, 'lastUsedAt');
    // Another project's admin neither sees nor revokes it.
    expect((await betaAdmin.get('/v1/projects/beta/tokens')).body.items.map((i: { id: string }) => i.id)).not.toContain(made.body.id);
    expect((await betaAdmin.delete(`/v1/projects/beta/tokens/${made.body.id}`)).status).toBe(404);

    const revoked = await alphaAdmin.delete(`/v1/projects/alpha/tokens/${made.body.id}`);
    expect(revoked.status).toBe(200);
    expect(revoked.body.revokedAt).not.toBeNull();
    await eventually(async () => (await ci.get('/v1/projects/alpha/training-jobs')).status === 401, 3000, 'the revoked token to stop working');
    expect((await alphaAdmin.get('/v1/projects/alpha/tokens')).body.items.map((i: { id: string }) => i.id)).not.toContain(made.body.id);
  });

  it('rotate: the new secret works at once, the old one until the grace ends', async () => {
    const made = await alphaAdmin.post('/v1/projects/alpha/tokens', { name: 'svc', role: 'MEMBER', scopes: ['read', 'infer'] });
    const rotated = await alphaAdmin.post(`/v1/projects/alpha/tokens/${made.body.id}/rotate`, { graceSeconds: 1 });
    expect(rotated.status).toBe(201);
    expect(rotated.body).toMatchObject({ name: 'svc', role: 'MEMBER', scopes: ['read', 'infer'], replaces: { id: made.body.id } });
    expect((await client(t.url, rotated.body.token).get('/v1/projects/alpha/models')).status).toBe(200);
    expect((await client(t.url, made.body.token).get('/v1/projects/alpha/models')).status).toBe(200);
    await sleep(2100);
    expect((await client(t.url, made.body.token).get('/v1/projects/alpha/models')).status).toBe(401);
  });

  it('job tokens live apart: users cannot list, revoke or fake them, and a user token named job:… survives the sweep', async () => {
    const prisma = t.app.get(PrismaService);
    const job = await prisma.trainingJob.findFirstOrThrow({ where: { project: { name: 'alpha' } } });
    const named = await alphaAdmin.post('/v1/projects/alpha/tokens', { name: `job:${job.id}/a0`, role: 'MEMBER' });
    expect(named.status).toBe(201);
    const row = await prisma.apiToken.findUniqueOrThrow({ where: { id: named.body.id } });
    expect(row.kind).toBe('USER');
    const jobToken = await prisma.apiToken.create({
      data: { name: `job:${job.id}/a1`, tokenHash: 'f'.repeat(64), prefix: 'bl_x', role: 'MEMBER', kind: 'JOB', jobId: job.id, jobAttempt: 1, projects: { create: [{ projectId: job.projectId }] } },
    });
    expect((await alphaAdmin.get('/v1/projects/alpha/tokens')).body.items.map((i: { id: string }) => i.id)).not.toContain(jobToken.id);
    expect((await alphaAdmin.delete(`/v1/projects/alpha/tokens/${jobToken.id}`)).status).toBe(404);
    // The job is not Scheduled or Running, so the controller's sweep revokes its JOB token, never the user's look-alike.
    await new JobTokens(t.app.get(AuthRepository), prisma, undefined as never, undefined as never, undefined as never).revokeFinished();
    expect((await prisma.apiToken.findUniqueOrThrow({ where: { id: jobToken.id } })).revokedAt).not.toBeNull();
    expect((await prisma.apiToken.findUniqueOrThrow({ where: { id: named.body.id } })).revokedAt).toBeNull();
  });

  it('platform tokens: a read-only platform token reads every project and changes nothing', async () => {
    const made = await platform.post('/v1/tokens', { name: 'prometheus', scopes: ['read'] });
    expect(made.body).toMatchObject({ role: 'PLATFORM_ADMIN', project: null, scopes: ['read'] });
    const prom = client(t.url, made.body.token);
    expect((await prom.get('/v1/projects/alpha/training-jobs')).status).toBe(200);
    expect((await prom.post('/v1/projects', { name: 'delta' })).status).toBe(403);
    expect((await platform.get('/v1/tokens')).body.items.map((i: { id: string }) => i.id)).toContain(made.body.id);
    expect((await alphaAdmin.get('/v1/tokens')).status).toBe(403);
  });

  it('whoami tells the caller what it may do', async () => {
    const me = await betaAdmin.get('/v1/auth/whoami');
    expect(me.body).toMatchObject({ kind: 'token', platformAdmin: false, projects: [{ name: 'beta', role: 'ADMIN' }] });
    expect((await platform.get('/v1/auth/whoami')).body.platformAdmin).toBe(true);
  });
});
