import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { linearModel } from '../helpers/onnx.js';
import { registry } from '../helpers/onnx-registry.js';
import { client, closeApp, jobBody, seedToken, startTestApp, type TestApp } from '../helpers/test-app.js';
import * as models from '../../src/models/models.responses.js';
import * as tokens from '../../src/access/tokens.responses.js';
import * as projects from '../../src/projects/projects.responses.js';
import * as endpoints from '../../src/serving/endpoints/endpoints.responses.js';
import * as training from '../../src/training/training.responses.js';

/**
 * The response schemas in /openapi.json (and so the SDK's types) against real answers:
 * every answer must parse, and the schemas are strict, so a field the API sends but the
 * schema lacks fails here as well as at compile time.
 */
const project = 'answers';
const base = `/v1/projects/${project}`;
let t: TestApp;
let dir: string;
let admin: ReturnType<typeof client>;
let member: ReturnType<typeof client>;
let memberToken: string;

/** Status first, then the body against the schema, with zod's issues in the failure message. */
function expectAnswer(schema: z.ZodType, res: { status: number; body: unknown }, status: number) {
  expect(res.status, JSON.stringify(res.body)).toBe(status);
  const parsed = schema.safeParse(res.body);
  expect(parsed.error?.issues, JSON.stringify(res.body)).toBeUndefined();
  return res.body as Record<string, unknown>;
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'beamline-answers-'));
  t = await startTestApp({ env: { BEAMLINE_ARTIFACT_DIR: dir } });
  admin = client(t.url, await seedToken(t.app, 'ADMIN'));
  memberToken = await seedToken(t.app, 'MEMBER', [project]);
  member = client(t.url, memberToken);
});
afterAll(async () => {
  await closeApp(t);
  await rm(dir, { recursive: true, force: true });
});

