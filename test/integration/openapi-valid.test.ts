import { execFile, spawnSync } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeApp, startTestApp, type TestApp } from '../helpers/test-app.js';

/**
 * /openapi.json must be a document that generated clients and API fuzzers accept:
 * checked by openapi-spec-validator (PyPI), the validator those tools use. A missing
 * package fails the test with the install line rather than skipping it, so CI cannot
 * pass without the check.
 */
const INSTALL = "python3 -m pip install 'openapi-spec-validator>=0.7'";
interface Operation {
  parameters?: { name: string; in: string; schema?: { type?: string } }[];
  requestBody?: unknown;
  security?: unknown[];
  responses: Record<string, { content?: Record<string, { schema?: { $ref?: string } }> }>;
}
interface Doc {
  paths: Record<string, Record<string, Operation>>;
  components: { securitySchemes: Record<string, { bearerFormat?: string }> };
}
let t: TestApp;
let dir: string;
beforeAll(async () => {
  t = await startTestApp({ role: 'api' });
  dir = await mkdtemp(join(tmpdir(), 'beamline-openapi-'));
});
afterAll(async () => {
  await closeApp(t);
  await rm(dir, { recursive: true, force: true });
});

describe('/openapi.json', () => {
  it('is a valid OpenAPI 3.1 document', async () => {
    const probe = spawnSync('python3', ['-c', 'import openapi_spec_validator'], { encoding: 'utf8' });
    expect(probe.status, `openapi-spec-validator is not installed; install it with:\n  ${INSTALL}\n${probe.stderr ?? ''}`).toBe(0);
    const res = await fetch(`${t.url}/openapi.json`);
    expect(res.status).toBe(200);
    const doc = (await res.json()) as { openapi: string };
    if (process.env.OPENAPI_DUMP) await writeFile(process.env.OPENAPI_DUMP, JSON.stringify(doc, null, 1));
    expect(doc.openapi).toMatch(/^3\.1\./);
    const file = join(dir, 'openapi.json');
    await writeFile(file, JSON.stringify(doc));
    // Not spawnSync: the app under test runs in this process, and a validator that takes a
    // while under load would freeze its event loop; the client then reuses a keep-alive
    // socket the server closes as soon as its loop runs again (ECONNRESET in the next test).
    const run = await promisify(execFile)('python3', ['-m', 'openapi_spec_validator', '--validation-errors', 'all', file], { encoding: 'utf8' }).then(
      (r) => ({ status: 0, ...r }),
      (e: { code?: number; stdout?: string; stderr?: string }) => ({ status: e.code ?? 1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' }),
    );
    expect(run.status, `${run.stdout}\n${run.stderr}`).toBe(0);
  });

  // What the validator does not demand but clients and fuzzers need.
  it('types every parameter and documents the problem+json errors', async () => {
    const doc = (await (await fetch(`${t.url}/openapi.json`)).json()) as Doc;
    expect(doc.components.securitySchemes.bearer.bearerFormat, 'API tokens are opaque, not JWTs').toBeUndefined();
    const untyped: string[] = [];
    const undocumented: string[] = [];
    for (const [path, item] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(item)) {
        const where = `${method.toUpperCase()} ${path}`;
        for (const p of op.parameters ?? []) if (!p.schema?.type) untyped.push(`${where} ${p.in}:${p.name}`);
        const errors = op.security?.length === 0 ? [] : ['401', '403'];
        if (path.includes('{')) errors.push('404');
        if (op.requestBody) errors.push('400', '413', '415');
        for (const status of errors) {
          const schema = op.responses[status]?.content?.['application/problem+json']?.schema;
          if (schema?.$ref !== '#/components/schemas/Problem') undocumented.push(`${where} ${status}`);
        }
      }
    }
    expect(untyped, 'parameters without a typed schema').toEqual([]);
    expect(undocumented, 'errors without the problem+json schema').toEqual([]);
    const submit = doc.paths['/v1/projects/{project}/training-jobs'].post;
    expect(Object.keys(submit.responses)).toEqual(expect.arrayContaining(['400', '409', '429']));
  });
});
