import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Batcher } from './batcher.js';
import { handleInfer } from './infer.handler.js';
import type { ModelMetrics, RuntimeMetrics } from './metrics.js';
import { RepositoryError, type ModelRepository } from './model-repository.js';
import { authorized } from './replica-auth.js';
import { v2Shape, type ModelSpec } from './validation.js';

export const SERVER_NAME = 'beamline';
export const SERVER_VERSION = '0.1.0';
const JSON_TYPE = 'application/json';

/** What the routes read; the CLI fills it as the model loads and as shutdown starts. */
export interface RuntimeState {
  spec?: ModelSpec;
  batcher?: Batcher;
  modelMetrics?: ModelMetrics;
  /** A multi-model replica (--models): models load on demand, `spec`/`batcher` stay unset. */
  repository?: ModelRepository;
  ready: boolean;
  draining: boolean;
  inflight: number;
  maxBodyBytes: number;
  /** The replica token the non-open routes require (replica-auth.ts); unset: no auth. */
  replicaToken?: string;
  metrics: RuntimeMetrics;
  warn: (message: string) => void;
  error: (message: string) => void;
}

const MODEL_ROUTE = /^\/v2\/models\/([^/]+)(?:\/versions\/([^/]+))?(\/ready|\/infer)?\/?$/;
const REPOSITORY_ROUTE = /^\/v2\/repository\/(?:(index)|models\/([^/]+)\/(load|unload))\/?$/;

/**
 * The V2 REST protocol on plain node:http: the hot path of every endpoint replica, so
 * no framework, no middleware chain, responses written in one call.
 */
export function createRuntimeServer(state: RuntimeState): Server {
  const server = createServer((req, res) => {
    route(state, req, res).catch((error: Error) => {
      state.error(`unhandled error on ${req.method} ${req.url}: ${error.stack ?? error.message}`);
      if (!res.headersSent) send(state, res, 500, { error: `internal error: ${error.message}` });
      else res.destroy();
    });
  });
  // Longer than common load-balancer idle timeouts, so the server never closes a
  // connection a proxy is about to reuse.
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  return server;
}

async function route(state: RuntimeState, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = req.url ?? '/';
  const path = url.includes('?') ? url.slice(0, url.indexOf('?')) : url;
  const method = req.method ?? 'GET';
  if (!authorized(req, path, state.replicaToken)) {
    req.resume();
    res.setHeader('www-authenticate', 'Bearer');
    return send(state, res, 401, { error: 'this replica needs its replica token (Authorization: Bearer ...); call it through the Beamline API' });
  }
  const match = MODEL_ROUTE.exec(path);
  if (match) return modelRoute(state, req, res, match);
  const repositoryMatch = REPOSITORY_ROUTE.exec(path);
  if (repositoryMatch) return repositoryRoute(state, req, res, repositoryMatch);
  if (method !== 'GET' && method !== 'HEAD') {
    req.resume();
    return send(state, res, path === '/metrics' || path.startsWith('/v2') ? 405 : 404, { error: `${method} ${path} is not a route of this server` });
  }
  switch (path) {
    case '/v2/health/live':
      return send(state, res, 200, { live: true });
    case '/v2/health/ready':
      return state.ready ? send(state, res, 200, { ready: true }) : send(state, res, 503, { error: notReadyReason(state) });
    case '/v2':
    case '/v2/':
      return send(state, res, 200, { name: SERVER_NAME, version: SERVER_VERSION, extensions: ['binary_tensor_data'] });
    case '/metrics': {
      const text = await state.metrics.registry.metrics();
      res.writeHead(200, { 'content-type': state.metrics.registry.contentType, 'content-length': Buffer.byteLength(text) });
      res.end(text);
      return;
    }
    default:
      return send(state, res, 404, { error: `no route ${path}` });
  }
}

async function modelRoute(state: RuntimeState, req: IncomingMessage, res: ServerResponse, match: RegExpExecArray): Promise<void> {
  const [, rawName, rawVersion, action] = match;
  const method = req.method ?? 'GET';
  const wantsPost = action === '/infer';
  if ((wantsPost && method !== 'POST') || (!wantsPost && method !== 'GET' && method !== 'HEAD')) {
    req.resume();
    return send(state, res, 405, { error: `${method} is not allowed here; use ${wantsPost ? 'POST' : 'GET'}` });
  }
  const name = safeDecode(rawName);
  const version = rawVersion === undefined ? undefined : safeDecode(rawVersion);
  if (state.repository && state.ready) return repositoryModelRoute(state, state.repository, req, res, name, version, action);
  const { spec, batcher, modelMetrics } = state;
  if (!spec || !batcher || !modelMetrics) {
    req.resume();
    return send(state, res, 503, { error: notReadyReason(state) });
  }
  if (name !== spec.name) {
    req.resume();
    return send(state, res, 404, { error: `unknown model '${name}'; this server serves '${spec.name}'` });
  }
  if (version !== undefined && version !== spec.version) {
    req.resume();
    return send(state, res, 404, { error: `unknown version '${version}' of model '${name}'; this server serves version ${spec.version}` });
  }
  if (action === '/ready') {
    return state.ready ? send(state, res, 200, { name: spec.name, ready: true }) : send(state, res, 503, { error: notReadyReason(state) });
  }
  if (!action) return send(state, res, 200, metadata(spec));
  return inferRoute(state, req, res, spec, batcher, modelMetrics);
}

