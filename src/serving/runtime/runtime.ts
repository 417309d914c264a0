import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import pino, { type Logger } from 'pino';
import { Batcher } from './batcher.js';
import { RuntimeMetrics } from './metrics.js';
import { resolveModel } from './model-source.js';
import { LoadedModel } from './model.js';
import type { RuntimeConfig } from './runtime.config.js';
import { serveRepository } from './runtime-repository.js';
import { createRuntimeServer, type RuntimeState } from './server.js';

export interface RunningRuntime {
  server: Server;
  url: string;
  state: RuntimeState;
  log: Logger;
  /** Resolves once the model is loaded and warmed (ready), rejects if loading fails. */
  loaded: Promise<void>;
  /** Graceful stop: not-ready at once, drain, finish in-flight, close within the grace. */
  shutdown(reason: string): Promise<void>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Starts one runtime:
 *   1. listen at once, live but not ready (a startup probe can watch the load);
 *   2. resolve the model (local path, cache or registry download with sha256 check);
 *   3. load it with the asked execution providers (CPU fallback unless --provider-fallback off), warm it up;
 *   4. report ready.
 */
export async function startRuntime(config: RuntimeConfig, log: Logger = pino({ level: config.logLevel })): Promise<RunningRuntime> {
  const metrics = new RuntimeMetrics();
  const state: RuntimeState = {
    ready: false,
    draining: false,
    inflight: 0,
    maxBodyBytes: config.maxBodyBytes,
    replicaToken: config.replicaToken,
    metrics,
    warn: (message) => log.warn(message),
    error: (message) => log.error(message),
  };
  const server = createRuntimeServer(state);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const host = config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host;
  log.info({ port }, 'listening');
  let model: LoadedModel | undefined;

  const loaded = (async () => {
    if (config.models) return serveRepository(config, state, log);
    const started = performance.now();
    const resolved = await resolveModel({ model: config.model!, token: config.token, cacheDir: config.cacheDir, variables: config.variables, log: (m) => log.warn(m) });
    model = await LoadedModel.load({
      path: resolved.path,
      name: config.name ?? resolved.name,
      version: config.version ?? resolved.version,
      executionProviders: config.executionProviders,
      providerFallback: config.providerFallback,
      intraOpThreads: config.intraOpThreads,
      intraOpSpinning: config.intraOpSpinning,
      variables: resolved.variables,
      rangePolicy: config.rangePolicy ?? resolved.rangePolicy ?? 'refuse',
      warn: (m) => log.warn(m),
    });
    const spec = model.spec;
    const labels = { model: spec.name, version: spec.version };
    const modelMetrics = metrics.forModel(spec.name, spec.version);
    const batching = { enabled: config.batching && spec.batchable, maxBatchSize: config.maxBatchSize, maxQueueDelayMicros: config.maxQueueDelayMicros, returnWaitFraction: config.returnWaitFraction };
    const loadedModel = model;
    const batcher = new Batcher((feeds) => loadedModel.run(feeds), batching, (rows) => modelMetrics.batchSize.observe(rows));
    await model.warmUp(batching.enabled ? [1, config.maxBatchSize] : [1]);
    // Routes see the model only once it is warm: before that every model route is 503.
    state.spec = spec;
    state.batcher = batcher;
    state.modelMetrics = modelMetrics;
    metrics.loadSeconds.set({ ...labels, source: resolved.source }, (performance.now() - started) / 1000);
    if (state.draining) return;
    state.ready = true;
    log.info(
      { model: spec.name, version: spec.version, source: resolved.source, providers: model.providers, batching: batching.enabled, seconds: (performance.now() - started) / 1000 },
      'ready',
    );
  })();

  // The caller awaits `loaded`; this only keeps an early failure from counting as unhandled.
  loaded.catch(() => {});

  let stopping: Promise<void> | undefined;
  const shutdown = (reason: string) =>
    (stopping ??= (async () => {
      // 1. Not ready at once: the readiness probe fails and the endpoint leaves the Service.
      state.draining = true;
      state.ready = false;
      log.info({ reason, inflight: state.inflight }, 'shutting down');
      const deadline = Date.now() + config.graceSeconds * 1000;
      // 2. Keep serving while the load balancer catches up (responses say Connection: close).
      await sleep(Math.min(config.drainSeconds * 1000, config.graceSeconds * 1000));
      // 3. Stop accepting, let in-flight requests finish, then close what is left.
      let done = false;
      const closed = new Promise<void>((resolve) => server.close(() => resolve())).then(() => void (done = true));
      while (state.inflight > 0 && Date.now() < deadline) await sleep(5);
      // A keep-alive socket that was mid-response a moment ago (a probe, a proxy's last call)
      // turns idle later and would hold close() open for the whole grace: close idle ones until done.
      while (!done && Date.now() < deadline) {
        server.closeIdleConnections();
        await Promise.race([closed, sleep(50)]);
      }
      server.closeAllConnections();
      await model?.release().catch(() => {});
      await state.repository?.close();
      log.info({ inflight: state.inflight }, 'stopped');
    })());

  return { server, url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`, state, log, loaded, shutdown };
}
