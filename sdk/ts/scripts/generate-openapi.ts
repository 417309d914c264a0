/**
 * npm run sdk:openapi -- [--url http://127.0.0.1:8080 | --file openapi.json]
 * Reads the OpenAPI document of a running platform (it starts nothing itself, so the
 * types describe exactly what a real server serves) and rewrites sdk/ts/src/openapi.d.ts.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { OPENAPI_TYPES_PATH, openapiTypes } from './openapi-types.js';

const { values } = parseArgs({ options: { url: { type: 'string' }, file: { type: 'string' } } });

async function readDocument(): Promise<unknown> {
  if (values.file) return JSON.parse(await readFile(values.file, 'utf8'));
  const base = (values.url ?? process.env.BEAMLINE_URL ?? 'http://127.0.0.1:8080').replace(/\/+$/, '');
  const res = await fetch(`${base}/openapi.json`);
  if (!res.ok) throw new Error(`GET ${base}/openapi.json answered ${res.status}`);
  return res.json();
}

const text = await openapiTypes(await readDocument());
await writeFile(OPENAPI_TYPES_PATH, text);
process.stdout.write(`wrote ${OPENAPI_TYPES_PATH}\n`);
