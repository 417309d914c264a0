import { RolloutFailed, WaitTimeout } from './errors.js';
import { newIdempotencyKey, sleep, type Http } from './http.js';
import { toTensor, type InferRequest, type InferResponse, type ModelMetadata, type TensorInput } from './infer.js';
import { PageIterator } from './pages.js';
import type { Endpoint, EndpointEvent, EndpointRevision, EndpointSpec, EndpointUpdate, Page } from './types.js';

const seg = encodeURIComponent;

export interface RolloutWaitOptions {
  timeoutMs?: number;
  intervalMs?: number;
  onProgress?: (endpoint: Endpoint) => void;
  signal?: AbortSignal;
}

/** Which model of the endpoint answers: needed for a multi-model endpoint (docs/endpoints.md, "Many models per replica"). */
export interface ModelOption {
  /** Sends the request to the endpoint's V2 route `v2/models/{model}/infer`; without it, to the endpoint's `infer`. */
  model?: string;
}

export interface InferOptions extends ModelOption {
  id?: string;
  parameters?: Record<string, unknown>;
  /** Which outputs to return (all by default). */
  outputs?: string[];
}

/** The rollout of the desired revision is over: every replica runs it. */
const rolledOut = (e: Endpoint) => e.phase === 'Complete' && (e.observed?.revision == null || e.observed.revision === e.desiredRevision);

export class Endpoints {
  constructor(
    private readonly http: Http,
    private readonly base: () => string,
  ) {}

  /**
   * Creates an endpoint serving one model (`model`, `version`) or many from one replica pool
   * (`models: [{ model, version }]`, `memoryBudget`); carries an Idempotency-Key so a lost
   * response is retried safely.
   */
  deploy(spec: EndpointSpec, options: { idempotencyKey?: string } = {}): Promise<Endpoint> {
    return this.http.json('POST', this.base(), { json: spec, headers: { 'idempotency-key': options.idempotencyKey ?? newIdempotencyKey() } });
  }

  /**
   * Changes version (or, multi-model, `models`: the whole new list, and `memoryBudget`),
   * replicas, resources, ...; a new revision rolls out when anything changed.
   */
  update(name: string, changes: EndpointUpdate): Promise<Endpoint> {
    return this.http.json('PATCH', `${this.base()}/${seg(name)}`, { json: changes });
  }

  scale(name: string, replicas: number): Promise<Endpoint> {
    return this.http.json('POST', `${this.base()}/${seg(name)}/scale`, { json: { replicas } });
  }

  get(name: string): Promise<Endpoint> {
    return this.http.json('GET', `${this.base()}/${seg(name)}`);
  }

  /** Sorted by name. */
  list(options: { limit?: number } = {}): PageIterator<Endpoint> {
    return new PageIterator((cursor) => this.http.json<Page<Endpoint>>('GET', this.base(), { query: { limit: options.limit, cursor } }));
  }

  /** Newest first. */
  async revisions(name: string): Promise<EndpointRevision[]> {
    return (await this.http.json<{ items: EndpointRevision[] }>('GET', `${this.base()}/${seg(name)}/revisions`)).items;
  }

  /** Oldest first. */
  async events(name: string): Promise<EndpointEvent[]> {
    return (await this.http.json<{ items: EndpointEvent[] }>('GET', `${this.base()}/${seg(name)}/events`)).items;
  }

  /** Back to `revision`, or to the previous good revision when none is given. */
  rollback(name: string, revision?: number): Promise<Endpoint> {
    return this.http.json('POST', `${this.base()}/${seg(name)}/rollback`, { json: revision === undefined ? {} : { revision } });
  }

  /**
   * Starts a canary (`{version | revision, percent, replicas?, analysis?}`), changes the running
   * one's percent or analysis (no version or revision), or rolls it back (null). The controller
   * promotes or rolls it back by its error rate and p99 against stable (docs/endpoints.md).
   */
  canary(name: string, canary: NonNullable<EndpointUpdate['canary']> | null): Promise<Endpoint> {
    return this.update(name, { canary });
  }

  /** Mirrors `percent` % of requests to another version or revision, answers dropped; null stops it. */
  shadow(name: string, shadow: NonNullable<EndpointUpdate['shadow']> | null): Promise<Endpoint> {
    return this.update(name, { shadow });
  }

  /** Promotes the running canary now: its template becomes the desired revision. */
  promoteCanary(name: string): Promise<Endpoint> {
    return this.http.json('POST', `${this.base()}/${seg(name)}/canary/promote`);
  }

  /** Rolls the running canary back now: stable answers every request. */
  rollbackCanary(name: string): Promise<Endpoint> {
    return this.http.json('POST', `${this.base()}/${seg(name)}/canary/rollback`);
  }

  /** Starts deletion (phase Deleting); the endpoint is gone (404) once the controller removed it. */
  delete(name: string): Promise<Endpoint> {
    return this.http.json('DELETE', `${this.base()}/${seg(name)}`);
  }

  /** Polls until the desired revision is fully rolled out; RolloutFailed when it failed or was rolled back. */
  async waitRolledOut(name: string, options: RolloutWaitOptions = {}): Promise<Endpoint> {
    const deadline = options.timeoutMs === undefined ? Number.POSITIVE_INFINITY : Date.now() + options.timeoutMs;
    for (;;) {
      const endpoint = await this.get(name);
      options.onProgress?.(endpoint);
      if (rolledOut(endpoint)) return endpoint;
      if (endpoint.phase === 'Failed' || endpoint.phase === 'RolledBack') {
        throw new RolloutFailed(`endpoint ${name}: rollout of revision ${endpoint.desiredRevision} ended ${endpoint.phase}: ${endpoint.message ?? endpoint.reason ?? ''}`, endpoint);
      }
      const left = deadline - Date.now();
      if (left <= 0) throw new WaitTimeout(`endpoint ${name} is still ${endpoint.phase} after ${options.timeoutMs} ms`, endpoint);
      await sleep(Math.min(options.intervalMs ?? 1000, left), options.signal);
    }
  }

  /**
   * One V2 inference through the API. Inputs are named tensors: typed arrays, nested
   * arrays (shape from the nesting, FP32 unless `datatype` says otherwise) or
   * `{ data, shape, datatype }`. On a multi-model endpoint, `model` says which model answers.
   */
  infer(name: string, inputs: Record<string, TensorInput>, options: InferOptions = {}): Promise<InferResponse> {
    const request: InferRequest = {
      id: options.id,
      parameters: options.parameters,
      inputs: Object.entries(inputs).map(([input, value]) => toTensor(input, value)),
      outputs: options.outputs?.map((output) => ({ name: output })),
    };
    return this.inferRequest(name, request, { model: options.model });
  }

  /**
   * The V2 metadata of one model the endpoint serves (`GET …/v2/models/{model}`): its inputs
   * and outputs with datatypes and shapes. On a multi-model endpoint this loads the model
   * when it is not loaded, as a request would.
   */
  modelMetadata(name: string, model: string): Promise<ModelMetadata> {
    return this.http.json('GET', `${this.base()}/${seg(name)}/v2/models/${seg(model)}`);
  }

  /** A V2 infer request as the runtime takes it, sent unchanged (to `model` of a multi-model endpoint). */
  inferRequest(name: string, request: InferRequest, options: ModelOption = {}): Promise<InferResponse> {
    const route = options.model === undefined ? 'infer' : `v2/models/${seg(options.model)}/infer`;
    return this.http.json('POST', `${this.base()}/${seg(name)}/${route}`, { json: request });
  }
}
