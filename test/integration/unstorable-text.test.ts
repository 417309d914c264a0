import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { client, closeApp, jobBody, seedToken, startTestApp, type TestApp } from '../helpers/test-app.js';

/**
 * Issue 19 item 5: text PostgreSQL cannot store (NUL, a lone UTF-16 surrogate) is refused
 * with a 400 naming the field, on every route. The walk reads /openapi.json, so a new
 * route or field is covered without editing this file: for every JSON body it puts the
 * bad text in each string it can find (values and record keys), and for every operation
 * in each path and query parameter. Before the check, such a body reached PostgreSQL and
 * came back as a 500 (or, for a lone surrogate in a text column, was stored altered).
 */
type Schema = {
  $ref?: string;
  type?: string | string[];
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  additionalProperties?: boolean | Schema;
  anyOf?: Schema[];
  oneOf?: Schema[];
  allOf?: Schema[];
  enum?: unknown[];
  minimum?: number;
  minItems?: number;
};
type Operation = { parameters?: { name: string; in: string }[]; requestBody?: { content?: Record<string, { schema?: Schema }> } };
type Path = (string | number)[];

const PROJECT = 'textproj';
const P = `/v1/projects/${PROJECT}`;
const BAD = { NUL: 'a\u0000b', 'lone surrogate': 'a\uD800b' } as const;

/** Valid bodies the other tests already send: the bad text is the only thing wrong with them. */
const EXAMPLES: Record<string, unknown> = {
  'POST /v1/projects/{project}/training-jobs': jobBody(),
  'POST /v1/projects/{project}/models': { name: 'm1', description: 'd', tags: ['a'], metadata: { lab: 'x' } },
  'POST /v1/projects/{project}/tokens': { name: 'deputy', role: 'MEMBER' },
  'POST /v1/tokens': { name: 'root' },
  'POST /v1/projects/{project}/endpoints': { name: 'e1', model: 'm1', version: 1, replicas: 1, env: { A: 'b' } },
};

let t: TestApp;
let api: ReturnType<typeof client>;
let doc: { paths: Record<string, Record<string, Operation>>; components?: { schemas?: Record<string, Schema> } };

beforeAll(async () => {
  t = await startTestApp({ role: 'api' });
  api = client(t.url, await seedToken(t.app, 'ADMIN'));
  await seedToken(t.app, 'ADMIN', [PROJECT]);
  doc = (await api.get('/openapi.json')).body;
});
afterAll(() => closeApp(t));

function resolve(s: Schema | undefined): Schema {
  if (!s) return {};
  if (s.$ref) return resolve(doc.components?.schemas?.[s.$ref.split('/').pop()!]);
  if (s.allOf) return s.allOf.map(resolve).reduce((a, b) => ({ ...a, ...b, properties: { ...a.properties, ...b.properties } }), {});
  const branch = s.anyOf ?? s.oneOf;
  // A union: its object branch has the fields (e.g. a version given as number or alias string).
  if (branch) return resolve(branch.find((b) => resolve(b).properties) ?? branch.find((b) => resolve(b).type === 'string') ?? branch[0]);
  return s;
}

const isType = (s: Schema, type: string) => s.type === type || (Array.isArray(s.type) && s.type.includes(type));

/** A body with every required field, for routes no test has an example for. */
function skeleton(raw: Schema | undefined): unknown {
  const s = resolve(raw);
  if (s.enum) return s.enum[0];
  if (s.properties || isType(s, 'object')) {
    const out: Record<string, unknown> = {};
    for (const key of s.required ?? []) out[key] = skeleton(s.properties?.[key]);
    return out;
  }
  if (isType(s, 'array')) return Array.from({ length: s.minItems ?? 0 }, () => skeleton(s.items));
  if (isType(s, 'integer') || isType(s, 'number')) return s.minimum ?? 1;
  if (isType(s, 'boolean')) return false;
  return 'x';
}

/** Every place a string can go: a value at a path, or (for a record) the name of a key. */
function stringPlaces(raw: Schema | undefined, path: Path = [], depth = 0): { path: Path; key?: boolean }[] {
  const s = resolve(raw);
  if (depth > 6) return [];
  if (s.enum) return s.enum.some((v) => typeof v === 'string') ? [{ path }] : [];
  if (isType(s, 'string')) return [{ path }];
  if (isType(s, 'array')) return stringPlaces(s.items, [...path, 0], depth + 1);
  const places = Object.entries(s.properties ?? {}).flatMap(([k, v]) => stringPlaces(v, [...path, k], depth + 1));
  if (typeof s.additionalProperties === 'object') {
    places.push({ path: [...path, 'K'], key: true });
    places.push(...stringPlaces(s.additionalProperties, [...path, 'K'], depth + 1));
  }
  return places;
}

function withText(base: unknown, path: Path, text: string, key: boolean): { body: unknown; field: string } {
  const body = structuredClone(base ?? {}) as Record<string | number, unknown>;
  let node: Record<string | number, unknown> = body;
  path.slice(0, -1).forEach((p, i) => {
    if (typeof node[p] !== 'object' || node[p] === null) node[p] = typeof path[i + 1] === 'number' ? [] : {};
    node = node[p] as Record<string | number, unknown>;
  });
  const last = path[path.length - 1];
  if (key) {
    node[`${String(last)}${text}`] = 'v';
    return { body, field: [...path.slice(0, -1), `${String(last)}${text}`].join('.') };
  }
  node[last] = text;
  return { body, field: path.join('.') };
}

