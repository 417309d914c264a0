import { Client } from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AUDIT_ACTIONS, READ_METHODS } from '../../src/audit/audit-actions.js';
import { auditPageSchema } from '../../src/audit/audit.responses.js';
import { client, closeApp, eventually, jobBody, seedToken, startTestApp, type TestApp } from '../helpers/test-app.js';
import { expressRoutes } from '../helpers/express-routes.js';

/**
 * The audit log over the real app: HTTP changes and denials recorded by the middleware,
 * GET /v1/audit for platform admins only, its filters, and the table's append-only trigger.
 */
let t: TestApp;
let admin: ReturnType<typeof client>;
let member: ReturnType<typeof client>;
let memberToken: string;
const base = '/v1/projects/alpha';

type Event = Record<string, unknown> & { details: Record<string, unknown> };

/** Events are written after the response finished: poll until the request's event is there. */
async function eventOf(requestId: string): Promise<Event> {
  return eventually(async () => {
    const res = await admin.get(`/v1/audit?limit=200`);
    return (res.body?.items as Event[] | undefined)?.find((e) => e.requestId === requestId);
  }, 10_000, `audit event of ${requestId}`);
}

beforeAll(async () => {
  t = await startTestApp();
  admin = client(t.url, await seedToken(t.app, 'ADMIN'));
  memberToken = await seedToken(t.app, 'MEMBER', ['alpha']);
  member = client(t.url, memberToken);
  await seedToken(t.app, 'VIEWER', ['beta']); // makes project beta
});
afterAll(() => closeApp(t));

describe('recording HTTP changes', () => {
  it('a member creating a training job: one event with actor, project, action, ip and request id', async () => {
    const res = await member.post(`${base}/training-jobs`, jobBody(), { 'x-request-id': 'audit-create-1' });
    expect(res.status).toBe(201);
    const event = await eventOf('audit-create-1');
    expect(event).toMatchObject({
      actorType: 'token',
      actorName: 'test-MEMBER',
      project: 'alpha',
      action: 'training-job.create',
      resourceType: 'training-job',
      resourceId: res.body.id,
      outcome: 'success',
      status: 201,
      requestId: 'audit-create-1',
    });
    expect(event.actorId).toEqual(expect.any(String));
    expect(event.projectId).toEqual(expect.any(String));
    expect(event.ip).toMatch(/127\.0\.0\.1$/);
    expect(event.details).toMatchObject({ method: 'POST', path: `${base}/training-jobs`, name: 'train-mnist' });
    // Bodies are never stored: the job's env and image are not in the event.
    expect(JSON.stringify(event)).not.toContain('python:3.11-slim');
    const all = await admin.get('/v1/audit?limit=200');
    expect((all.body.items as Event[]).filter((e) => e.requestId === 'audit-create-1')).toHaveLength(1);
  });

  it("a VIEWER's POST is denied (403) and recorded as denied; so is a request without a token (401)", async () => {
    const viewer = client(t.url, await seedToken(t.app, 'VIEWER', ['alpha']));
    expect((await viewer.post(`${base}/training-jobs`, jobBody(), { 'x-request-id': 'audit-denied-1' })).status).toBe(403);
    expect(await eventOf('audit-denied-1')).toMatchObject({ actorName: 'test-VIEWER', project: 'alpha', action: 'training-job.create', outcome: 'denied', status: 403 });

    expect((await client(t.url).post(`${base}/training-jobs`, jobBody(), { 'x-request-id': 'audit-anon-1' })).status).toBe(401);
    expect(await eventOf('audit-anon-1')).toMatchObject({ actorType: 'anonymous', actorId: null, project: 'alpha', outcome: 'denied', status: 401 });
  });

  it('a failed change is recorded as failed', async () => {
    expect((await member.post(`${base}/training-jobs/00000000-0000-0000-0000-000000000000/cancel`, undefined, { 'x-request-id': 'audit-404' })).status).toBe(404);
    expect(await eventOf('audit-404')).toMatchObject({ action: 'training-job.cancel', resourceId: '00000000-0000-0000-0000-000000000000', outcome: 'failed', status: 404 });
  });

  it("a new token's id, name and role are recorded, its secret never", async () => {
    const res = await admin.post(`${base}/tokens`, { name: 'ci-audit', role: 'VIEWER' }, { 'x-request-id': 'audit-token-1' });
    expect(res.status).toBe(201);
    const event = await eventOf('audit-token-1');
    expect(event).toMatchObject({ action: 'token.create', resourceType: 'token', resourceId: res.body.id, project: 'alpha' });
    expect(event.details).toMatchObject({ id: res.body.id, name: 'ci-audit', role: 'VIEWER' });
    expect(JSON.stringify(event)).not.toContain(res.body.token as string);
  });

  it('every non-GET route the app registered has an entry in the action table', () => {
    const routes = expressRoutes(t.app).filter((r) => !READ_METHODS.has(r.method) && r.path.startsWith('/v1/'));
    expect(routes.length).toBeGreaterThan(10);
    const missing = routes.map((r) => `${r.method} ${r.path}`).filter((key) => !AUDIT_ACTIONS[key]);
    expect(missing, 'add these to src/audit/audit-actions.ts').toEqual([]);
    // And the other way: an entry no route matches is a typo (or a route that was removed).
    const registered = new Set(routes.map((r) => `${r.method} ${r.path}`));
    expect(Object.keys(AUDIT_ACTIONS).filter((key) => !registered.has(key))).toEqual([]);
  });

  it('a change on a path no route matches is still recorded, as http.<method>', async () => {
    expect((await member.post('/v1/nothing-here', {}, { 'x-request-id': 'audit-unmatched' })).status).toBe(404);
    expect(await eventOf('audit-unmatched')).toMatchObject({ action: 'http.post', resourceType: 'unmatched', outcome: 'failed', status: 404 });
  });
});

