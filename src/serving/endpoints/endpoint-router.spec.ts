import { describe, expect, it } from 'vitest';
import { EndpointRouter, type Route } from './endpoint-router.js';
import type { EndpointsRepository } from './endpoints.repository.js';

// pick() reads no repository: a repository that any call would fail on.
const router = new EndpointRouter(new Proxy({}, { get: (_t, p) => { throw new Error(`unexpected repository call ${String(p)}`); } }) as EndpointsRepository);
const upstreams = ['http://127.0.0.1:4001', 'http://127.0.0.1:4002', 'http://127.0.0.1:4003', 'http://127.0.0.1:4004'];
const route = (list: string[]): Route => ({ endpointId: 'e', modelName: 'm', upstreams: list, multiModel: true });

describe('EndpointRouter.pick by model name (multi-model endpoints)', () => {
  it('sends one model to the same replica every time, whatever the upstreams\' order', () => {
    const first = router.pick(route(upstreams), new Set(), 'surrogate-a');
    for (let i = 0; i < 10; i++) expect(router.pick(route(i % 2 ? [...upstreams].reverse() : upstreams), new Set(), 'surrogate-a')).toBe(first);
  });

  it('moves only the models of a replica that failed or left', () => {
    const names = Array.from({ length: 40 }, (_, i) => `model-${i}`);
    const before = new Map(names.map((n) => [n, router.pick(route(upstreams), new Set(), n)]));
    const gone = upstreams[1];
    for (const n of names) {
      const after = router.pick(route(upstreams), new Set([gone]), n);
      if (before.get(n) !== gone) expect(after).toBe(before.get(n));
      else expect(after).not.toBe(gone);
    }
  });

  it('spreads many models over every replica', () => {
    const used = new Set(Array.from({ length: 40 }, (_, i) => router.pick(route(upstreams), new Set(), `model-${i}`)));
    expect(used).toEqual(new Set(upstreams));
  });

  it('without a key, goes round-robin', () => {
    const picks = new Set(Array.from({ length: 8 }, () => router.pick(route(upstreams), new Set())));
    expect(picks.size).toBe(upstreams.length);
  });
});
