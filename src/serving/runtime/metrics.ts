import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/**
 * The runtime's Prometheus metrics. Every series carries `model` and `version` and
 * nothing replica-specific (Prometheus adds `pod`/`instance`), so one Grafana panel can
 * `sum by (model, version, le)` the histograms across replicas.
 */
export class RuntimeMetrics {
  readonly registry = new Registry();
  readonly requests: Counter<'model' | 'version' | 'outcome'>;
  readonly duration: Histogram<'model' | 'version' | 'phase'>;
  readonly batchSize: Histogram<'model' | 'version'>;
  readonly inflight: Gauge<'model' | 'version'>;
  readonly loadSeconds: Gauge<'model' | 'version' | 'source'>;
  readonly rangeWarnings: Counter<'model' | 'version' | 'input'>;
  /** Multi-model replicas (model-repository.ts): loads, unloads and what the loaded models hold. */
  readonly modelLoads: Counter<'model' | 'version' | 'outcome'>;
  readonly modelUnloads: Counter<'model' | 'version' | 'reason'>;
  readonly modelLoadDuration: Histogram<'model' | 'version'>;
  readonly modelMemory: Gauge<'model' | 'version'>;
  readonly memoryBudget: Gauge;

  constructor() {
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry });
    this.requests = new Counter({
      name: 'beamline_runtime_requests_total',
      help: 'Inference requests by outcome: success, bad_request, not_found, unavailable, error',
      labelNames: ['model', 'version', 'outcome'],
      registers,
    });
    this.duration = new Histogram({
      name: 'beamline_runtime_request_duration_seconds',
      help: 'Inference request duration by phase: queue (waiting for a batch), compute (session.run), total (body read to response)',
      labelNames: ['model', 'version', 'phase'],
      buckets: [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    });
    this.batchSize = new Histogram({
      name: 'beamline_runtime_batch_size',
      help: 'Rows per session.run',
      labelNames: ['model', 'version'],
      buckets: [1, 2, 4, 8, 16, 32, 64, 128, 256, 512],
      registers,
    });
    this.inflight = new Gauge({
      name: 'beamline_runtime_inflight_requests',
      help: 'Inference requests received and not yet answered',
      labelNames: ['model', 'version'],
      registers,
    });
    this.loadSeconds = new Gauge({
      name: 'beamline_runtime_model_load_seconds',
      help: 'Time to fetch, load and warm up the model at start',
      labelNames: ['model', 'version', 'source'],
      registers,
    });
    this.rangeWarnings = new Counter({
      name: 'beamline_runtime_range_warnings_total',
      help: 'Requests served although an input was outside its variable range (policy warn)',
      labelNames: ['model', 'version', 'input'],
      registers,
    });
    this.modelLoads = new Counter({
      name: 'beamline_runtime_model_loads_total',
      help: 'Model loads of a multi-model replica by outcome (success, failure): on first request or POST /v2/repository/models/{name}/load',
      labelNames: ['model', 'version', 'outcome'],
      registers,
    });
    this.modelUnloads = new Counter({
      name: 'beamline_runtime_model_unloads_total',
      help: 'Model unloads of a multi-model replica by reason: lru (to fit the memory budget) or request (POST .../unload)',
      labelNames: ['model', 'version', 'reason'],
      registers,
    });
    this.modelLoadDuration = new Histogram({
      name: 'beamline_runtime_model_load_duration_seconds',
      help: 'Time to create a model session and warm it up (multi-model replicas)',
      labelNames: ['model', 'version'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers,
    });
    this.modelMemory = new Gauge({
      name: 'beamline_runtime_model_memory_bytes',
      help: 'Estimated memory of each loaded model (memory-plan.ts), 0 when not loaded; their sum stays within the memory budget',
      labelNames: ['model', 'version'],
      registers,
    });
    this.memoryBudget = new Gauge({
      name: 'beamline_runtime_memory_budget_bytes',
      help: 'The memory budget a multi-model replica keeps its loaded models within',
      registers,
    });
  }

  /** Children bound to one model version: the hot path skips label hashing. */
  forModel(model: string, version: string) {
    const labels = { model, version };
    return {
      success: this.requests.labels({ ...labels, outcome: 'success' }),
      badRequest: this.requests.labels({ ...labels, outcome: 'bad_request' }),
      error: this.requests.labels({ ...labels, outcome: 'error' }),
      queue: this.duration.labels({ ...labels, phase: 'queue' }),
      compute: this.duration.labels({ ...labels, phase: 'compute' }),
      total: this.duration.labels({ ...labels, phase: 'total' }),
      batchSize: this.batchSize.labels(labels),
      inflight: this.inflight.labels(labels),
      rangeWarning: (input: string) => this.rangeWarnings.inc({ ...labels, input }),
    };
  }
}

export type ModelMetrics = ReturnType<RuntimeMetrics['forModel']>;
