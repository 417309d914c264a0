import { describe, expect, it } from 'vitest';
import { Coalescer } from './coalesce.js';

describe('Coalescer', () => {
  it('writes the calls of one tick as one batch and answers each call from it', async () => {
    const batches: string[][] = [];
    const c = new Coalescer<string, string>(async (keys) => {
      batches.push(keys);
      return new Map(keys.filter((k) => k !== 'gone').map((k) => [k, `done ${k}`]));
    }, 'missing');

    const answers = await Promise.all(['a', 'b', 'a', 'gone'].map((k) => c.run(k)));

    expect(answers).toEqual(['done a', 'done b', 'done a', 'missing']);
    expect(batches).toEqual([['a', 'b', 'gone']]);
  });

  it('writes one batch at a time: calls made while one is written go in the next', async () => {
    const batches: number[][] = [];
    let inFlight = 0;
    let most = 0;
    const c = new Coalescer<number, number>(async (keys) => {
      inFlight++;
      most = Math.max(most, inFlight);
      batches.push(keys);
      await new Promise((r) => setTimeout(r, 20));
      inFlight--;
      return new Map(keys.map((k) => [k, k * 2]));
    }, -1);

    const first = c.run(1);
    await new Promise((r) => setTimeout(r, 5)); // the first batch is being written now
    const later = [2, 3, 4].map((k) => c.run(k));

    expect(await Promise.all([first, ...later])).toEqual([2, 4, 6, 8]);
    expect(batches).toEqual([[1], [2, 3, 4]]);
    expect(most).toBe(1);
  });

  it('splits a burst larger than the batch size, and rejects every call of a failed batch only', async () => {
    let calls = 0;
    const c = new Coalescer<number, string>(
      async (keys) => {
        if (calls++ === 0) throw new Error('database down');
        return new Map(keys.map((k) => [k, 'ok']));
      },
      'missing',
      2,
    );

    const results = await Promise.allSettled([1, 2, 3].map((k) => c.run(k)));

    expect(results.map((r) => (r.status === 'fulfilled' ? r.value : (r.reason as Error).message))).toEqual(['database down', 'database down', 'ok']);
  });
});
