import { describe, expect, it } from 'vitest';
import { TtlCache } from './ttl-cache.js';

describe('TtlCache', () => {
  it('answers within the TTL and forgets after it', () => {
    const cache = new TtlCache<string, number>(1000);
    cache.set('a', 1, 0);
    expect(cache.get('a', 1000)).toBe(1);
    expect(cache.get('a', 1001)).toBeUndefined();
    expect(cache.get('a', 0)).toBeUndefined(); // the expired entry was dropped
  });

  it('drops the oldest entry beyond its bound; a re-set entry counts as new', () => {
    const cache = new TtlCache<string, number>(1000, 2);
    cache.set('a', 1, 0);
    cache.set('b', 2, 0);
    cache.set('a', 3, 0);
    cache.set('c', 4, 0);
    expect([cache.get('a', 0), cache.get('b', 0), cache.get('c', 0)]).toEqual([3, undefined, 4]);
  });

  it('load: concurrent misses share one lookup; a found value is kept, undefined and failures are not', async () => {
    const cache = new TtlCache<string, number>(1000);
    let calls = 0;
    const lookup = (value: number | undefined) => () => new Promise<number | undefined>((r) => setImmediate(() => r((calls++, value))));
    expect(await Promise.all([cache.load('a', lookup(1)), cache.load('a', lookup(2)), cache.load('a', lookup(3))])).toEqual([1, 1, 1]);
    expect([calls, cache.get('a')]).toEqual([1, 1]);
    expect(await Promise.all([cache.load('b', lookup(undefined)), cache.load('b', lookup(undefined))])).toEqual([undefined, undefined]);
    expect([calls, cache.get('b')]).toEqual([2, undefined]);
    const failing = () => Promise.reject(new Error('database down'));
    await expect(Promise.all([cache.load('c', failing), cache.load('c', failing)])).rejects.toThrow('database down');
    expect(await cache.load('c', lookup(4))).toBe(4); // the failure was not kept: the next miss looks up again
  });
});
