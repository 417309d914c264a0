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

describe('EndpointRouter.route reads', () => {
  const project = { id: 'p1', name: 'vision' } as never;
  const row = (port: number) => ({ id: 'e1', phase: 'Complete', model: { name: 'm' }, autoscaling: null, canary: null, shadow: null, multiModel: false, observed: { upstreams: [`http://127.0.0.1:${port}`] } });
  /** A repository whose reads finish when the test says; each read answers the next port. */
  function slowRepository() {
    const waiting: Array<() => void> = [];
    let port = 5000;
    const repo = {
      find: () => {
        const answer = row(++port);
        return new Promise((resolve) => waiting.push(() => resolve(answer)));
      },
    } as unknown as EndpointsRepository;
    return { repo, reads: () => waiting.length, finish: (i: number) => waiting[i]() };
  }

  it('makes one read for the requests that miss together, and caches it', async () => {
    const { repo, reads, finish } = slowRepository();
    const r = new EndpointRouter(repo);
    const all = Promise.all(Array.from({ length: 16 }, () => r.route(project, 'e')));
    expect(reads()).toBe(1);
    finish(0);
    expect(new Set((await all).map((x) => x?.upstreams[0]))).toEqual(new Set(['http://127.0.0.1:5001']));
    expect((await r.route(project, 'e'))?.upstreams).toEqual(['http://127.0.0.1:5001']);
    expect(reads()).toBe(1);
  });

  it('after invalidate, does not join the read in flight, and the older read does not overwrite the newer', async () => {
    const { repo, reads, finish } = slowRepository();
    const r = new EndpointRouter(repo);
    const older = r.route(project, 'e');
    r.invalidate(project, 'e');
    const newer = r.route(project, 'e');
    expect(reads()).toBe(2);
    finish(1);
    expect((await newer)?.upstreams).toEqual(['http://127.0.0.1:5002']);
    finish(0);
    await older;
    expect((await r.route(project, 'e'))?.upstreams).toEqual(['http://127.0.0.1:5002']);
  });
});
