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
});
