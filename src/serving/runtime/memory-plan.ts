/**
 * The pure core of a multi-model replica's memory: how much a model is expected to hold
 * once loaded, and which loaded models to unload so another one fits the budget. No I/O,
 * no clock: "recently used" is a counter the caller ticks on every use.
 */

/**
 * Expected resident bytes of one loaded ONNX model: 1.1 × its file size + 512 KiB.
 *
 * Why from the file: an ONNX file is almost all initializers (weights), and onnxruntime
 * keeps one copy of them in memory. Measured with onnxruntime-node 1.30 on CPU (`npm run
 * bench:multi-model`, docs/benchmarks.md): the 129 MiB wide MLP adds 131–140 MiB of RSS
 * per session (up to ≈1.08 × the file: the arena and pre-packed GEMM weights on top), the
 * 86 KiB small MLP 0.3–0.4 MiB (session state, its thread pool and arena dominate). The factor and the constant
 * cover both with a little to spare; an estimate that is too low is what would let a
 * replica past its memory limit, so it errs high.
 */
export function estimateModelBytes(fileBytes: number): number {
  return Math.ceil(fileBytes * 1.1) + 512 * 1024;
}

export interface CacheEntry {
  key: string;
  /** Estimated bytes (estimateModelBytes); counted while loading too, since a load allocates. */
  bytes: number;
  state: 'loading' | 'ready';
  /** The tick of its last use: lower is less recently used. */
  lastUsed: number;
  /** Requests holding it now: it cannot be unloaded under them. */
  inflight: number;
}

export type Admission =
  | { kind: 'fits'; evict: string[] }
  /** Larger than the whole budget: no eviction can help. */
  | { kind: 'too-large'; bytes: number; budget: number }
  /** It would fit, but what holds the memory is loading or serving right now: retry shortly. */
  | { kind: 'busy'; needed: number; free: number };

/**
 * Whether a model of `bytes` can be loaded next to `entries` within `budget`, and which
 * entries to unload first:
 *   1. larger than the budget: never;
 *   2. it fits in what is free: unload nothing;
 *   3. otherwise take idle ready entries (no request in flight), least recently used first
 *      (ties by key, so the plan is deterministic), until it fits;
 *   4. if even all of them are not enough, the rest is loading or serving: busy.
 * `entries` must not contain the model being admitted. Inputs are not mutated.
 */
export function planAdmission(entries: readonly CacheEntry[], bytes: number, budget: number): Admission {
  // 1.
  if (bytes > budget) return { kind: 'too-large', bytes, budget };
  // 2.
  const used = entries.reduce((sum, e) => sum + e.bytes, 0);
  let free = budget - used;
  if (bytes <= free) return { kind: 'fits', evict: [] };
  // 3.
  const idle = entries
    .filter((e) => e.state === 'ready' && e.inflight === 0)
    .sort((a, b) => a.lastUsed - b.lastUsed || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  const evict: string[] = [];
  for (const e of idle) {
    evict.push(e.key);
    free += e.bytes;
    if (bytes <= free) return { kind: 'fits', evict };
  }
  // 4.
  return { kind: 'busy', needed: bytes, free };
}
