import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { linearModel } from '../helpers/onnx.js';
import { registry } from '../helpers/onnx-registry.js';
import { client, seedToken, startTestApp, type TestApp } from '../helpers/test-app.js';

// The endpoint API's intent side, on the real database with no cluster driver: every
// change is a revision, bad input is a 400 naming the field. Rollouts are covered by
// endpoints-local.test.ts (real runtime processes) and test/k8s/endpoints-api.test.ts.
const models = '/v1/projects/optics/models';
const base = '/v1/projects/optics/endpoints';
let t: TestApp;
let dir: string;
let token: string;
let viewer: string;

/** JSON over the real API; `as` another token. */
const send = (method: string, path: string, body?: unknown, headers: Record<string, string> = {}, as = token) => client(t.url, as).send(method, path, body, headers);

const fields = (res: { body: { errors?: { field: string }[] } }) => (res.body.errors ?? []).map((e) => e.field);

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'beamline-ep-'));
  t = await startTestApp({ role: 'api', env: { BEAMLINE_ARTIFACT_DIR: dir } });
  token = await seedToken(t.app, 'MEMBER', ['optics']);
  viewer = await seedToken(t.app, 'VIEWER', ['optics']);
  const reg = registry(t.url, token);
  expect((await send('POST', models, { name: 'lens' })).status).toBe(201);
  for (let i = 0; i < 3; i++) expect((await reg.multipart(`${models}/lens/versions`, linearModel([[i + 1]], [i]))).status).toBe(201);
  expect((await send('PUT', `${models}/lens/aliases/production`, { version: 2 })).status).toBe(200);
  // A version without an artifact (announced, never uploaded).
  expect((await send('POST', `${models}/lens/versions`, {})).status).toBe(201);
});
afterAll(async () => {
  await t.close();
  await rm(dir, { recursive: true, force: true });
});

