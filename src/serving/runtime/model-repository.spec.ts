import { describe, expect, it } from 'vitest';
import { RuntimeMetrics } from './metrics.js';
import type { LoadedModel } from './model.js';
import { ModelRepository, RepositoryError } from './model-repository.js';

const MiB = 2 ** 20;

/** A session stand-in whose opening the test finishes by hand, and which records its release. */
function fakeSessions() {
  const opened: string[] = [];
  const released: string[] = [];
  const pending = new Map<string, { resolve: (m: LoadedModel) => void; reject: (e: Error) => void }>();
  const open = (name: string) =>
    new Promise<LoadedModel>((resolve, reject) => {
      opened.push(name);
      pending.set(name, { resolve, reject });
    });
  const finish = (name: string) => {
    const model = { spec: { name, version: '1', inputs: [], outputs: [], rangePolicy: 'refuse', batchable: false }, run: () => Promise.reject(new Error('not run here')), release: async () => void released.push(name) };
    pending.get(name)!.resolve(model as unknown as LoadedModel);
  };
  const fail = (name: string, message: string) => pending.get(name)!.reject(new Error(message));
  return { opened, released, open, finish, fail };
}

/** Models a, b, c of 40 MiB each in a budget of `budgetMiB`. */
function repository(budgetMiB: number) {
  const sessions = fakeSessions();
  const repo = new ModelRepository({
    models: ['a', 'b', 'c'].map((name) => ({ name, version: '1', bytes: 40 * MiB })),
    budget: budgetMiB * MiB,
    open: sessions.open,
    batching: () => ({ enabled: false, maxBatchSize: 1, maxQueueDelayMicros: 0 }),
    metrics: new RuntimeMetrics(),
    log: () => undefined,
  });
  return { repo, ...sessions };
}

const tick = () => new Promise((r) => setImmediate(r));

describe('ModelRepository', () => {
  it('opens a model once for concurrent first requests', async () => {
    const { repo, opened, finish } = repository(100);
    const leases = [repo.acquire('a'), repo.acquire('a'), repo.acquire('a', '1')];
    await tick();
    expect(repo.index()[0].state).toBe('LOADING');
    finish('a');
    expect((await Promise.all(leases)).map((l) => l.spec.name)).toEqual(['a', 'a', 'a']);
    expect(opened).toEqual(['a']);
  });

  it('never unloads a model under a request: the next load is busy (503) until it ends', async () => {
    const { repo, released, finish } = repository(60);
    const loading = repo.acquire('a');
    finish('a');
    const lease = await loading;
    const busy = await repo.acquire('b').catch((e: unknown) => e);
    expect(busy).toBeInstanceOf(RepositoryError);
    expect(busy).toMatchObject({ status: 503, retryAfter: 1 });
    expect(released).toEqual([]);
    lease.release();
    const next = repo.acquire('b');
    await tick();
    expect(released).toEqual(['a']);
    finish('b');
    expect((await next).spec.name).toBe('b');
    expect(repo.index().map((m) => m.state)).toEqual(['UNAVAILABLE', 'READY', 'UNAVAILABLE']);
  });

  it('unload waits for the requests in flight, then releases the session', async () => {
    const { repo, released, finish } = repository(100);
    const loading = repo.acquire('a');
    finish('a');
    const lease = await loading;
    let unloaded = false;
    const unloading = repo.unload('a').then(() => (unloaded = true));
    await tick();
    expect(repo.index()[0].state).toBe('UNLOADING');
    expect([unloaded, released]).toEqual([false, []]);
    lease.release();
    await unloading;
    expect(released).toEqual(['a']);
    expect(repo.index()[0]).toMatchObject({ state: 'UNAVAILABLE', reason: expect.stringMatching(/unloaded by request/) });
  });

  it('answers a failed load with 500 naming the model, and tries again on the next request', async () => {
    const { repo, opened, fail, finish } = repository(100);
    const first = repo.acquire('c');
    await tick();
    fail('c', 'bad protobuf');
    await expect(first).rejects.toMatchObject({ status: 500, message: "model 'c' version 1 could not be loaded: bad protobuf" });
    expect(repo.index()[2]).toMatchObject({ state: 'UNAVAILABLE', reason: 'the last load failed: bad protobuf' });
    const second = repo.acquire('c');
    await tick();
    finish('c');
    expect((await second).spec.name).toBe('c');
    expect(opened).toEqual(['c', 'c']);
  });

  it('answers 404 for a model or version it does not serve', () => {
    const { repo } = repository(100);
    expect(() => repo.find('z')).toThrow(/unknown model 'z'; this endpoint serves 'a', 'b', 'c'/);
    expect(() => repo.find('a', '2')).toThrow(/unknown version '2' of model 'a'/);
  });
});
