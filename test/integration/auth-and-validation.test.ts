import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { client, jobBody, seedToken, startTestApp, type TestApp } from '../helpers/test-app.js';

let t: TestApp;
let member: ReturnType<typeof client> & { authorization: string };
const base = '/v1/projects/physics/training-jobs';

beforeAll(async () => {
  t = await startTestApp({ env: { BEAMLINE_BODY_LIMIT: '16kb' } });
  const token = await seedToken(t.app, 'MEMBER', ['physics']);
  member = { ...client(t.url, token), authorization: `Bearer ${token}` };
});
afterAll(() => t.close());

describe('auth', () => {
  it('401 without a token, with a malformed header, and with an unknown token', async () => {
    for (const headers of [{}, { authorization: 'Token abc' }, { authorization: 'Bearer bl_unknown' }] as Array<Record<string, string>>) {
      const res = await client(t.url).get(base, headers);
      expect(res.status).toBe(401);
      expect(res.body.code).toBe('unauthenticated');
    }
  });

  it('403 for a project the token may not touch, existing or not; 404 for a platform admin', async () => {
    const other = await seedToken(t.app, 'MEMBER', ['chemistry']);
    const res = await client(t.url, other).post(base, jobBody());
    expect(res.status).toBe(403);
    // A project's existence is not told to those who may not see it.
    const missing = await member.get('/v1/projects/nope/training-jobs');
    expect(missing.status).toBe(403);
    const admin = client(t.url, await seedToken(t.app, 'ADMIN'));
    expect((await admin.get('/v1/projects/nope/training-jobs')).status).toBe(404);
  });

  it('VIEWER tokens read but never write', async () => {
    const viewer = client(t.url, await seedToken(t.app, 'VIEWER', ['physics']));
    expect((await viewer.get(base)).status).toBe(200);
    const res = await viewer.post(base, jobBody());
    expect(res.status).toBe(403);
  });

  it('a platform admin reaches every project; only it creates projects; project tokens reach their project only', async () => {
    const admin = client(t.url, await seedToken(t.app, 'ADMIN'));
    expect((await admin.post('/v1/projects', { name: 'optics' })).status).toBe(201);
    expect((await admin.post('/v1/projects', { name: 'optics' })).status).toBe(409);
    const token = await admin.post('/v1/projects/optics/tokens', { name: 'ci', role: 'MEMBER' });
    expect(token.status).toBe(201);
    const scoped = client(t.url, token.body.token as string);
    expect((await scoped.post('/v1/projects/optics/training-jobs', jobBody())).status).toBe(201);
    expect((await scoped.get(base)).status).toBe(403);
    expect((await member.post('/v1/projects', { name: 'sneaky' })).status).toBe(403);
    expect((await admin.get(base)).status).toBe(200);
  });

  it('leaves health, metrics and the API description public', async () => {
    const anonymous = client(t.url);
    expect((await anonymous.get('/healthz')).status).toBe(200);
    expect((await anonymous.get('/readyz')).body).toEqual({ status: 'ready', checks: { postgres: 'up', redis: 'up' } });
    expect((await anonymous.get('/metrics')).status).toBe(200);
    expect((await anonymous.get('/docs')).status).toBe(200);
    const openapi = await anonymous.get('/openapi.json');
    expect(openapi.status).toBe(200);
    const submit = openapi.body.paths['/v1/projects/{project}/training-jobs'].post;
    expect(submit.requestBody.content['application/json'].schema.properties).toHaveProperty('resources');
    expect(openapi.body.paths).toHaveProperty('/v1/projects/{project}/training-jobs/{id}/events');
  });
});

describe('bad input never yields a 500', () => {
  it.each([
    ['missing required fields', {}, ['name', 'image', 'resources']],
    ['unknown top-level field', jobBody({ colour: 'blue' }), ['colour']],
    ['command as a shell string', jobBody({ command: 'python train.py && rm -rf /' }), ['command']],
    ['bad env name', jobBody({ env: { 'A-B': '1' } }), ['env.A-B']],
    ['zero workers', jobBody({ workers: 0 }), ['workers']],
    ['gpu count and fraction together', jobBody({ resources: { cpu: '1', memory: '1Gi', gpu: { count: 1, fraction: 0.5 } } }), ['resources.gpu']],
    ['fraction out of range', jobBody({ resources: { cpu: '1', memory: '1Gi', gpu: { fraction: 2 } } }), ['resources.gpu.fraction']],
    ['bad memory quantity', jobBody({ resources: { cpu: '1', memory: 'lots' } }), ['resources.memory']],
    ['unknown gpu field', jobBody({ resources: { cpu: '1', memory: '1Gi', gpu: { count: 1, brand: 'x' } } }), ['resources.gpu.brand']],
    ['wrong type', jobBody({ priority: 'high' }), ['priority']],
    ['array body', [1, 2], ['(root)']],
  ])('400 for %s, naming the field', async (_label, body, fields) => {
    const res = await member.post(base, body);
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    expect(res.body.errors.map((e: { field: string }) => e.field)).toEqual(expect.arrayContaining(fields));
  });

  it('400 for malformed JSON', async () => {
    const res = await member.post(base, '{"name": ');
    expect(res.status).toBe(400);
    expect(res.body.errors[0].field).toBe('body');
  });

  it.each([
    ['text/plain', 'text/plain;charset=UTF-8'],
    ['a form', 'application/x-www-form-urlencoded'],
    ['XML', 'application/xml'],
    ['no Content-Type', undefined],
  ])('415 naming application/json for a body sent as %s', async (_label, type) => {
    // fetch gives a byte body no Content-Type of its own, so `undefined` really sends none.
    const headers: Record<string, string> = { authorization: member.authorization };
    if (type) headers['content-type'] = type;
    const res = await fetch(`${t.url}${base}`, { method: 'POST', headers, body: new TextEncoder().encode(JSON.stringify(jobBody())) });
    const body = (await res.json()) as { code: string; detail: string };
    expect(res.status, JSON.stringify(body)).toBe(415);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    expect(body.code).toBe('unsupported_media_type');
    expect(body.detail).toContain('application/json');
  });

  it('routes without a body still take an empty one without Content-Type', async () => {
    const job = await member.post(base, jobBody({ name: 'to-cancel' }));
    const headers = { authorization: member.authorization };
    const cancel = await fetch(`${t.url}${base}/${job.body.id}/cancel`, { method: 'POST', headers });
    expect(cancel.status).toBe(200);
    const login = await fetch(`${t.url}/v1/auth/login`, { method: 'POST', headers });
    expect(login.status).toBeLessThan(300);
  });

  it('413 past the body limit', async () => {
    const res = await member.post(base, jobBody({ env: { BIG: 'x'.repeat(20_000) } }));
    expect(res.status).toBe(413);
    expect(res.body.code).toBe('payload_too_large');
  });

  it('404 problem+json for an unknown route', async () => {
    const res = await member.get('/v1/nothing-here');
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
  });
});