function operations(): { method: string; route: string; op: Operation }[] {
  return Object.entries(doc.paths).flatMap(([route, ops]) =>
    Object.entries(ops).filter(([m]) => ['get', 'post', 'put', 'patch', 'delete'].includes(m)).map(([method, op]) => ({ method: method.toUpperCase(), route, op })),
  );
}

const fill = (route: string, params: Record<string, string> = {}) =>
  route.replace(/\{(\w+)\}/g, (_, name: string) => encodeURIComponent(params[name] ?? (name === 'project' ? PROJECT : name === 'version' ? '1' : 'x')));

/** The response must be a 400 that names `field` for the bad text; a 500 is the bug this file exists for. */
function expectNamed(res: { status: number; body?: { errors?: { field: string; message: string }[] }; text: string }, field: string, what: string) {
  expect(res.status, `${what}: ${res.text}`).toBe(400);
  const named = (res.body?.errors ?? []).filter((e) => e.field === field && /cannot be stored/.test(e.message));
  expect(named, `${what}: ${res.text}`).toHaveLength(1);
}

describe('text PostgreSQL cannot store', () => {
  it('is refused with a 400 naming the field in every JSON body', async () => {
    let tried = 0;
    for (const { method, route, op } of operations()) {
      const schema = op.requestBody?.content?.['application/json']?.schema;
      if (!schema) continue;
      const base = EXAMPLES[`${method} ${route}`] ?? skeleton(schema);
      // A body of numbers only (token rotation's expiry) has nothing to try.
      for (const place of stringPlaces(schema)) {
        for (const [name, text] of Object.entries(BAD)) {
          const { body, field } = withText(base, place.path, text, !!place.key);
          expectNamed(await api.send(method, fill(route), body), field, `${name} in ${method} ${route} ${field}`);
          tried++;
        }
      }
    }
    // The fields the issue names are among those tried (so a schema the walk cannot read fails here).
    expect(tried).toBeGreaterThan(40);
  });

  it('names the fields the issue found: model tags, token names, endpoint model, job name, env and command', async () => {
    const cases: [string, string, unknown, string][] = [
      ['POST', `${P}/models`, { name: 'm2', tags: ['ok', 'a\u0000'] }, 'tags.1'],
      ['POST', `${P}/tokens`, { name: 'to\u0000ken', role: 'MEMBER' }, 'name'],
      ['POST', `${P}/endpoints`, { name: 'e2', model: 'm\u0000', version: 1 }, 'model'],
      ['POST', `${P}/training-jobs`, jobBody({ name: 'j\u0000' }), 'name'],
      ['POST', `${P}/training-jobs`, jobBody({ env: { SEED: '4\u00002' } }), 'env.SEED'],
      ['POST', `${P}/training-jobs`, jobBody({ command: ['python', 'tr\uDC00ain.py'] }), 'command.1'],
    ];
    for (const [method, path, body, field] of cases) expectNamed(await api.send(method, path, body), field, `${path} ${field}`);
    // The same bodies without the bad text are accepted, so the 400s above are about the text alone.
    expect((await api.post(`${P}/models`, { name: 'm2', tags: ['ok', 'a'] })).status).toBe(201);
    expect((await api.post(`${P}/tokens`, { name: 'token', role: 'MEMBER' })).status).toBe(201);
  });

  it('is refused in every path and query parameter', async () => {
    let tried = 0;
    for (const { method, route, op } of operations()) {
      for (const param of op.parameters ?? []) {
        if (param.in !== 'path' && param.in !== 'query') continue;
        const path = param.in === 'path' ? fill(route, { [param.name]: BAD.NUL }) : `${fill(route)}?${param.name}=${encodeURIComponent(BAD.NUL)}`;
        const field = param.in === 'path' ? param.name : `query.${param.name}`;
        expectNamed(await api.send(method, path), field, `${method} ${path}`);
        tried++;
      }
    }
    expect(tried).toBeGreaterThan(20);
  });

  it('is refused in a header that is stored (Idempotency-Key), by the HTTP parser itself', async () => {
    // fetch refuses to send such a header, so the request is written by hand. A lone
    // surrogate cannot reach a header at all: header bytes are read as Latin-1.
    const token = await seedToken(t.app, 'ADMIN', [PROJECT]);
    const body = JSON.stringify(jobBody());
    const { port } = new URL(t.url);
    const reply = await new Promise<string>((resolve, reject) => {
      const socket = connect(Number(port), '127.0.0.1', () => {
        socket.end(
          `POST ${P}/training-jobs HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${token}\r\nContent-Type: application/json\r\n` +
            `Idempotency-Key: a\u0000b\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
        );
      });
      let data = '';
      socket.on('data', (c: Buffer) => (data += c.toString('latin1')));
      socket.on('end', () => resolve(data));
      socket.on('error', reject);
    });
    expect(reply.split('\r\n')[0]).toBe('HTTP/1.1 400 Bad Request');
  });

  it('is refused in a multipart upload spec', async () => {
    expect((await api.post(`${P}/models`, { name: 'up' })).status).toBe(201);
    const form = new FormData();
    form.set('spec', JSON.stringify({ description: 'd\u0000' }));
    form.set('file', new Blob([Buffer.from('not onnx')]), 'model.onnx');
    const res = await fetch(`${t.url}${P}/models/up/versions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${await seedToken(t.app, 'ADMIN')}` },
      body: form,
    });
    const text = await res.text();
    expectNamed({ status: res.status, body: JSON.parse(text), text }, 'spec.description', 'multipart spec');
  });
});
