import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PassThrough, Readable } from 'node:stream';
import type { Request, Response } from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppConfig } from '../../common/config/config.schema.js';
import { AppError, ErrorCode } from '../../common/errors/app-error.js';
import { EndpointProxy, STREAM_BODY_ABOVE } from './endpoint-proxy.js';
import type { EndpointRouter, Route } from './endpoint-router.js';
import type { EndpointsMetrics } from './endpoints.metrics.js';
import { ReplicaPathError, replicaAccessMode, type ReplicaAccess, type ReplicaRequest } from './replica-access.js';
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
    // With a content-length, as the runtime answers infer (runtime/server.ts).
    live = createServer((_, res) => res.writeHead(200, { 'content-type': 'application/json', 'content-length': 14 }).end('{"outputs":[]}'));
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

  it("passes the replica's content-length back, so the caller's answer needs no chunked framing", async () => {
    const { res, headers, body } = response();
    await proxyTo([liveUrl]).forward(project, 'e', undefined, inferRequest(), res);
    await new Promise((r) => setImmediate(r));
    expect(body()).toBe('{"outputs":[]}');
    expect(headers['content-length']).toBe(String('{"outputs":[]}'.length));
  });

  it('reaches a replica directly with the path, the body, its length and the replica token (not the caller\'s)', async () => {
    const seen: Array<{ url?: string; headers: Record<string, unknown>; body: string }> = [];
    const recorder = createServer((req, res) => {
      let text = '';
      req.on('data', (c: Buffer) => (text += c.toString())).on('end', () => {
        seen.push({ url: req.url, headers: req.headers, body: text });
        res.writeHead(200, { 'content-type': 'application/json' }).end('{"outputs":[]}');
      });
    });
    await new Promise<void>((r) => recorder.listen(0, '127.0.0.1', r));
    try {
      const req = inferRequest();
      Object.assign(req.headers, { authorization: 'Bearer caller-token', 'x-request-id': 'r-1' });
      await proxyTo([`http://127.0.0.1:${(recorder.address() as AddressInfo).port}`]).forward(project, 'e', undefined, req, response().res);
      expect(seen).toEqual([
        {
          url: '/v2/models/m/infer',
          body: '{"inputs":[]}',
          headers: expect.objectContaining({ authorization: 'Bearer replica-token', 'content-length': '13', 'content-type': 'application/json', 'x-request-id': 'r-1' }),
        },
      ]);
    } finally {
      await new Promise((r) => recorder.close(r));
    }
  });

  it('skips an unresolvable replica and answers from a reachable one', async () => {
    const { res, body, status } = response();
    await proxyTo(['http://gone.svc.invalid:8000', liveUrl]).forward(project, 'e', undefined, inferRequest(), res);
    await new Promise((r) => setImmediate(r));
    expect(status()).toBe(200);
    expect(body()).toBe('{"outputs":[]}');
  });
});

// Issue 13, item 3: the access (direct or the API server's service proxy) is a seam; its failures keep the 503 mapping.
describe('endpoint proxy: replica access', () => {
  const upstream = 'http://ep-p-e.ns.svc:8080';
  function withAccess(send: ReplicaAccess['send']): EndpointProxy {
    const proxy = proxyTo([upstream]);
    proxy.access = { mode: 'api-proxy', send };
    return proxy;
  }

  it('hands the access the allowed path, the forwarded headers and the replica token', async () => {
    const seen: ReplicaRequest[] = [];
    const proxy = withAccess(async (u, r) => {
      expect(u).toBe(upstream);
      seen.push(r);
      return { statusCode: 200, headers: { 'content-type': 'application/json' }, body: Readable.from(['{"outputs":[]}']) };
    });
    const { res, status } = response();
    await proxy.forward(project, 'e', undefined, inferRequest(), res);
    expect(status()).toBe(200);
    expect(seen[0]).toMatchObject({ method: 'POST', path: '/v2/models/m/infer', headers: { 'content-type': 'application/json' }, replicaToken: 'replica-token' });
    expect(seen[0].body.toString()).toBe('{"inputs":[]}');
  });

  it('answers 503 at once, with the reason, when the way there is refused (RBAC)', async () => {
    let calls = 0;
    const proxy = withAccess(async () => {
      calls++;
      throw new ReplicaPathError('the Kubernetes API server refused to proxy to it (403 Forbidden: nope)', 'EAPIREFUSED', false);
    });
    const error = await proxy.forward(project, 'e', undefined, inferRequest(), response().res).catch((e: unknown) => e);
    expect(error).toEqual(unavailable(/ep-p-e\.ns\.svc:8080: the Kubernetes API server refused to proxy.*403 Forbidden/));
    expect(calls).toBe(1);
    expect(codes.at(-1)).toBe('503');
  });

  it('keeps trying a retryable failure until the deadline, then 503 naming it', async () => {
    let calls = 0;
    const proxy = withAccess(async () => {
      calls++;
      throw new ReplicaPathError('the Kubernetes API server could not reach a replica (503 ServiceUnavailable: no endpoints available for service "ep-p-e")', 'ESERVICEPROXY', true);
    });
    const { res, headers } = response();
    const error = await proxy.forward(project, 'e', undefined, inferRequest(), res).catch((e: unknown) => e);
    expect(error).toEqual(unavailable(/has no ready replica .*no endpoints available/));
    expect(calls).toBeGreaterThan(1);
    expect(headers['retry-after']).toBe('1');
  });
});

