import { Batcher, type BatchingOptions } from './batcher.js';
import { planAdmission } from './memory-plan.js';
import type { ModelMetrics, RuntimeMetrics } from './metrics.js';
import type { LoadedModel } from './model.js';
import type { ModelSpec } from './validation.js';

/** One model a multi-model replica may serve: resolved to a file at start, loaded on demand. */
export interface RepositoryModel {
  name: string;
  version: string;
  /** Estimated bytes once loaded (memory-plan.ts estimateModelBytes of the file). */
  bytes: number;
}

/** What a request holds while it runs: the model cannot be unloaded under it. */
export interface ModelLease {
  spec: ModelSpec;
  batcher: Batcher;
  metrics: ModelMetrics;
  release(): void;
}

/** V2 repository states (Triton's names). */
export type ModelState = 'READY' | 'LOADING' | 'UNLOADING' | 'UNAVAILABLE';

export class RepositoryError extends Error {
  constructor(
    readonly status: number,
    message: string,
    /** Seconds for a Retry-After header (503 busy). */
    readonly retryAfter?: number,
  ) {
    super(message);
  }
}

interface Entry extends RepositoryModel {
  /** The repository's tick at its last use (memory-plan.ts: lower is less recently used). */
  lastUsed: number;
  inflight: number;
  loaded?: { model: LoadedModel; batcher: Batcher };
  loading?: Promise<void>;
  unloading?: Promise<void>;
  /** Why it is not loaded: never yet, unloaded (and why), or the last load's error. */
  reason: string;
  metrics: ModelMetrics;
  /** Resolves `idle` when the last request holding it ends. */
  onIdle?: () => void;
}

export interface RepositoryOptions {
  models: RepositoryModel[];
  budget: number;
  /** Creates the session (model.ts LoadedModel.load with the replica's settings) and warms it. */
  open: (name: string) => Promise<LoadedModel>;
  batching: (spec: ModelSpec) => BatchingOptions;
  metrics: RuntimeMetrics;
  log: (message: string, fields?: Record<string, unknown>) => void;
}

/**
 * The models of a multi-model replica and which of them are loaded. Invariants: the
 * estimated bytes of loaded and loading models never exceed the budget (memory-plan.ts
 * decides what to unload); a model is loaded at most once at a time (concurrent first
 * requests share one load); a model with requests in flight is never released.
 * Every state change happens synchronously before an await, so two requests on the event
 * loop never plan against the same picture.
 */
export class ModelRepository {
  private readonly entries = new Map<string, Entry>();
  private tick = 0;

  constructor(private readonly options: RepositoryOptions) {
    for (const m of options.models) {
      const metrics = options.metrics.forModel(m.name, m.version);
      this.entries.set(m.name, { ...m, lastUsed: 0, inflight: 0, reason: 'not loaded yet; it loads on its first request', metrics });
      options.metrics.modelMemory.set({ model: m.name, version: m.version }, 0);
    }
    options.metrics.memoryBudget.set(options.budget);
  }

  /** The V2 repository index, in the order the models were given. */
  index(): Array<{ name: string; version: string; state: ModelState; reason: string }> {
    return [...this.entries.values()].map((e) => ({ name: e.name, version: e.version, state: this.stateOf(e), reason: e.loaded && !e.unloading ? '' : e.reason }));
  }

  /** The entry for a route's name and optional version; 404 naming what this replica serves otherwise. */
  find(name: string, version?: string): RepositoryModel {
    const e = this.entries.get(name);
    if (!e) throw new RepositoryError(404, `unknown model '${name}'; this endpoint serves ${[...this.entries.keys()].map((n) => `'${n}'`).join(', ')}`);
    if (version !== undefined && version !== e.version) throw new RepositoryError(404, `unknown version '${version}' of model '${name}'; this endpoint serves version ${e.version}`);
    return e;
  }

  /** The model, loaded (and others unloaded) if it must be; the caller releases the lease when its request ends. */
  async acquire(name: string, version?: string): Promise<ModelLease> {
    const e = this.find(name, version) as Entry;
    e.lastUsed = ++this.tick;
    // Loops because a load or unload another request started may end in any state.
    for (;;) {
      if (e.loaded && !e.unloading) {
        e.inflight++;
        const { spec } = e.loaded.model;
        let released = false;
        return {
          spec,
          batcher: e.loaded.batcher,
          metrics: e.metrics,
          release: () => {
            if (released) return;
            released = true;
            if (--e.inflight === 0) e.onIdle?.();
          },
        };
      }
      if (e.unloading) await e.unloading;
      else await (e.loading ?? this.startLoad(e));
    }
  }