describe('response schemas parse real answers', () => {
  it('projects', async () => {
    expectAnswer(projects.projectSchema, await admin.post('/v1/projects', { name: 'answers-extra', description: 'for the schemas' }), 201);
    expectAnswer(projects.projectListSchema, await admin.get('/v1/projects'), 200);
    const made = expectAnswer(tokens.createdTokenSchema, await admin.post(`${base}/tokens`, { name: 'ci', role: 'VIEWER', expiresInSeconds: 3600 }), 201);
    expectAnswer(tokens.tokenListSchema, await admin.get(`${base}/tokens`), 200);
    expectAnswer(tokens.rotatedTokenSchema, await admin.post(`${base}/tokens/${made.id}/rotate`, { graceSeconds: 60 }), 201);
    expectAnswer(tokens.tokenSchema, await admin.delete(`${base}/tokens/${made.id}`), 200);
    expectAnswer(tokens.createdTokenSchema, await admin.post('/v1/tokens', { name: 'prometheus', scopes: ['read'] }), 201);
  });

  it('training jobs', async () => {
    const job = expectAnswer(training.trainingJobSchema, await member.post(`${base}/training-jobs`, jobBody({ outputModel: 'lens' }), { 'idempotency-key': 'k1' }), 201);
    expectAnswer(training.trainingJobSchema, await member.post(`${base}/training-jobs`, jobBody({ outputModel: 'lens' }), { 'idempotency-key': 'k1' }), 200);
    expectAnswer(training.trainingJobSchema, await member.post(`${base}/training-jobs`, jobBody({ name: 'fraction', resources: { cpu: '500m', memory: '1Gi', gpu: { fraction: 0.5 } } })), 201);
    expectAnswer(training.trainingJobPageSchema, await member.get(`${base}/training-jobs?limit=1`), 200);
    expectAnswer(training.trainingJobDetailSchema, await member.get(`${base}/training-jobs/${job.id}`), 200);
    expectAnswer(training.trainingJobSchema, await member.post(`${base}/training-jobs/${job.id}/cancel`), 200);
    const events = expectAnswer(training.trainingJobEventsSchema, await member.get(`${base}/training-jobs/${job.id}/events`), 200);
    expect((events.items as unknown[]).length).toBeGreaterThan(1);
  });

  it('models, versions and aliases', async () => {
    const reg = registry(t.url, memberToken);
    expectAnswer(models.modelSchema, await member.post(`${base}/models`, { name: 'lens', tags: ['optics'], metadata: { facility: 'b1', energy: 3, cold: true } }), 201);
    expectAnswer(models.modelSchema, await member.patch(`${base}/models/lens`, { description: 'a lens' }), 200);
    const [job] = (await member.get(`${base}/training-jobs?limit=1`)).body.items as { id: string }[];
    const spec = { trainingJobId: job.id, metrics: { loss: 0.1 }, variables: { inputs: { x: { unit: 'mm', range: [0, 1] } } } };
    expectAnswer(models.modelVersionSchema, await reg.multipart(`${base}/models/lens/versions`, linearModel([[2]], [1]), spec), 201);
    const pending = expectAnswer(models.modelVersionSchema, await member.post(`${base}/models/lens/versions`, { tags: ['later'] }), 201);
    expectAnswer(models.modelVersionSchema, await reg.put(`${base}/models/lens/versions/${pending.version}/artifact`, linearModel([[3]], [0])), 200);
    expectAnswer(models.modelVersionSchema, await member.patch(`${base}/models/lens/versions/1`, { tags: ['first'] }), 200);
    expectAnswer(models.modelVersionSchema, await member.get(`${base}/models/lens/versions/latest`), 200);
    expectAnswer(models.modelVersionPageSchema, await member.get(`${base}/models/lens/versions?limit=1`), 200);

    expectAnswer(models.modelAliasSchema, await member.put(`${base}/models/lens/aliases/production`, { version: 1 }), 200);
    expectAnswer(models.modelAliasSchema, await member.get(`${base}/models/lens/aliases/production`), 200);
    expectAnswer(models.modelAliasesSchema, await member.get(`${base}/models/lens/aliases`), 200);
    expectAnswer(models.aliasHistoryResponseSchema, await member.get(`${base}/models/lens/aliases/production/history`), 200);
    const at = encodeURIComponent(new Date().toISOString());
    const asOf = expectAnswer(models.aliasHistoryResponseSchema, await member.get(`${base}/models/lens/aliases/production/history?at=${at}`), 200);
    expect(asOf.version).toBe(1);

    expectAnswer(models.modelDetailSchema, await member.get(`${base}/models/lens`), 200);
    expectAnswer(models.modelPageSchema, await member.get(`${base}/models`), 200);
    const produced = expectAnswer(training.trainingJobDetailSchema, await member.get(`${base}/training-jobs/${job.id}`), 200);
    expect(produced.modelVersions).toHaveLength(1);
  });

  it('endpoints', async () => {
    const create = { name: 'focus', model: 'lens', version: '@production', replicas: 1, resources: { cpu: '1', memory: '1Gi', gpu: { count: 1, product: 'NVIDIA-A100' } } };
    expectAnswer(endpoints.endpointSchema, await member.post(`${base}/endpoints`, create, { 'idempotency-key': 'e1' }), 201);
    expectAnswer(endpoints.endpointSchema, await member.post(`${base}/endpoints`, create, { 'idempotency-key': 'e1' }), 200);
    expectAnswer(endpoints.endpointSchema, await member.patch(`${base}/endpoints/focus`, { env: { MODE: 'fast' } }), 200);
    expectAnswer(endpoints.endpointSchema, await member.post(`${base}/endpoints/focus/scale`, { replicas: 2 }), 200);
    expectAnswer(endpoints.endpointSchema, await member.post(`${base}/endpoints/focus/rollback`, { revision: 1 }), 200);
    expectAnswer(endpoints.endpointSchema, await member.get(`${base}/endpoints/focus`), 200);
    expectAnswer(endpoints.endpointPageSchema, await member.get(`${base}/endpoints`), 200);
    const revisions = expectAnswer(endpoints.endpointRevisionsSchema, await member.get(`${base}/endpoints/focus/revisions`), 200);
    expect(revisions.items).toHaveLength(4);
    expectAnswer(endpoints.endpointEventsSchema, await member.get(`${base}/endpoints/focus/events`), 200);
    expectAnswer(endpoints.endpointSchema, await member.delete(`${base}/endpoints/focus`), 202);
  });

  it('refuses a field the schema does not name', async () => {
    const job = (await member.get(`${base}/training-jobs?limit=1`)).body.items[0];
    expect(training.trainingJobSchema.safeParse(job).success).toBe(true);
    expect(training.trainingJobSchema.safeParse({ ...job, extra: 1 }).success).toBe(false);
  });
});