describe('endpoints API', () => {
  it('creates an endpoint as revision 1 and shows desired vs observed', async () => {
    const res = await send('POST', base, { name: 'focus', model: 'lens', version: 1, replicas: 2 });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      name: 'focus',
      project: 'optics',
      model: 'lens',
      follows: null,
      modelVersion: 1,
      replicas: 2,
      desiredRevision: 1,
      goodRevision: null,
      phase: 'Progressing',
      ready: false,
      inferUrl: '/v1/projects/optics/endpoints/focus/infer',
      resources: { cpu: '1', memory: '1Gi', gpu: null },
      batching: { enabled: true, maxBatchSize: 64, maxQueueDelayMicros: 0 },
    });
    const revisions = await send('GET', `${base}/focus/revisions`);
    expect(revisions.body.items).toMatchObject([{ revision: 1, modelVersion: 1, cause: 'Created', status: 'Pending', replicas: 2 }]);
    expect((await send('GET', `${base}/focus`, undefined, {}, viewer)).body.name).toBe('focus');
  });

  it('follows an alias and replays a create with the same Idempotency-Key', async () => {
    const body = { name: 'prod', model: 'lens', version: '@production' };
    const first = await send('POST', base, body, { 'idempotency-key': 'k-1' });
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({ follows: '@production', modelVersion: 2 });
    const again = await send('POST', base, body, { 'idempotency-key': 'k-1' });
    expect(again.status).toBe(200);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.body.id).toBe(first.body.id);
    const other = await send('POST', base, body, { 'idempotency-key': 'k-2' });
    expect(other.status).toBe(409);
    expect(fields(other)).toEqual(['name']);
  });

  it('refuses bad input with a 400 naming the field', async () => {
    const cases: [unknown, string][] = [
      [{ name: 'a', model: 'nope', version: 1 }, 'model'],
      [{ name: 'a', model: 'lens', version: 99 }, 'version'],
      [{ name: 'a', model: 'lens', version: '@nope' }, 'version'],
      [{ name: 'a', model: 'lens', version: 4 }, 'version'],
      [{ name: 'a', model: 'lens', version: 'latest!' }, 'version'],
      [{ name: 'a', model: 'lens', version: 1, replicas: 0 }, 'replicas'],
      [{ name: 'a', model: 'lens', version: 1, replicas: -2 }, 'replicas'],
      [{ name: 'Bad_Name', model: 'lens', version: 1 }, 'name'],
      [{ name: 'a', model: 'lens', version: 1, resources: { gpu: { count: 0 } } }, 'resources.gpu.count'],
      [{ name: 'a', model: 'lens', version: 1, resources: { memory: 'lots' } }, 'resources.memory'],
      [{ name: 'a', model: 'lens', version: 1, env: { BEAMLINE_RUNTIME_PORT: '1' } }, 'env.BEAMLINE_RUNTIME_PORT'],
      [{ name: 'a', model: 'lens', version: 1, colour: 'red' }, 'colour'],
      [{ name: 'a', model: 'lens', version: 1, progressDeadlineSeconds: 1 }, 'progressDeadlineSeconds'],
    ];
    for (const [body, field] of cases) {
      const res = await send('POST', base, body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(fields(res), JSON.stringify(body)).toContain(field);
    }
    expect((await send('POST', base, { name: 'v', model: 'lens', version: 1 }, {}, viewer)).status).toBe(403);
    expect((await send('GET', `${base}/missing`)).status).toBe(404);
  });

  it('makes a revision per change: Updated, Scaled, none for a no-op', async () => {
    const updated = await send('PATCH', `${base}/focus`, { version: 3, batching: { maxBatchSize: 8 } });
    expect(updated.status).toBe(200);
    expect(updated.body).toMatchObject({ desiredRevision: 2, modelVersion: 3, batching: { enabled: true, maxBatchSize: 8 } });
    const scaled = await send('POST', `${base}/focus/scale`, { replicas: 3 });
    expect(scaled.body).toMatchObject({ desiredRevision: 3, replicas: 3, modelVersion: 3 });
    const same = await send('PATCH', `${base}/focus`, { replicas: 3 });
    expect(same.body.desiredRevision).toBe(3);
    expect((await send('PATCH', `${base}/focus`, {})).status).toBe(400);
    expect(fields(await send('PATCH', `${base}/focus`, { replicas: 0 }))).toContain('replicas');
    const revisions = (await send('GET', `${base}/focus/revisions`)).body.items;
    expect(revisions.map((r: { revision: number; cause: string; status: string }) => [r.revision, r.cause, r.status])).toEqual([
      [3, 'Scaled', 'Pending'],
      [2, 'Updated', 'Superseded'],
      [1, 'Created', 'Superseded'],
    ]);
  });

  it('rolls back to a named revision, unpinning an alias, and refuses when nothing rolled out', async () => {
    expect((await send('POST', `${base}/prod/rollback`)).status).toBe(409);
    expect(fields(await send('POST', `${base}/prod/rollback`, { revision: 7 }))).toEqual(['revision']);
    const back = await send('POST', `${base}/focus/rollback`, { revision: 1 });
    expect(back.status).toBe(200);
    expect(back.body).toMatchObject({ desiredRevision: 4, modelVersion: 1, replicas: 3 });
    const [latest] = (await send('GET', `${base}/focus/revisions`)).body.items;
    expect(latest).toMatchObject({ revision: 4, cause: 'Rollback', sourceRevision: 1 });
  });

  it('keeps a served model version from being deleted', async () => {
    const res = await send('DELETE', `${models}/lens/versions/1`);
    expect(res.status).toBe(409);
    expect(JSON.stringify(res.body)).toContain('focus');
  });

  it('lists by name with a cursor, records events, and deletes through the controller', async () => {
    const page = await send('GET', `${base}?limit=1`);
    expect(page.body.items.map((e: { name: string }) => e.name)).toEqual(['focus']);
    const next = await send('GET', `${base}?limit=1&cursor=${page.body.nextCursor}`);
    expect(next.body.items.map((e: { name: string }) => e.name)).toEqual(['prod']);
    expect(next.body.nextCursor).toBeNull();
    const events = (await send('GET', `${base}/focus/events`)).body.items;
    expect(events.filter((e: { reason: string }) => e.reason === 'RevisionCreated')).toHaveLength(4);
    const gone = await send('DELETE', `${base}/prod`);
    expect(gone.status).toBe(202);
    expect(gone.body.phase).toBe('Deleting');
    expect((await send('PATCH', `${base}/prod`, { replicas: 2 })).status).toBe(409);
  });
});
