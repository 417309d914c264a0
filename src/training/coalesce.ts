/**
 * Gathers the calls made while a batch is being written, and writes them as the next batch:
 * `run(key)` resolves with the batch function's answer for that key. At most one batch is
 * written at a time, so a burst of N calls costs about log(N) batches instead of N writes
 * (the admission of thousands of jobs submitted at once, issue 14). A failed batch rejects
 * every call in it.
 */
export class Coalescer<K, R> {
  private waiting: Array<{ key: K; resolve: (r: R) => void; reject: (e: unknown) => void }> = [];
  private writing = false;

  constructor(
    private readonly batch: (keys: K[]) => Promise<Map<K, R>>,
    private readonly missing: R,
    private readonly maxBatch = 500,
  ) {}

  run(key: K): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.waiting.push({ key, resolve, reject });
      if (!this.writing) void this.drain();
    });
  }

  private async drain(): Promise<void> {
    this.writing = true;
    // One tick first, so calls made in the same tick share the first batch too.
    await new Promise((r) => setImmediate(r));
    while (this.waiting.length > 0) {
      const calls = this.waiting.splice(0, this.maxBatch);
      try {
        const answers = await this.batch([...new Set(calls.map((c) => c.key))]);
        for (const c of calls) c.resolve(answers.has(c.key) ? answers.get(c.key)! : this.missing);
      } catch (error) {
        for (const c of calls) c.reject(error);
      }
    }
    this.writing = false;
  }
}
