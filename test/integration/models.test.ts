import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PrismaService } from '../../src/common/database/prisma.service.js';
import { linearModel } from '../helpers/onnx.js';
import { registry } from '../helpers/onnx-registry.js';
import { client, seedToken, sleep, startTestApp, type TestApp } from '../helpers/test-app.js';

const base = '/v1/projects/physics/models';
let t: TestApp;
let dir: string;
let member: ReturnType<typeof client>;
let admin: ReturnType<typeof client>;
let memberToken: string;
let adminToken: string;

/** client() speaks POST/GET; the registry also needs PUT, PATCH and DELETE with JSON. */
async function send(token: string, method: string, path: string, body?: unknown) {
  const res = await fetch(`${t.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

async function registerVersions(name: string, count: number): Promise<void> {
  const reg = registry(t.url, memberToken);
  for (let i = 0; i < count; i++) {
    const res = await reg.multipart(`${base}/${name}/versions`, linearModel([[i + 1]], [i]), { tags: i % 2 === 0 ? ['even'] : [] });
    expect(res.status).toBe(201);
  }
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'beamline-models-'));
  t = await startTestApp({ role: 'api', env: { BEAMLINE_ARTIFACT_DIR: dir } });
  memberToken = await seedToken(t.app, 'MEMBER', ['physics']);
  adminToken = await seedToken(t.app, 'ADMIN');
  member = client(t.url, memberToken);
  admin = client(t.url, adminToken);
});
afterAll(async () => {
  await t.close();
  await rm(dir, { recursive: true, force: true });
});

describe('models', () => {
  it('creates, reads, updates and refuses a duplicate name', async () => {
    const created = await member.post(base, {
      name: 'injector-surrogate',
      description: 'LCLS injector',
      tags: ['lcls', 'injector', 'lcls'],
      metadata: { laboratory: 'SLAC', facility: 'LCLS', beampath: 'CU_HXR' },
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ name: 'injector-surrogate', project: 'physics', tags: ['lcls', 'injector'], latestVersion: 0 });
    expect((await member.post(base, { name: 'injector-surrogate' })).status).toBe(409);

    const patched = await send(memberToken, 'PATCH', `${base}/injector-surrogate`, { description: 'v2', metadata: { facility: 'LCLS-II' } });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ description: 'v2', metadata: { facility: 'LCLS-II' }, tags: ['lcls', 'injector'] });
    expect((await member.get(`${base}/injector-surrogate`)).body.description).toBe('v2');
    expect((await member.get(`${base}/nothing`)).status).toBe(404);
  });

  it('searches by name prefix and by tags, with a cursor', async () => {
    for (const [name, tags] of [['linac-a', ['linac', 'rf']], ['linac-b', ['linac']], ['undulator', ['rf']]] as const) {
      expect((await member.post(base, { name, tags })).status).toBe(201);
    }
    const prefix = await member.get(`${base}?namePrefix=linac`);
    expect(prefix.body.items.map((m: { name: string }) => m.name)).toEqual(['linac-a', 'linac-b']);
    const tagged = await member.get(`${base}?tag=rf`);
    expect(tagged.body.items.map((m: { name: string }) => m.name)).toEqual(['linac-a', 'undulator']);
    const both = await member.get(`${base}?tag=linac,rf`);
    expect(both.body.items.map((m: { name: string }) => m.name)).toEqual(['linac-a']);

    const first = await member.get(`${base}?limit=2`);
    expect(first.body.items).toHaveLength(2);
    const second = await member.get(`${base}?limit=2&cursor=${first.body.nextCursor}`);
    expect(second.body.items[0].name > first.body.items[1].name).toBe(true);
  });
});

describe('versions', () => {
  it('numbers versions 1..n and resolves latest, a number and @alias', async () => {
    await member.post(base, { name: 'counted' });
    await registerVersions('counted', 3);
    await member.post(`${base}/counted/versions`, {}); // a PendingUpload version 4: never "latest"
    const list = await member.get(`${base}/counted/versions`);
    expect(list.body.items.map((v: { version: number }) => v.version)).toEqual([4, 3, 2, 1]);
    expect((await member.get(`${base}/counted/versions?status=Ready&limit=2`)).body.items.map((v: { version: number }) => v.version)).toEqual([3, 2]);
    expect((await member.get(`${base}/counted/versions?tag=even`)).body.items.map((v: { version: number }) => v.version)).toEqual([3, 1]);
    const page = await member.get(`${base}/counted/versions?limit=3`);
    expect((await member.get(`${base}/counted/versions?cursor=${page.body.nextCursor}`)).body.items.map((v: { version: number }) => v.version)).toEqual([1]);
    expect((await member.get(`${base}/counted/versions/latest`)).body.version).toBe(3);
    expect((await member.get(`${base}/counted/versions/2`)).body.version).toBe(2);
    expect((await member.get(`${base}/counted/versions/9`)).status).toBe(404);
    expect((await member.get(`${base}/counted/versions/@production`)).status).toBe(404);
    expect((await member.get(`${base}/counted`)).body.latestVersion).toBe(4);
  });

  it('updates version metadata and re-checks variables against the signature', async () => {
    const ok = await send(memberToken, 'PATCH', `${base}/counted/versions/2`, {
      description: 'best so far',
      metrics: { rmse: 0.1 },
      variables: { inputs: { x: { default: [0.5], range: [0, 1], unit: 'mm' } } },
    });
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ description: 'best so far', metrics: { rmse: 0.1 }, variables: { inputs: { x: { unit: 'mm' } } } });
    const bad = await send(memberToken, 'PATCH', `${base}/counted/versions/2`, { variables: { outputs: { nope: {} } } });
    expect(bad.status).toBe(422);
    expect(bad.body.errors[0].field).toBe('variables.outputs.nope');
  });

  it('numbers concurrent registrations without gaps or duplicates', async () => {
    await member.post(base, { name: 'racing' });
    const results = await Promise.all(Array.from({ length: 8 }, () => member.post(`${base}/racing/versions`, {})));
    expect(results.map((r) => r.body.version).sort((a: number, b: number) => a - b)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
  });
});

describe('aliases', () => {
  it('sets, moves and deletes an alias, recording every change', async () => {
    const path = `${base}/counted/aliases/staging`;
    expect((await send(memberToken, 'PUT', path, { version: 1 })).body).toMatchObject({ alias: 'staging', version: 1, protected: false });
    await sleep(20);
    const between = new Date().toISOString();
    await sleep(20);
    expect((await send(memberToken, 'PUT', path, { version: 3 })).body.version).toBe(3);
    expect((await member.get(path)).body.version).toBe(3);
    expect((await member.get(`${base}/counted/versions/@staging`)).body.aliases).toEqual(['staging']);
    expect((await member.get(`${base}/counted/aliases`)).body.items.map((a: { alias: string }) => a.alias)).toContain('staging');

    expect((await send(memberToken, 'PUT', path, { version: 4 })).status).toBe(409); // PendingUpload
    expect((await send(memberToken, 'PUT', path, { version: 99 })).status).toBe(404);

    expect((await send(memberToken, 'DELETE', path)).status).toBe(204);
    expect((await member.get(path)).status).toBe(404);
    expect((await send(memberToken, 'DELETE', path)).status).toBe(404);

    const history = await member.get(`${path}/history`);
    expect(history.body.items.map((e: { fromVersion: number | null; toVersion: number | null }) => [e.fromVersion, e.toVersion])).toEqual([
      [null, 1],
      [1, 3],
      [3, null],
    ]);
    const asOf = await member.get(`${path}/history?at=${encodeURIComponent(between)}`);
    expect(asOf.body).toMatchObject({ at: between, version: 1 });
    expect(asOf.body.items).toHaveLength(1);
    expect((await member.get(`${path}/history?at=2000-01-01T00:00:00Z`)).body.version).toBeNull();
  });

  it('lets only an ADMIN protect, move or delete a protected alias', async () => {
    const path = `${base}/counted/aliases/production`;
    const sneaky = await send(memberToken, 'PUT', path, { version: 1, protected: true });
    expect(sneaky.status).toBe(403);
    expect(sneaky.body.errors[0].field).toBe('protected');
    expect((await send(adminToken, 'PUT', path, { version: 1, protected: true })).body).toMatchObject({ version: 1, protected: true });

    const move = await send(memberToken, 'PUT', path, { version: 2 });
    expect(move.status).toBe(403);
    expect(move.body.detail).toMatch(/protected/);
    expect((await send(memberToken, 'DELETE', path)).status).toBe(403);
    expect((await member.get(path)).body.version).toBe(1);

    expect((await send(adminToken, 'PUT', path, { version: 2 })).body).toMatchObject({ version: 2, protected: true });
    const history = await admin.get(`${path}/history`);
    expect(history.body.items.map((e: { toVersion: number }) => e.toVersion)).toEqual([1, 2]);
    expect((await member.get(`${base}/counted`)).body.aliases).toMatchObject({ production: 2 });
  });

  it('refuses to delete an aliased version (409), deletes it once the alias moves', async () => {
    const aliased = await send(memberToken, 'DELETE', `${base}/counted/versions/2`);
    expect(aliased.status).toBe(409);
    expect(aliased.body.detail).toMatch(/production/);
    expect((await send(memberToken, 'DELETE', `${base}/counted/versions/@production`)).status).toBe(409);
    expect((await send(adminToken, 'PUT', `${base}/counted/aliases/production`, { version: 3 })).status).toBe(200);
    expect((await send(memberToken, 'DELETE', `${base}/counted/versions/2`)).status).toBe(204);
    expect((await member.get(`${base}/counted/versions/2`)).status).toBe(404);
    // History keeps the version numbers after the version is gone.
    const history = await member.get(`${base}/counted/aliases/production/history`);
    expect(history.body.items.map((e: { toVersion: number }) => e.toVersion)).toEqual([1, 2, 3]);
  });
});

describe('auth and bad input on every registry endpoint', () => {
  const routes: Array<[string, string]> = [
    ['POST', base],
    ['GET', base],
    ['GET', `${base}/counted`],
    ['PATCH', `${base}/counted`],
    ['POST', `${base}/counted/versions`],
    ['GET', `${base}/counted/versions`],
    ['GET', `${base}/counted/versions/1`],
    ['PATCH', `${base}/counted/versions/1`],
    ['DELETE', `${base}/counted/versions/1`],
    ['PUT', `${base}/counted/versions/1/artifact`],
    ['GET', `${base}/counted/versions/1/artifact`],
    ['GET', `${base}/counted/aliases`],
    ['GET', `${base}/counted/aliases/production`],
    ['PUT', `${base}/counted/aliases/production`],
    ['DELETE', `${base}/counted/aliases/production`],
    ['GET', `${base}/counted/aliases/production/history`],
  ];

  it.each(routes)('%s %s needs a token (401), a reachable project (403) and write access (VIEWER: 403)', async (method, path) => {
    expect((await fetch(`${t.url}${path}`, { method })).status).toBe(401);
    const other = await seedToken(t.app, 'MEMBER', ['chemistry']);
    expect((await send(other, method, path)).status).toBe(403);
    if (method !== 'GET') {
      const viewer = await seedToken(t.app, 'VIEWER', ['physics']);
      expect((await send(viewer, method, path)).status).toBe(403);
    }
  });

  it.each([
    ['POST', base, { name: 'Bad Name' }, 'name'],
    ['POST', base, { name: 'ok', tags: ['a b'] }, 'tags.0'],
    ['POST', base, { name: 'ok', metadata: { deep: { x: 1 } } }, 'metadata.deep'],
    ['POST', base, { name: 'ok', surprise: 1 }, 'surprise'],
    ['GET', `${base}?limit=0`, undefined, 'query.limit'],
    ['GET', `${base}?cursor=garbage`, undefined, 'cursor'],
    ['PATCH', `${base}/counted`, {}, '(root)'],
    ['PATCH', `${base}/counted`, { tags: 'x' }, 'tags'],
    ['POST', `${base}/counted/versions`, { metrics: { loss: 'low' } }, 'metrics.loss'],
    ['POST', `${base}/counted/versions`, { sha256: 'abc' }, 'sha256'],
    ['POST', `${base}/counted/versions`, { trainingJobId: 'not-a-uuid' }, 'trainingJobId'],
    ['POST', `${base}/counted/versions`, { trainingJobId: '00000000-0000-4000-8000-000000000000' }, 'trainingJobId'],
    ['POST', `${base}/counted/versions`, { variables: { inputs: { x: { constant: true } } } }, 'variables.inputs.x.default'],
    ['GET', `${base}/counted/versions?status=Gone`, undefined, 'query.status'],
    ['GET', `${base}/counted/versions/first`, undefined, 'version'],
    ['PATCH', `${base}/counted/versions/1`, { colour: 'red' }, 'colour'],
    ['DELETE', `${base}/counted/versions/0`, undefined, 'version'],
    ['PUT', `${base}/counted/versions/one/artifact`, undefined, 'version'],
    ['GET', `${base}/counted/versions/@Prod/artifact`, undefined, 'version'],
    ['GET', `${base}/counted/aliases/Not_Valid`, undefined, 'alias'],
    ['PUT', `${base}/counted/aliases/latest`, { version: 1 }, 'alias'],
    ['PUT', `${base}/counted/aliases/canary`, { version: 'one' }, 'version'],
    ['PUT', `${base}/counted/aliases/canary`, {}, 'version'],
    ['DELETE', `${base}/counted/aliases/UPPER`, undefined, 'alias'],
    ['GET', `${base}/counted/aliases/production/history?at=yesterday`, undefined, 'query.at'],
  ])('%s %s gives 400 naming %#', async (method, path, body, field) => {
    const res = await send(memberToken, method, path, body);
    expect(res.status, JSON.stringify(res.body)).toBe(400);
    expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
  });

  it('415 for a version body that is neither JSON nor multipart', async () => {
    const res = await fetch(`${t.url}${base}/counted/versions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${memberToken}`, 'content-type': 'text/plain' },
      body: 'hello',
    });
    expect(res.status).toBe(415);
  });

  it('round-trips the registry tables through the generated client (every model and field)', async () => {
    const prisma = t.app.get(PrismaService);
    const model = await prisma.model.findFirstOrThrow({ where: { name: 'counted' }, include: { versions: { include: { artifact: true } }, aliases: true, aliasEvents: true } });
    expect(model.versions.length).toBeGreaterThan(0);
    expect(typeof model.versions.find((v) => v.artifact)!.artifact!.size).toBe('bigint');
    expect(model.aliases[0]).toMatchObject({ alias: 'production', protected: true });
    expect(typeof model.aliasEvents[0].id).toBe('bigint');
  });
});
