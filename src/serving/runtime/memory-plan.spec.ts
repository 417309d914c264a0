import { describe, expect, it } from 'vitest';
import { estimateModelBytes, planAdmission, type CacheEntry } from './memory-plan.js';

const MiB = 2 ** 20;
const entry = (key: string, mib: number, lastUsed: number, over: Partial<CacheEntry> = {}): CacheEntry => ({ key, bytes: mib * MiB, state: 'ready', lastUsed, inflight: 0, ...over });

describe('planAdmission', () => {
  it.each([
    ['an empty cache takes a model that fits', [], 10, 100, { kind: 'fits', evict: [] }],
    ['a model exactly the size of the budget fits an empty cache', [], 100, 100, { kind: 'fits', evict: [] }],
    ['fits in what is free: nothing unloaded', [entry('a', 40, 1), entry('b', 40, 2)], 20, 100, { kind: 'fits', evict: [] }],
    ['full: the least recently used goes', [entry('a', 40, 5), entry('b', 40, 2)], 30, 100, { kind: 'fits', evict: ['b'] }],
    ['as many as needed, oldest first', [entry('a', 30, 3), entry('b', 30, 1), entry('c', 30, 2)], 70, 100, { kind: 'fits', evict: ['b', 'c'] }],
    ['a model in use is passed over for an older idle one', [entry('a', 50, 1, { inflight: 2 }), entry('b', 50, 9)], 50, 100, { kind: 'fits', evict: ['b'] }],
    ['a loading model is never unloaded', [entry('a', 50, 1, { state: 'loading' }), entry('b', 50, 9)], 50, 100, { kind: 'fits', evict: ['b'] }],
    ['equal use: by key, so the plan is the same every time', [entry('b', 50, 4), entry('a', 50, 4)], 50, 100, { kind: 'fits', evict: ['a'] }],
    ['all memory held by requests and loads: busy', [entry('a', 50, 1, { inflight: 1 }), entry('b', 50, 2, { state: 'loading' })], 10, 100, { kind: 'busy', needed: 10 * MiB, free: 0 }],
    ['unloading every idle one is not enough: busy, and nothing planned', [entry('a', 60, 1, { inflight: 1 }), entry('b', 30, 2)], 50, 100, { kind: 'busy', needed: 50 * MiB, free: 40 * MiB }],
    ['larger than the whole budget: never', [], 101, 100, { kind: 'too-large', bytes: 101 * MiB, budget: 100 * MiB }],
  ] as Array<[string, CacheEntry[], number, number, unknown]>)('%s', (_label, entries, mib, budgetMib, expected) => {
    const before = structuredClone(entries);
    expect(planAdmission(entries, mib * MiB, budgetMib * MiB)).toEqual(expected);
    expect(entries).toEqual(before);
  });
});

describe('estimateModelBytes', () => {
  it.each([
    ['an empty file still costs a session', 0, 512 * 1024],
    ['the small MLP (86 KiB)', 88_434, Math.ceil(88_434 * 1.1) + 512 * 1024],
    ['the wide MLP (129.3 MiB) above its measured 140 MiB', 135_578_104, Math.ceil(135_578_104 * 1.1) + 512 * 1024],
  ])('%s', (_label, file, expected) => {
    expect(estimateModelBytes(file)).toBe(expected);
  });

  it('seven wide MLPs fit 1 GiB, an eighth does not', () => {
    const wide = estimateModelBytes(135_578_104);
    expect(Math.floor(2 ** 30 / wide)).toBe(7);
  });
});
