import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PassThrough } from 'node:stream';
import type { Request, Response } from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppConfig } from '../../common/config/config.schema.js';
import { AppError, ErrorCode } from '../../common/errors/app-error.js';
import { EndpointProxy } from './endpoint-proxy.js';
import type { EndpointRouter, Route } from './endpoint-router.js';
import type { EndpointsMetrics } from './endpoints.metrics.js';
import type { ReplicaTokens } from './replica-tokens.js';

const project = { id: 'p1', name: 'vision' } as never;

/** A strict router that always offers the same replicas (what the driver observed). */
function router(upstreams: string[]): EndpointRouter {
  const route: Route = { endpointId: 'e1', modelName: 'm', upstreams } as Route;
  return {
    route: async () => route,
    pick: (r: Route, skip: Set<string>) => r.upstreams.find((u) => !skip.has(u)),
    invalidate: () => undefined,
  } as unknown as EndpointRouter;
}
const codes: string[] = [];
const metrics = {
  proxyRequests: { inc: (labels: { code: string }) => void codes.push(labels.code) },
  proxyDuration: { observe: () => undefined },
} as unknown as EndpointsMetrics;
const tokens = { forEndpoint: async () => 'replica-token' } as unknown as ReplicaTokens;

function proxyTo(upstreams: string[]): EndpointProxy {
  const proxy = new EndpointProxy({ BEAMLINE_BODY_LIMIT: 1024 } as AppConfig, router(upstreams), metrics, tokens);
  proxy.waitMs = 300;
  return proxy;
}
function inferRequest(): Request {
  const req = Object.assign(new PassThrough(), { method: 'POST', originalUrl: '/v1/projects/vision/endpoints/e/infer', headers: { 'content-type': 'application/json' } });
  req.end('{"inputs":[]}');
  return req as unknown as Request;
}
function response() {
  const headers: Record<string, unknown> = {};
  const res = Object.assign(new PassThrough(), {
    statusCode: 0,
    status(code: number) {
      res.statusCode = code;
      return res;
    },
    setHeader(name: string, value: unknown) {
      headers[name.toLowerCase()] = value;
    },
  });
  return { res: res as unknown as Response, headers, body: () => res.read()?.toString() as string | undefined, status: () => res.statusCode };
}
const unavailable = (reason: RegExp) => expect.objectContaining({ code: ErrorCode.Unavailable, message: expect.stringMatching(reason) });

// Issue 20, item 4: a replica the API cannot reach is a 503 with the reason, not a 500.
describe('endpoint proxy: unreachable replicas', () => {
  let live: Server;
  let liveUrl: string;
  let closedUrl: string;
  beforeAll(async () => {
    live = createServer((_, res) => res.writeHead(200, { 'content-type': 'application/json' }).end('{"outputs":[]}'));
    await new Promise<void>((r) => live.listen(0, '127.0.0.1', r));
    liveUrl = `http://127.0.0.1:${(live.address() as AddressInfo).port}`;
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    closedUrl = `http://127.0.0.1:${(closed.address() as AddressInfo).port}`;
    await new Promise((r) => closed.close(r));
  });
  afterAll(() => new Promise((r) => live.close(r)));

  it('answers 503 naming the replica and why when its service name does not resolve (API outside the cluster)', async () => {
    // `.invalid` never resolves (RFC 6761): what a `*.svc` name does outside the cluster.
    const upstream = 'http://ep-e1.beamline-jobs.svc.invalid:8000';
    const { res, headers } = response();
    const error = await proxyTo([upstream]).forward(project, 'e', undefined, inferRequest(), res).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AppError);
    expect(error).toEqual(unavailable(/ep-e1\.beamline-jobs\.svc\.invalid:8000.*(ENOTFOUND|EAI_AGAIN).*resolve/));
    expect(headers['retry-after']).toBe('1');
    expect(codes.at(-1)).toBe('503');
  });

  it('answers 503 with ECONNREFUSED when nothing listens', async () => {
    const { res } = response();
    const error = await proxyTo([closedUrl]).forward(project, 'e', undefined, inferRequest(), res).catch((e: unknown) => e);
    expect(error).toEqual(unavailable(/ECONNREFUSED, it refused the connection/));
  });

  it('skips an unresolvable replica and answers from a reachable one', async () => {
    const { res, body, status } = response();
    await proxyTo(['http://gone.svc.invalid:8000', liveUrl]).forward(project, 'e', undefined, inferRequest(), res);
    await new Promise((r) => setImmediate(r));
    expect(status()).toBe(200);
    expect(body()).toBe('{"outputs":[]}');
  });
});
