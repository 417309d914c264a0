import { stat } from 'node:fs/promises';
import type { Logger } from 'pino';
import { estimateModelBytes } from './memory-plan.js';
import type { RuntimeMetrics } from './metrics.js';
import { resolveModel, type ResolvedModel } from './model-source.js';
import { LoadedModel } from './model.js';
import { ModelRepository, type RepositoryModel } from './model-repository.js';
import type { RuntimeConfig } from './runtime.config.js';
import type { RuntimeState } from './server.js';

/** The multi-model branch of startRuntime's load: the repository goes into the routes' state, then ready. */
export async function serveRepository(config: RuntimeConfig, state: RuntimeState, log: Logger): Promise<void> {
  const started = performance.now();
  const { repository, summary } = await startRepository(config, state.metrics, (message, fields) => log.info(fields ?? {}, message));
  state.repository = repository;
  if (state.draining) return;
  state.ready = true;
  log.info({ ...summary, seconds: (performance.now() - started) / 1000 }, 'ready');
}

export interface RepositoryStart {
  repository: ModelRepository;
  /** For the 'ready' log line. */
  summary: Record<string, unknown>;
}

/**
 * Starts a multi-model replica's repository (`--models`):
 *   1. resolve every model to a file, as --model does (local path, or a registry download
 *      checked against its sha256, cached), in the given order;
 *   2. refuse the whole replica if a model's estimate is larger than the budget: it could
 *      never be served, and a replica that starts anyway hides that until a request comes;
 *   3. open each model once and release it: proves it loads (a broken file fails readiness
 *      now, with its name, rather than a request later) and costs one load per model;
 *   4. hand back the repository with nothing loaded: models load on their first request.
 */
export async function startRepository(config: RuntimeConfig, metrics: RuntimeMetrics, log: (message: string, fields?: Record<string, unknown>) => void): Promise<RepositoryStart> {
  const sources = config.models!;
  const budget = config.memoryBudget!;
  // 1.
  const resolved = new Map<string, ResolvedModel & { bytes: number }>();
  for (const s of sources) {
    const r = await resolveModel({ model: s.model, token: config.token, cacheDir: config.cacheDir, variables: s.variables, log: (m) => log(m) }).catch((error: Error) => {
      throw new Error(`model '${s.name}' version ${s.version}: ${error.message}`);
    });
    resolved.set(s.name, { ...r, bytes: estimateModelBytes((await stat(r.path)).size) });
  }
  // 2.
  for (const s of sources) {
    const bytes = resolved.get(s.name)!.bytes;
    if (bytes > budget) throw new Error(`model '${s.name}' version ${s.version} needs about ${mib(bytes)} MiB loaded, more than --memory-budget (${mib(budget)} MiB)`);
  }
  const versionOf = new Map(sources.map((s) => [s.name, s.version]));
  const open = async (name: string, warm = true) => {
    const r = resolved.get(name)!;
    const model = await LoadedModel.load({
      path: r.path,
      name,
      version: versionOf.get(name)!,
      executionProviders: config.executionProviders,
      providerFallback: config.providerFallback,
      intraOpThreads: config.intraOpThreads,
      intraOpSpinning: config.intraOpSpinning,
      variables: r.variables,
      rangePolicy: config.rangePolicy ?? r.rangePolicy ?? 'refuse',
      warn: (m) => log(m),
    });
    // Batch 1 only: the request that asked for the load is waiting on it.
    if (warm) await model.warmUp([1]);
    return model;
  };
  // 3.
  for (const s of sources) {
    const model = await open(s.name, false).catch((error: Error) => {
      throw new Error(`model '${s.name}' version ${s.version} could not be loaded: ${error.message}`);
    });
    await model.release();
  }
  // 4.
  const models: RepositoryModel[] = sources.map((s) => ({ name: s.name, version: s.version, bytes: resolved.get(s.name)!.bytes }));
  const repository = new ModelRepository({
    models,
    budget,
    open: (name) => open(name),
    batching: (spec) => ({ enabled: config.batching && spec.batchable, maxBatchSize: config.maxBatchSize, maxQueueDelayMicros: config.maxQueueDelayMicros, returnWaitFraction: config.returnWaitFraction }),
    metrics,
    log,
  });
  const estimated = models.reduce((sum, m) => sum + m.bytes, 0);
  return { repository, summary: { models: models.length, memoryBudgetMiB: Number(mib(budget)), estimatedMiBAllLoaded: Number(mib(estimated)) } };
}

const mib = (bytes: number) => (bytes / 2 ** 20).toFixed(1);
