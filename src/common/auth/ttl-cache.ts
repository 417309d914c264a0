/**
 * A small map whose entries expire after `ttlMs`, bounded to `max` entries (the oldest
 * go first). For lookups that every request repeats and that may be a moment stale.
 */
export class TtlCache<K, V> {
  private readonly entries = new Map<K, { value: V; at: number }>();
  private readonly loading = new Map<K, Promise<V | undefined>>();

  constructor(
    private readonly ttlMs: number,
    private readonly max = 10_000,
  ) {}

  get(key: K, now = Date.now()): V | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (now - entry.at > this.ttlMs) {
      this.entries.delete(key);
      return undefined;
    }
    return entry.value;
  }

  set(key: K, value: V, now = Date.now()): void {
    this.entries.delete(key);
    this.entries.set(key, { value, at: now });
    if (this.entries.size > this.max) this.entries.delete(this.entries.keys().next().value as K);
  }

  /**
   * `load()`'s value for a key not cached, kept when found (undefined is not kept, nor a
   * failure). Concurrent misses for one key share one load: when a busy key expires, the
   * requests in flight make one lookup, not one each.
   */
  load(key: K, load: () => Promise<V | undefined>): Promise<V | undefined> {
    let pending = this.loading.get(key);
    if (!pending) {
      pending = load()
        .then((value) => {
          if (value !== undefined) this.set(key, value);
          return value;
        })
        .finally(() => this.loading.delete(key));
      this.loading.set(key, pending);
    }
    return pending;
  }
}