function metadata(spec: ModelSpec) {
  return {
    name: spec.name,
    versions: [spec.version],
    platform: 'onnxruntime_onnx',
    inputs: spec.inputs.map((t) => ({ name: t.name, datatype: t.datatype, shape: v2Shape(t.shape) })),
    outputs: spec.outputs.map((t) => ({ name: t.name, datatype: t.datatype, shape: v2Shape(t.shape) })),
  };
}

/**
 * A model route of a multi-model replica: ready says whether the model is loaded now;
 * metadata and infer load it first when it is not (model-repository.ts), and hold it
 * while they run so it is not unloaded under them.
 */
async function repositoryModelRoute(state: RuntimeState, repository: ModelRepository, req: IncomingMessage, res: ServerResponse, name: string, version: string | undefined, action: string | undefined): Promise<void> {
  let lease;
  try {
    if (action === '/ready') {
      repository.find(name, version);
      req.resume();
      const entry = repository.index().find((m) => m.name === name)!;
      return entry.state === 'READY' ? send(state, res, 200, { name, ready: true }) : send(state, res, 503, { error: `model '${name}' is ${entry.state}: ${entry.reason}` });
    }
    lease = await repository.acquire(name, version);
  } catch (error) {
    req.resume();
    return sendRepositoryError(state, res, error);
  }
  try {
    if (!action) {
      req.resume();
      return send(state, res, 200, metadata(lease.spec));
    }
    await inferRoute(state, req, res, lease.spec, lease.batcher, lease.metrics);
  } finally {
    lease.release();
  }
}

/** `POST /v2/repository/index`, `POST /v2/repository/models/{name}/load` and `.../unload` (Triton's model repository extension). */
async function repositoryRoute(state: RuntimeState, req: IncomingMessage, res: ServerResponse, match: RegExpExecArray): Promise<void> {
  req.resume();
  const method = req.method ?? 'GET';
  if (method !== 'POST') return send(state, res, 405, { error: `${method} is not allowed here; use POST` });
  const repository = state.repository;
  if (!repository) return send(state, res, 404, { error: 'this replica serves one model (--model); the repository API is for multi-model replicas (--models)' });
  if (!state.ready) return send(state, res, 503, { error: notReadyReason(state) });
  const [, index, rawName, verb] = match;
  if (index) return send(state, res, 200, repository.index());
  try {
    const name = safeDecode(rawName);
    await (verb === 'load' ? repository.load(name) : repository.unload(name));
    return send(state, res, 200, {});
  } catch (error) {
    return sendRepositoryError(state, res, error);
  }
}

function sendRepositoryError(state: RuntimeState, res: ServerResponse, error: unknown): void {
  if (!(error instanceof RepositoryError)) throw error;
  if (error.status >= 500) state.error(error.message);
  if (error.retryAfter !== undefined) res.setHeader('retry-after', String(error.retryAfter));
  return send(state, res, error.status, { error: error.message });
}

async function inferRoute(state: RuntimeState, req: IncomingMessage, res: ServerResponse, spec: ModelSpec, batcher: Batcher, modelMetrics: ModelMetrics): Promise<void> {
  // Infer. Requests keep being served while draining: the load balancer may still
  // route some here until it sees the failed readiness probe.
  state.inflight++;
  modelMetrics.inflight.inc();
  try {
    const body = await readBody(req, state.maxBodyBytes);
    if (body === 'too-large') {
      modelMetrics.badRequest.inc();
      res.shouldKeepAlive = false;
      return send(state, res, 413, { error: `the body is larger than the ${state.maxBodyBytes} bytes this server accepts` });
    }
    const result = await handleInfer({ spec, batcher, metrics: modelMetrics, warn: state.warn }, body, headerValue(req, 'inference-header-content-length'));
    if (result.error !== undefined) {
      if (result.status >= 500) state.error(result.error);
      return send(state, res, result.status, { error: result.error });
    }
    const encoded = result.response!;
    const headers: Record<string, string | number> = {
      'content-type': encoded.headerLength === undefined ? JSON_TYPE : 'application/octet-stream',
      'content-length': encoded.body.length,
    };
    if (encoded.headerLength !== undefined) headers['inference-header-content-length'] = encoded.headerLength;
    if (state.draining) headers.connection = 'close';
    res.writeHead(200, headers);
    res.end(encoded.body);
  } finally {
    state.inflight--;
    modelMetrics.inflight.dec();
  }
}

/**
 * Reads the body up to `limit` bytes. Past it (or a Content-Length above it) the rest is
 * discarded and 'too-large' returned, so the 413 answers an intact connection.
 */
function readBody(req: IncomingMessage, limit: number): Promise<Buffer | 'too-large'> {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > limit) {
    req.resume();
    return Promise.resolve('too-large');
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let over = false;
    req.on('data', (chunk: Buffer) => {
      if (over) return;
      size += chunk.length;
      if (size > limit) {
        over = true;
        chunks.length = 0;
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(over ? 'too-large' : chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, size)));
    req.on('error', reject);
  });
}

function headerValue(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

function notReadyReason(state: RuntimeState): string {
  return state.draining ? 'the server is shutting down' : 'the model is loading';
}

function send(state: RuntimeState, res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  const headers: Record<string, string | number> = { 'content-type': JSON_TYPE, 'content-length': Buffer.byteLength(text) };
  if (state.draining || !res.shouldKeepAlive) headers.connection = 'close';
  res.writeHead(status, headers);
  res.end(res.req.method === 'HEAD' ? undefined : text);
}
