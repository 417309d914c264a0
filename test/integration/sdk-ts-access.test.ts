import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Beamline, Forbidden, NotFound, Unauthorized, ValidationError, type AuditEvent } from '../../sdk/ts/src/index.js';
import { closeApp, eventually, seedToken, startTestApp, type TestApp } from '../helpers/test-app.js';

/** @beamline/sdk's access calls against the real platform: whoami, tokens, groups, the audit log. */
let t: TestApp;
let member: Beamline;
let admin: Beamline;
let root: Beamline;
const project = 'sdk-access';

beforeAll(async () => {
  t = await startTestApp();
  const as = async (role: 'ADMIN' | 'MEMBER', projects: string[]) => new Beamline({ url: t.url, token: await seedToken(t.app, role, projects), project, retries: 0 });
  member = await as('MEMBER', [project]);
  admin = await as('ADMIN', [project]);
  root = await as('ADMIN', []);
});
afterAll(() => closeApp(t));

const statusOf = async (token: string) => (await fetch(`${t.url}/v1/auth/whoami`, { headers: { authorization: `Bearer ${token}` } })).status;

describe('whoami', () => {
  it('names the caller, its scopes and roles; a wrong token is Unauthorized', async () => {
    expect(await member.whoami()).toMatchObject({ kind: 'token', name: 'test-MEMBER', platformAdmin: false, scopes: ['read', 'write', 'infer'], projects: [{ name: project, role: 'MEMBER' }] });
    expect(await root.whoami()).toMatchObject({ platformAdmin: true, projects: [] });
    await expect(new Beamline({ url: t.url, token: 'bl_wrong', retries: 0 }).whoami()).rejects.toBeInstanceOf(Unauthorized);
  });
});

describe('tokens', () => {
  it('create, use, list without the secret, rotate, revoke: then Unauthorized', async () => {
    const made = await admin.tokens.create({ name: 'reader', role: 'VIEWER', scopes: ['read', 'infer'], expiresInSeconds: 3600 });
    expect(made).toMatchObject({ name: 'reader', role: 'VIEWER', project, scopes: ['read', 'infer'] });
    expect(made.token).toMatch(/^bl_/);
    const viewer = new Beamline({ url: t.url, token: made.token, project, retries: 0 });
    expect((await viewer.whoami()).projects).toEqual([{ name: project, role: 'VIEWER' }]);
    await expect(viewer.tokens.list()).rejects.toBeInstanceOf(Forbidden);

    const listed = await admin.tokens.list();
    expect(listed.find((x) => x.id === made.id)).toMatchObject({ name: 'reader', prefix: made.token.slice(0, 10), revokedAt: null });
    expect(JSON.stringify(listed)).not.toContain(made.token);

    const rotated = await admin.tokens.rotate(made.id, { graceSeconds: 0 });
    expect(rotated).toMatchObject({ name: 'reader', role: 'VIEWER', scopes: ['read', 'infer'], replaces: { id: made.id } });
    expect(rotated.token).not.toBe(made.token);
    await eventually(async () => (await statusOf(made.token)) === 401, 10_000, 'the old secret to stop');
    expect(await statusOf(rotated.token)).toBe(200);

    const revoked = await admin.tokens.revoke(rotated.id);
    expect(revoked).toMatchObject({ id: rotated.id, revokedAt: expect.any(String) });
    await eventually(async () => (await statusOf(rotated.token)) === 401, 10_000, 'the revoked token to stop');
    await expect(new Beamline({ url: t.url, token: rotated.token, project, retries: 0 }).whoami()).rejects.toBeInstanceOf(Unauthorized);
    expect((await admin.tokens.list()).map((x) => x.id)).not.toContain(rotated.id);
    expect((await admin.tokens.list({ includeRevoked: true })).map((x) => x.id)).toContain(rotated.id);
    await expect(admin.tokens.revoke('00000000-0000-4000-8000-000000000000')).rejects.toBeInstanceOf(NotFound);
  });

  it('refuses a member (Forbidden) and a lifetime under a minute (ValidationError naming the field)', async () => {
    await expect(member.tokens.create({ name: 'mine' })).rejects.toBeInstanceOf(Forbidden);
    const error = await admin.tokens.create({ name: 'short', expiresInSeconds: 10 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).errors.map((e) => e.field)).toEqual(['expiresInSeconds']);
  });

  it('platform tokens: platform admins only, no project', async () => {
    const made = await root.platformTokens.create({ name: 'prometheus', scopes: ['read'] });
    expect(made).toMatchObject({ role: 'PLATFORM_ADMIN', project: null, scopes: ['read'], expiresAt: null });
    expect((await root.platformTokens.list()).map((x) => x.id)).toContain(made.id);
    expect((await root.tokens.list()).map((x) => x.id)).not.toContain(made.id);
    await expect(admin.platformTokens.list()).rejects.toBeInstanceOf(Forbidden);
    expect((await root.platformTokens.revoke(made.id)).revokedAt).not.toBeNull();
  });
});

describe('groups', () => {
  it('set, list, remove', async () => {
    expect(await admin.groups.set('/lab/vision', 'MEMBER')).toMatchObject({ group: '/lab/vision', role: 'MEMBER' });
    expect(await admin.groups.set('/lab/vision', 'VIEWER')).toMatchObject({ role: 'VIEWER' });
    expect((await admin.groups.list()).map((b) => [b.group, b.role])).toEqual([['/lab/vision', 'VIEWER']]);
    await admin.groups.remove('/lab/vision');
    expect(await admin.groups.list()).toEqual([]);
    await expect(admin.groups.remove('/lab/vision')).rejects.toBeInstanceOf(NotFound);
    await expect(member.groups.list()).rejects.toBeInstanceOf(Forbidden);
  });
});

describe('audit', () => {
  it('filters, pages through the cursor, and is for platform admins only', async () => {
    const since = new Date(Date.now() - 60_000);
    const made = await admin.tokens.create({ name: 'audited' });
    await admin.tokens.revoke(made.id);
    const events = await eventually(async () => {
      const list = await root.audit.list({ action: 'token.', project, since }).toArray();
      const seen = new Set(list.filter((e) => e.resourceId === made.id).map((e) => e.action));
      return seen.has('token.create') && seen.has('token.revoke') ? list : undefined;
    }, 10_000, 'the token events');
    expect(events.every((e) => e.action.startsWith('token.') && e.project === project)).toBe(true);
    expect(JSON.stringify(events)).not.toContain(made.token);

    const pages: AuditEvent[][] = [];
    for await (const page of root.audit.list({ action: 'token.', project, since, limit: 1 }).pages()) pages.push(page.items);
    expect(pages.length).toBe(events.length);
    expect(pages.every((p) => p.length === 1)).toBe(true);
    expect(await root.audit.list({ actor: 'nobody-at-all' }).toArray()).toEqual([]);
    expect(await root.audit.list({ until: new Date('2000-01-01T00:00:00Z') }).toArray()).toEqual([]);
    await expect(admin.audit.list().first(1)).rejects.toBeInstanceOf(Forbidden);
    await expect(root.audit.list({ action: 'Not An Action' }).first(1)).rejects.toBeInstanceOf(ValidationError);
  });
});
