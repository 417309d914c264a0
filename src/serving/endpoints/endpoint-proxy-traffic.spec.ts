import { PassThrough, Readable } from 'node:stream';
import type { Request, Response } from 'express';
import { describe, expect, it } from 'vitest';
import type { AppConfig } from '../../common/config/config.schema.js';
import { EndpointProxy } from './endpoint-proxy.js';
import type { EndpointRouter, Route } from './endpoint-router.js';
import type { EndpointsMetrics } from './endpoints.metrics.js';
import type { CanaryStats } from './endpoint-traffic-stats.js';
import type { ReplicaAccess, ReplicaRequest } from './replica-access.js';
import type { ReplicaTokens } from './replica-tokens.js';

const project = { id: 'p1', name: 'vision' } as never;

/** Serves `route` as is; picks the first usable upstream. */
function router(route: Route): EndpointRouter {
  return { route: async () => route, pick: (r: Route, skip: Set<string>) => r.upstreams.find((u) => !skip.has(u)), invalidate: () => undefined } as unknown as EndpointRouter;
}

/** Every replica answers 200 with its own name; records who got what. */
function access(slowShadow = false) {
  const calls: { upstream: string; path: string }[] = [];
  let releaseShadow: () => void = () => undefined;
  const shadowHeld = new Promise<void>((r) => (releaseShadow = r));
  const a: ReplicaAccess = {
    mode: 'direct',
    send: async (upstream: string, request: ReplicaRequest) => {
      calls.push({ upstream, path: request.path });
      if (slowShadow && upstream.includes('shadow')) await shadowHeld;
      return { statusCode: upstream.includes('canary') ? 500 : 200, headers: {}, body: Readable.from([Buffer.from(upstream)]) };
    },
  };
  return { access: a, calls, releaseShadow };
}

function setup(route: Route, slowShadow = false) {
  const tracks: { track: string; code: string }[] = [];
  const stats: { round: number; track: string; status: number }[] = [];
  const metrics = {
    proxyRequests: { inc: () => undefined },
    proxyDuration: { observe: () => undefined },
    trackRequests: { inc: (l: { track: string; code: string }) => void tracks.push({ track: l.track, code: l.code }) },
    trackDuration: { observe: () => undefined },
  } as unknown as EndpointsMetrics;
  const canaryStats = { record: (_id: string, round: number, track: string, status: number) => void stats.push({ round, track, status }) } as unknown as CanaryStats;
  const proxy = new EndpointProxy({ BEAMLINE_BODY_LIMIT: 1024 } as AppConfig, router(route), metrics, { forEndpoint: async () => 't' } as unknown as ReplicaTokens, undefined, canaryStats);
  const replicas = access(slowShadow);
  proxy.access = replicas.access;
  return { proxy, tracks, stats, ...replicas };
}

async function call(proxy: EndpointProxy): Promise<{ status: number; body: string }> {
  const req = Object.assign(new PassThrough(), { method: 'POST', originalUrl: '/v1/projects/vision/endpoints/e/infer', headers: { 'content-type': 'application/json' } });
  req.end('{"inputs":[]}');
  const res = Object.assign(new PassThrough(), { statusCode: 0, status: (c: number) => ((res.statusCode = c), res), setHeader: () => undefined });
  await proxy.forward(project, 'e', undefined, req as unknown as Request, res as unknown as Response);
  await new Promise((r) => setImmediate(r));
  return { status: res.statusCode, body: String(res.read() ?? '') };
}

const base: Route = { endpointId: 'e1', modelName: 'm', upstreams: ['http://stable'] };

describe('endpoint proxy: canary split', () => {
  it('percent 100 sends every request to the canary, and counts it in its round', async () => {
    const { proxy, calls, stats, tracks } = setup({ ...base, canary: { revision: 7, modelName: 'm', percent: 100, upstreams: ['http://canary'] } });
    for (let i = 0; i < 5; i++) expect(await call(proxy)).toEqual({ status: 500, body: 'http://canary' });
    expect(calls.map((c) => c.upstream)).toEqual(Array(5).fill('http://canary'));
    expect(stats).toEqual(Array(5).fill({ round: 7, track: 'canary', status: 500 }));
    expect(tracks.every((t) => t.track === 'canary' && t.code === '500')).toBe(true);
  });

  it('percent 0 sends none; a canary with no ready replica leaves its share to stable', async () => {
    for (const canary of [{ revision: 7, modelName: 'm', percent: 0, upstreams: ['http://canary'] }, { revision: 7, modelName: 'm', percent: 100, upstreams: [] }]) {
      const { proxy, calls, stats } = setup({ ...base, canary });
      expect(await call(proxy)).toEqual({ status: 200, body: 'http://stable' });
      expect(calls.map((c) => c.upstream)).toEqual(['http://stable']);
      expect(stats).toEqual([{ round: 7, track: 'stable', status: 200 }]);
    }
  });

  it('without canary or shadow nothing is counted per track', async () => {
    const { proxy, stats, tracks } = setup(base);
    await call(proxy);
    expect(stats).toEqual([]);
    expect(tracks).toEqual([]);
  });
});

describe('endpoint proxy: shadow', () => {
  it('copies the request to the shadow’s model, answers from stable without waiting for the shadow', async () => {
    const { proxy, calls, tracks, releaseShadow } = setup({ ...base, shadow: { revision: 3, modelName: 'other', percent: 100, upstreams: ['http://shadow'] } }, true);
    expect(await call(proxy)).toEqual({ status: 200, body: 'http://stable' });
    // The shadow's answer is still held: the caller already has stable's.
    expect(calls).toEqual([{ upstream: 'http://stable', path: '/v2/models/m/infer' }, { upstream: 'http://shadow', path: '/v2/models/other/infer' }]);
    expect(tracks.filter((t) => t.track === 'shadow')).toEqual([]);
    releaseShadow();
    await new Promise((r) => setTimeout(r, 10));
    expect(tracks).toContainEqual({ track: 'shadow', code: '200' });
    expect(tracks).toContainEqual({ track: 'stable', code: '200' });
  });

  it('percent 0 copies nothing; no ready shadow replica is counted as unavailable', async () => {
    const none = setup({ ...base, shadow: { revision: 3, modelName: 'm', percent: 0, upstreams: ['http://shadow'] } });
    await call(none.proxy);
    expect(none.calls.map((c) => c.upstream)).toEqual(['http://stable']);
    const down = setup({ ...base, shadow: { revision: 3, modelName: 'm', percent: 100, upstreams: [] } });
    expect(await call(down.proxy)).toEqual({ status: 200, body: 'http://stable' });
    expect(down.tracks).toContainEqual({ track: 'shadow', code: 'unavailable' });
  });
});