describe('GET /v1/audit', () => {
  it('only platform admins: 401 without a token, 403 for a project admin and a member', async () => {
    const projectAdmin = client(t.url, await seedToken(t.app, 'ADMIN', ['beta']));
    expect((await client(t.url).get('/v1/audit')).status).toBe(401);
    expect((await projectAdmin.get('/v1/audit')).status).toBe(403);
    expect((await member.get('/v1/audit')).status).toBe(403);
    const res = await admin.get('/v1/audit');
    expect(res.status).toBe(200);
    expect(auditPageSchema.safeParse(res.body).error?.issues).toBeUndefined();
  });

  it('filters by actor, project, action (exact or prefix), outcome and time', async () => {
    await member.post(`${base}/training-jobs`, jobBody({ name: 'filters' }), { 'x-request-id': 'audit-filter-1' });
    const mine = await eventOf('audit-filter-1');
    const q = async (query: string) => {
      const res = await admin.get(`/v1/audit?${query}`);
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      return res.body.items as Event[];
    };
    for (const actor of [mine.actorId as string, 'test-MEMBER']) {
      const items = await q(`actor=${encodeURIComponent(actor)}`);
      expect(items.length).toBeGreaterThan(0);
      expect(items.every((e) => e.actorId === mine.actorId || e.actorName === 'test-MEMBER')).toBe(true);
    }
    expect((await q('project=alpha')).every((e) => e.project === 'alpha')).toBe(true);
    expect(await q('project=nowhere')).toEqual([]);
    expect((await q('action=training-job.create')).every((e) => e.action === 'training-job.create')).toBe(true);
    const prefixed = await q('action=training-job.');
    expect(new Set(prefixed.map((e) => e.action))).toEqual(new Set(['training-job.create', 'training-job.cancel']));
    expect((await q('outcome=denied')).every((e) => e.outcome === 'denied')).toBe(true);

    const at = new Date(mine.at as string);
    const since = await q(`since=${new Date(at.getTime() - 1).toISOString()}&action=training-job.create`);
    expect(since.map((e) => e.requestId)).toContain('audit-filter-1');
    expect(await q(`since=${new Date(at.getTime() + 60_000).toISOString()}`)).toEqual([]);
    expect((await q(`until=${at.toISOString()}`)).map((e) => e.requestId)).not.toContain('audit-filter-1');
  });

  it('pages newest first with a cursor, never repeating a row', async () => {
    const first = await admin.get('/v1/audit?limit=2');
    expect(first.body.items).toHaveLength(2);
    expect(Number(first.body.items[0].id)).toBeGreaterThan(Number(first.body.items[1].id));
    const second = await admin.get(`/v1/audit?limit=2&cursor=${first.body.nextCursor}`);
    expect(second.status).toBe(200);
    expect(Number(second.body.items[0].id)).toBeLessThan(Number(first.body.items[1].id));
  });

  it.each([
    ['since=yesterday', 'query.since'],
    ['until=2026-13-01', 'query.until'],
    ['since=2026-12-02T00:00:00Z&until=2026-12-01T00:00:00Z', 'query.until'],
    ['limit=500', 'query.limit'],
    ['action=Endpoint%20Rollback', 'query.action'],
    ['outcome=maybe', 'query.outcome'],
    ['colour=red', 'query.colour'],
    ['cursor=not-a-cursor', 'cursor'],
  ])('400 for %s naming %s', async (query, field) => {
    const res = await admin.get(`/v1/audit?${query}`);
    expect(res.status).toBe(400);
    expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
  });
});

describe('audit_events in PostgreSQL', () => {
  it('refuses UPDATE, DELETE and TRUNCATE (append-only trigger)', async () => {
    const pg = new Client({ connectionString: t.databaseUrl });
    await pg.connect();
    try {
      expect((await pg.query('SELECT count(*)::int AS n FROM audit_events')).rows[0].n).toBeGreaterThan(0);
      await expect(pg.query(`UPDATE audit_events SET action = 'tampered'`)).rejects.toThrow(/append-only/);
      await expect(pg.query('DELETE FROM audit_events')).rejects.toThrow(/append-only/);
      await expect(pg.query('TRUNCATE audit_events')).rejects.toThrow(/append-only/);
      expect((await pg.query(`SELECT count(*)::int AS n FROM audit_events WHERE action = 'tampered'`)).rows[0].n).toBe(0);
    } finally {
      await pg.end();
    }
  });
});