describe('replicaAccessMode', () => {
  it.each([
    ['local', 'auto', undefined, 'direct'],
    ['local', 'api-proxy', undefined, 'direct'],
    ['kubernetes', 'auto', '10.0.0.1', 'direct'],
    ['kubernetes', 'auto', undefined, 'api-proxy'],
    ['kubernetes', 'direct', undefined, 'direct'],
    ['kubernetes', 'api-proxy', '10.0.0.1', 'api-proxy'],
  ] as const)('driver %s, BEAMLINE_K8S_REPLICA_ACCESS=%s, KUBERNETES_SERVICE_HOST=%s → %s', (driver, setting, host, mode) => {
    const chosen = replicaAccessMode({ BEAMLINE_CLUSTER_DRIVER: driver, BEAMLINE_K8S_REPLICA_ACCESS: setting, KUBERNETES_SERVICE_HOST: host });
    expect(chosen.mode).toBe(mode);
    expect(chosen.why).not.toBe('');
  });
});

// Issue 18, item 3: an autoscaled endpoint with no ready replica holds the request (bounded).
describe('endpoint proxy: holding requests for an autoscaled endpoint at zero', () => {
  const config = { BEAMLINE_BODY_LIMIT: 1024, BEAMLINE_ENDPOINT_HOLD_QUEUE: 1, BEAMLINE_ENDPOINT_HOLD_TIMEOUT_MS: 400 } as AppConfig;
  const gauges = { ...metrics, proxyInFlight: { inc: () => undefined, dec: () => undefined }, proxyHeld: { inc: () => undefined, dec: () => undefined } } as unknown as EndpointsMetrics;
  /** The demand tracker's contract: a place in the queue while there is room. */
  function demand() {
    let held = 0;
    const calls: string[] = [];
    return {
      calls,
      enter: () => (calls.push('enter'), () => undefined),
      hold: () => {
        if (held >= 1) return undefined;
        held++;
        calls.push('hold');
        return () => void held--;
      },
    };
  }
  const autoscaled = (upstreams: string[]): EndpointRouter => {
    const r = router(upstreams);
    return { ...r, route: async () => ({ endpointId: 'e1', modelName: 'm', upstreams, autoscaled: true }) } as unknown as EndpointRouter;
  };

  it('waits the hold timeout, not the usual 5 s, then 503 with Retry-After saying why', async () => {
    const d = demand();
    const proxy = new EndpointProxy(config, autoscaled([]), gauges, tokens, d as never);
    proxy.waitMs = 50;
    const { res, headers } = response();
    const began = Date.now();
    await expect(proxy.forward(project, 'e', undefined, inferRequest(), res)).rejects.toEqual(unavailable(/none became ready within 400 ms .*BEAMLINE_ENDPOINT_HOLD_TIMEOUT_MS/));
    expect(Date.now() - began).toBeGreaterThanOrEqual(350);
    expect(headers['retry-after']).toBe('1');
    expect(d.calls).toEqual(['enter', 'hold']);
  });

  it('refuses at once beyond the queue bound, naming it', async () => {
    const d = demand();
    d.hold(); // the one place is taken
    const proxy = new EndpointProxy(config, autoscaled([]), gauges, tokens, d as never);
    const { res, headers } = response();
    await expect(proxy.forward(project, 'e', undefined, inferRequest(), res)).rejects.toEqual(unavailable(/hold queue is full \(1 requests already wait.*BEAMLINE_ENDPOINT_HOLD_QUEUE/));
    expect(headers['retry-after']).toBe('1');
  });
});

// Issue 18, item 2: a large body is piped to the replica, not read whole; retried only while no byte of it left.
describe('endpoint proxy: streamed bodies', () => {
  const size = STREAM_BODY_ABOVE + 4096;
  const payload = Buffer.alloc(size, 'x');
  let received: Array<{ upstream: string; bytes: number }>;
  let firstChunk: () => void;
  const servers: Server[] = [];
  async function replica(onRequest: (req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse) => void): Promise<string> {
    const server = createServer(onRequest);
    servers.push(server);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }
  /** Counts what arrives; answers once the whole body is in. */
  const recording = (name: string) => (req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse) => {
    let bytes = 0;
    req.on('data', (c: Buffer) => {
      if (bytes === 0) firstChunk();
      bytes += c.length;
    });
    req.on('end', () => {
      received.push({ upstream: name, bytes });
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': 14 }).end('{"outputs":[]}');
    });
  };
  /** A caller's request with a declared length; the test decides when the body is written. */
  function largeRequest(): PassThrough & Request {
    return Object.assign(new PassThrough(), { method: 'POST', originalUrl: '/v1/projects/vision/endpoints/e/infer', headers: { 'content-type': 'application/json', 'content-length': String(size) } }) as unknown as PassThrough & Request;
  }
  beforeAll(() => {
    received = [];
  });
  afterAll(async () => {
    await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
  });

  it('reaches the replica before the caller has sent the whole body, and delivers all of it', async () => {
    const url = await replica(recording('a'));
    const arrived = new Promise<void>((r) => (firstChunk = r));
    const req = largeRequest();
    const { res, body } = response();
    const forwarded = proxyTo([url]).forward(project, 'e', undefined, req, res);
    req.write(payload.subarray(0, 1000));
    await arrived; // with the body read whole first, nothing would reach the replica before end()
    req.end(payload.subarray(1000));
    await forwarded;
    await new Promise((r) => setImmediate(r));
    expect(body()).toBe('{"outputs":[]}');
    expect(received.at(-1)).toEqual({ upstream: 'a', bytes: size });
  });

  it('tries the next replica with the whole body when the first refuses the connection', async () => {
    const closed = await replica(() => undefined);
    await new Promise((r) => servers.at(-1)!.close(r));
    const url = await replica(recording('b'));
    firstChunk = () => undefined;
    const req = largeRequest();
    req.end(payload);
    const { res, status } = response();
    await proxyTo([closed, url]).forward(project, 'e', undefined, req, res);
    expect(status()).toBe(200);
    expect(received.at(-1)).toEqual({ upstream: 'b', bytes: size });
  });

  it('answers 503 and resends nothing when the connection fails after the body began to flow', async () => {
    const resetting = await replica((req) => req.once('data', () => req.socket.destroy()));
    const url = await replica(recording('c'));
    const before = received.length;
    const req = largeRequest();
    req.end(payload);
    const error = await proxyTo([resetting, url]).forward(project, 'e', undefined, req, response().res).catch((e: unknown) => e);
    expect(error).toEqual(unavailable(/after the streamed request body began to go out; it cannot be sent again/));
    expect(received.length).toBe(before);
  });

  it('refuses a declared length above the limit with 413 before reading it', async () => {
    const req = largeRequest();
    req.headers['content-length'] = String(65 * 1024 * 1024);
    const error = await proxyTo(['http://127.0.0.1:9']).forward(project, 'e', undefined, req, response().res).catch((e: unknown) => e);
    expect(error).toEqual(expect.objectContaining({ code: ErrorCode.PayloadTooLarge }));
  });
});
