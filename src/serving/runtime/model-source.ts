import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { variablesSchema, type Variables } from '../../models/variables.js';
import type { RangePolicy } from './validation.js';

/** Where the model file is on disk and what the registry says about it. */
export interface ResolvedModel {
  path: string;
  name: string;
  version: string;
  variables?: Variables;
  /** From a version tag `range-policy=warn|refuse`, when the version has one. */
  rangePolicy?: RangePolicy;
  source: 'local' | 'download' | 'cache';
}

export interface SourceOptions {
  model: string;
  token?: string;
  cacheDir: string;
  variables?: string;
  log: (message: string) => void;
}

const VERSION_URL = /^(https?:\/\/.+\/v1\/projects\/[^/]+\/models\/[^/]+\/versions\/[^/]+?)(\/artifact)?\/?$/;

/** A registry version as the runtime reads it (a subset of the registry's VersionView). */
interface VersionView {
  model: string;
  version: number;
  status: string;
  tags: string[];
  variables: unknown;
  artifact: { sha256: string; downloadUrl: string } | null;
}

export async function resolveModel(options: SourceOptions): Promise<ResolvedModel> {
  if (/^https?:\/\//.test(options.model)) return fromRegistry(options);
  await stat(options.model).catch(() => {
    throw new Error(`--model ${options.model}: no such file (give a registry version URL or a local .onnx path)`);
  });
  const variables = options.variables ? parseVariables(JSON.parse(await readFile(options.variables, 'utf8'))) : undefined;
  return { path: options.model, name: basename(options.model).replace(/\.onnx$/i, ''), version: '1', variables, source: 'local' };
}

/**
 * From the registry:
 *   1. read the version (signature, variables, tags, artifact sha256) with the token;
 *      when the registry cannot be reached, fall back to the last answer kept on disk;
 *   2. use the cached blob `<cacheDir>/sha256/<digest>.onnx` when its bytes hash right;
 *   3. otherwise download to a temporary file, hashing as it streams, and rename it
 *      into place only when the digest matches, so a cut download never poisons the cache.
 */
async function fromRegistry(options: SourceOptions): Promise<ResolvedModel> {
  const match = VERSION_URL.exec(options.model);
  if (!match) throw new Error(`--model ${options.model}: expected .../v1/projects/{project}/models/{name}/versions/{version}[/artifact]`);
  const versionUrl = match[1];
  const headers: Record<string, string> = options.token ? { authorization: `Bearer ${options.token}` } : {};
  const refFile = join(options.cacheDir, 'refs', `${sha256(versionUrl)}.json`);
  let view: VersionView;
  try {
    const res = await fetch(versionUrl, { headers });
    if (!res.ok) throw new RegistryError(`the registry answered ${res.status} for ${versionUrl}: ${(await res.text()).slice(0, 500)}`);
    view = (await res.json()) as VersionView;
    await mkdir(join(options.cacheDir, 'refs'), { recursive: true });
    await writeFile(refFile, JSON.stringify(view));
  } catch (error) {
    if (error instanceof RegistryError) throw error;
    const kept = await readFile(refFile, 'utf8').catch(() => undefined);
    if (!kept) throw new Error(`cannot reach the registry at ${versionUrl}: ${(error as Error).message}`);
    options.log(`registry unreachable (${(error as Error).message}); using the cached description of ${versionUrl}`);
    view = JSON.parse(kept) as VersionView;
  }
  if (view.status !== 'Ready' || !view.artifact) throw new Error(`version ${view.version} of ${view.model} has no artifact yet (status ${view.status})`);
  const digest = view.artifact.sha256;
  const blob = join(options.cacheDir, 'sha256', `${digest}.onnx`);
  let source: ResolvedModel['source'] = 'cache';
  if ((await fileSha256(blob)) !== digest) {
    await download(new URL(view.artifact.downloadUrl, versionUrl).toString(), headers, blob, digest);
    source = 'download';
  }
  const policyTag = (view.tags ?? []).find((t) => /^range-policy=(warn|refuse)$/.test(t));
  return {
    path: blob,
    name: view.model,
    version: String(view.version),
    variables: view.variables ? parseVariables(view.variables) : undefined,
    rangePolicy: policyTag ? (policyTag.split('=')[1] as RangePolicy) : undefined,
    source,
  };
}

class RegistryError extends Error {}

async function download(url: string, headers: Record<string, string>, target: string, digest: string): Promise<void> {
  const res = await fetch(url, { headers });
  if (!res.ok || !res.body) throw new Error(`downloading ${url} failed: ${res.status} ${(await res.text()).slice(0, 500)}`);
  await mkdir(join(target, '..'), { recursive: true });
  const temp = `${target}.${randomBytes(6).toString('hex')}.part`;
  const hash = createHash('sha256');
  const tap = new Transform({
    transform(chunk: Buffer, _enc, done) {
      hash.update(chunk);
      done(null, chunk);
    },
  });
  try {
    await pipeline(Readable.fromWeb(res.body as import('node:stream/web').ReadableStream), tap, createWriteStream(temp));
    const got = hash.digest('hex');
    if (got !== digest) throw new Error(`the artifact from ${url} has sha256 ${got}; the registry recorded ${digest}`);
    await rename(temp, target);
  } finally {
    await rm(temp, { force: true });
  }
}

async function fileSha256(path: string): Promise<string | undefined> {
  const hash = createHash('sha256');
  try {
    await pipeline(createReadStream(path), hash);
  } catch {
    return undefined;
  }
  return hash.digest('hex');
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

function parseVariables(raw: unknown): Variables {
  const parsed = variablesSchema.safeParse(raw);
  if (!parsed.success) throw new Error(`variable metadata is invalid: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  return parsed.data;
}