  /** `POST /v2/repository/models/{name}/load`: loads it now (a use, as a request would be). */
  async load(name: string): Promise<void> {
    (await this.acquire(name)).release();
  }

  /** `POST /v2/repository/models/{name}/unload`: waits for its in-flight requests, then releases it. */
  async unload(name: string): Promise<void> {
    const e = this.find(name) as Entry;
    if (e.loading) await e.loading.catch(() => undefined);
    if (e.unloading) return e.unloading;
    if (e.loaded) await this.startUnload(e, 'request');
  }

  /** Releases every session (shutdown). */
  async close(): Promise<void> {
    await Promise.all([...this.entries.values()].map((e) => e.loaded?.model.release().catch(() => undefined)));
  }

  private stateOf(e: Entry): ModelState {
    if (e.unloading) return 'UNLOADING';
    if (e.loading) return 'LOADING';
    return e.loaded ? 'READY' : 'UNAVAILABLE';
  }

  /**
   * Starts loading `e` (not loaded, not loading):
   *   1. plan against every other loaded or loading model (memory-plan.ts);
   *   2. too large or busy: refuse this request (the state is unchanged);
   *   3. mark it loading with its bytes counted, unload the planned ones, open the session.
   */
  private startLoad(e: Entry): Promise<void> {
    // An unloading model still holds its memory until its last request ends: counted, never picked.
    const others = [...this.entries.values()].filter((o) => o !== e && (o.loaded || o.loading));
    const plan = planAdmission(
      others.map((o) => ({ key: o.name, bytes: o.bytes, state: o.loading || o.unloading ? 'loading' : 'ready', lastUsed: o.lastUsed, inflight: o.inflight })),
      e.bytes,
      this.options.budget,
    );
    if (plan.kind === 'too-large') {
      // The runtime refuses such a model at start and the API before that: only reachable by a changed budget.
      throw new RepositoryError(500, `model '${e.name}' version ${e.version} needs about ${mib(e.bytes)} MiB, more than this replica's memory budget of ${mib(this.options.budget)} MiB`);
    }
    if (plan.kind === 'busy') {
      throw new RepositoryError(503, `model '${e.name}' version ${e.version} needs about ${mib(e.bytes)} MiB and only ${mib(plan.free)} MiB of the ${mib(this.options.budget)} MiB budget can be freed now: the rest is held by models loading or serving requests; retry shortly`, 1);
    }
    for (const key of plan.evict) void this.startUnload(this.entries.get(key)!, 'lru', e.name);
    const labels = { model: e.name, version: e.version };
    const started = performance.now();
    e.loading = (async () => {
      try {
        const model = await this.options.open(e.name);
        e.loaded = { model, batcher: new Batcher((feeds) => model.run(feeds), this.options.batching(model.spec), (rows) => e.metrics.batchSize.observe(rows)) };
        const seconds = (performance.now() - started) / 1000;
        this.options.metrics.modelLoads.inc({ ...labels, outcome: 'success' });
        this.options.metrics.modelLoadDuration.observe(labels, seconds);
        this.options.metrics.modelMemory.set(labels, e.bytes);
        this.options.log('model loaded', { ...labels, seconds, evicted: plan.evict });
      } catch (error) {
        this.options.metrics.modelLoads.inc({ ...labels, outcome: 'failure' });
        e.reason = `the last load failed: ${(error as Error).message}`;
        throw new RepositoryError(500, `model '${e.name}' version ${e.version} could not be loaded: ${(error as Error).message}`);
      } finally {
        e.loading = undefined;
      }
    })();
    return e.loading;
  }

  /** Unloads `e` once its in-flight requests end; new requests wait for it and load it again. */
  private startUnload(e: Entry, reason: 'lru' | 'request', forModel?: string): Promise<void> {
    const loaded = e.loaded!;
    const labels = { model: e.name, version: e.version };
    e.unloading = (async () => {
      if (e.inflight > 0) await new Promise<void>((resolve) => (e.onIdle = resolve));
      e.onIdle = undefined;
      e.loaded = undefined;
      e.reason = reason === 'lru' ? `unloaded (least recently used) to make room for '${forModel}'; it loads again on its next request` : 'unloaded by request; it loads again on its next request';
      this.options.metrics.modelUnloads.inc({ ...labels, reason });
      this.options.metrics.modelMemory.set(labels, 0);
      await loaded.model.release().catch(() => undefined);
      this.options.log('model unloaded', { ...labels, reason });
    })().finally(() => (e.unloading = undefined));
    return e.unloading;
  }
}

const mib = (bytes: number) => (bytes / 2 ** 20).toFixed(1);
