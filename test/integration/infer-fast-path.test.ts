import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { client, closeApp, eventually, seedToken, startTestApp, type TestApp } from '../helpers/test-app.js';

/**
 * `POST …/endpoints/{name}/infer` is served ahead of express, by a `request` listener on the
 * HTTP server (src/serving/endpoints/infer-fast-path.ts). What the Nest route gave must still hold there: the same guards, the
 * problem+json answers, the audit of denied calls and the HTTP metric by route template.
 * No cluster: no replica is needed to reach any of these answers.
 */
let t: TestApp;
let admin: ReturnType<typeof client>;
let member: ReturnType<typeof client>;
let outsider: ReturnType<typeof client>;
const infer = '/v1/projects/alpha/endpoints/nothing-here/infer';
const body = { inputs: [{ name: 'x', datatype: 'FP32', shape: [1, 1], data: [1] }] };

beforeAll(async () => {
  t = await startTestApp();
  admin = client(t.url, await seedToken(t.app, 'ADMIN'));
  member = client(t.url, await seedToken(t.app, 'MEMBER', ['alpha']));
  outsider = client(t.url, await seedToken(t.app, 'MEMBER', ['beta']));
});
afterAll(() => closeApp(t));

describe('the infer fast path', () => {
  it('asks for a token first: 401 problem+json', async () => {
    const res = await client(t.url).post(infer, body);
    expect(res.status).toBe(401);
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(res.body).toMatchObject({ status: 401, instance: infer });
  });

  it('refuses another project with 403, and the denial is audited as endpoint.infer', async () => {
    const res = await outsider.post(infer, body, { 'x-request-id': 'fast-path-denied-1' });
    expect(res.status).toBe(403);
    expect(res.headers.get('x-request-id')).toBe('fast-path-denied-1');
    const event = await eventually(async () => {
      const items = (await admin.get('/v1/audit?limit=200')).body?.items as Array<Record<string, unknown>> | undefined;
      return items?.find((e) => e.requestId === 'fast-path-denied-1');
    });
    expect(event).toMatchObject({ action: 'endpoint.infer' });
  });

  it('refuses a token without the infer scope', async () => {
    const readOnly = client(t.url, await seedToken(t.app, 'MEMBER', ['alpha'], { scopes: ['read'] }));
    const res = await readOnly.post(infer, body);
    expect(res.status).toBe(403);
    expect(res.body.detail).toMatch(/'infer' scope/);
  });

  it('answers a missing endpoint 404 naming it, and counts it under the route template', async () => {
    const res = await member.post(infer, body);
    expect(res.status).toBe(404);
    expect(res.body.detail).toMatch(/nothing-here/);
    const metrics = (await client(t.url).get('/metrics')).text;
    expect(metrics).toMatch(/beamline_http_request_duration_seconds_count\{method="POST",route="\/v1\/projects\/:project\/endpoints\/:name\/infer",status="404"\} [1-9]/);
  });

  it('answers infer ahead of express: the express app never sees it, and still sees everything else', async () => {
    const express = t.app.getHttpAdapter().getInstance() as unknown as { handle: (...args: unknown[]) => unknown };
    const handle = express.handle;
    const seen: string[] = [];
    express.handle = function (this: unknown, ...args: unknown[]) {
      seen.push(`${(args[0] as { method: string }).method} ${(args[0] as { url: string }).url}`);
      return handle.apply(this, args);
    };
    try {
      expect((await member.post(infer, body)).status).toBe(404);
      expect((await member.post(`${infer}?x=1`, body)).status).toBe(404);
      expect((await member.get(infer)).status).toBe(404);
    } finally {
      express.handle = handle;
    }
    expect(seen).toEqual([`POST ${infer}?x=1`, `GET ${infer}`]);
  });

  it('gives an error answer the express response (problem+json via the filter) and echoes a generated request id', async () => {
    const res = await outsider.post(infer, body);
    expect(res.status).toBe(403);
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(res.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    expect(res.body).toMatchObject({ status: 403, instance: infer, requestId: res.headers.get('x-request-id') });
  });

  it('leaves a query string and other methods to the Nest route, which answers the same', async () => {
    expect((await member.post(`${infer}?x=1`, body)).status).toBe(404);
    expect((await member.get(infer)).status).toBe(404);
  });
});
