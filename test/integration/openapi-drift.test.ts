import { readFile, writeFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OPENAPI_TYPES_PATH, REGENERATE_COMMAND, openapiTypes } from '../../sdk/ts/scripts/openapi-types.js';
import { startTestApp, type TestApp } from '../helpers/test-app.js';

/**
 * The SDK's checked-in types must be what openapi-typescript makes of the live
 * /openapi.json; otherwise an API change went out without the SDK noticing.
 * UPDATE_OPENAPI=1 rewrites the file instead of failing.
 */
let t: TestApp;
beforeAll(async () => {
  t = await startTestApp({ role: 'api' });
});
afterAll(() => t?.close());

describe('OpenAPI types of @beamline/sdk', () => {
  it('match the live /openapi.json', async () => {
    const res = await fetch(`${t.url}/openapi.json`);
    expect(res.status).toBe(200);
    const generated = await openapiTypes(await res.json());
    if (process.env.UPDATE_OPENAPI === '1') {
      await writeFile(OPENAPI_TYPES_PATH, generated);
      return;
    }
    const checkedIn = await readFile(OPENAPI_TYPES_PATH, 'utf8').catch(() => '');
    expect(checkedIn === generated, `${OPENAPI_TYPES_PATH} is stale; regenerate it with:\n  ${REGENERATE_COMMAND}`).toBe(true);
  });
});
