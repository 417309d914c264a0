import { describe, expect, it } from 'vitest';
import type { Tensor } from './batch-plan.js';
import { Batcher } from './batcher.js';
import type { InferInput } from './protocol.js';
import type { ValidRequest } from './validation.js';

/** A fake model: y = 2·x, one column; it records each run's rows and fails on a NaN. */
function fakeModel() {
  const runs: number[] = [];
  const run = async (feeds: readonly InferInput[]) => {
    const x = feeds[0].data as Float32Array;
    runs.push(feeds[0].shape[0]);
    if (x.some(Number.isNaN)) throw new Error('NaN in the batch');
    return new Map<string, Tensor>([['y', { datatype: 'FP32', shape: [feeds[0].shape[0], 1], data: x.map((v) => 2 * v) }]]);
  };
  return { run, runs };
}

const request = (...values: number[]): ValidRequest => ({
  feeds: [{ name: 'x', datatype: 'FP32', shape: [values.length, 1], data: Float32Array.from(values) }],
  rows: values.length,
  batchKey: 'FP32[1]',
  warnings: [],
});

const ys = (outputs: Map<string, Tensor>) => Array.from(outputs.get('y')!.data as Float32Array);

describe('Batcher', () => {
  it('merges requests submitted in the same turn into one run and splits the answers', async () => {
    const model = fakeModel();
    const batches: number[] = [];
    const batcher = new Batcher(model.run, { enabled: true, maxBatchSize: 64, maxQueueDelayMicros: 0 }, (n) => batches.push(n));
    const results = await Promise.all([batcher.submit(request(1)), batcher.submit(request(2, 3)), batcher.submit(request(4))]);
    expect(results.map((r) => ys(r.outputs))).toEqual([[2], [4, 6], [8]]);
    expect(model.runs).toEqual([4]);
    expect(batches).toEqual([4]);
  });

  it('respects maxBatchSize', async () => {
    const model = fakeModel();
    const batcher = new Batcher(model.run, { enabled: true, maxBatchSize: 2, maxQueueDelayMicros: 0 });
    await Promise.all([1, 2, 3, 4, 5].map((v) => batcher.submit(request(v))));
    expect(model.runs).toEqual([2, 2, 1]);
  });

  it('runs each request alone when off', async () => {
    const model = fakeModel();
    const batcher = new Batcher(model.run, { enabled: false, maxBatchSize: 64, maxQueueDelayMicros: 0 });
    const results = await Promise.all([batcher.submit(request(1)), batcher.submit(request(2))]);
    expect(results.map((r) => ys(r.outputs))).toEqual([[2], [4]]);
    expect(model.runs).toEqual([1, 1]);
  });

  it('fails only the request that breaks a shared run', async () => {
    const model = fakeModel();
    const batcher = new Batcher(model.run, { enabled: true, maxBatchSize: 64, maxQueueDelayMicros: 0 });
    const results = await Promise.allSettled([batcher.submit(request(1)), batcher.submit(request(NaN)), batcher.submit(request(3))]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(ys((results[2] as PromiseFulfilledResult<{ outputs: Map<string, Tensor> }>).value.outputs)).toEqual([6]);
    // The shared run of 3 rows, then each alone.
    expect(model.runs).toEqual([3, 1, 1, 1]);
  });

  it('never merges requests with different keys or an unbatchable one', async () => {
    const model = fakeModel();
    const batcher = new Batcher(model.run, { enabled: true, maxBatchSize: 64, maxQueueDelayMicros: 0 });
    await Promise.all([batcher.submit(request(1)), batcher.submit({ ...request(2), batchKey: null }), batcher.submit({ ...request(3), batchKey: 'other' }), batcher.submit(request(4))]);
    expect(model.runs).toEqual([2, 1, 1]);
  });

  describe('return wait', () => {
    const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
    /** The fake model, but each run takes `ms` (a timer, so the event loop stays free). */
    function slowModel(ms: number) {
      const model = fakeModel();
      const runs: number[] = [];
      const run = async (feeds: readonly InferInput[]) => {
        runs.push(feeds[0].shape[0]);
        await sleep(ms);
        return model.run(feeds);
      };
      return { runs, run };
    }

    /** r1 runs alone, r2 queues during it, r1's caller comes back 1 ms after its answer. */
    async function closedLoop(returnWaitFraction: number): Promise<number[]> {
      const model = slowModel(40);
      const batcher = new Batcher(model.run, { enabled: true, maxBatchSize: 64, maxQueueDelayMicros: 0, returnWaitFraction });
      const first = batcher.submit(request(1));
      await sleep(5);
      const second = batcher.submit(request(2));
      await first;
      await sleep(1);
      await Promise.all([second, batcher.submit(request(3))]);
      return model.runs;
    }

    it('holds the next batch for the callers a run answered, so the cohorts merge', async () => {
      expect(await closedLoop(1)).toEqual([1, 2]);
    });

    it('without it the returning caller misses the run that just left', async () => {
      expect(await closedLoop(0)).toEqual([1, 1, 1]);
    });

    it('never holds a lone caller', async () => {
      const model = slowModel(40);
      const batcher = new Batcher(model.run, { enabled: true, maxBatchSize: 64, maxQueueDelayMicros: 0, returnWaitFraction: 1 });
      await batcher.submit(request(1));
      await sleep(1);
      void batcher.submit(request(2));
      // Inside the 40 ms window, yet the run starts on the next turn: 1 answered + 0 queued = 1.
      await new Promise((r) => setImmediate(r));
      expect(model.runs).toEqual([1, 1]);
    });
  });
});
