import type { InferRecord, StatusSample } from './endpoint-checker.js';
import type { Random } from './fault-injector.js';

/** The endpoint's view as GET .../endpoints/<name> answers it (the fields the suite reads). */
export interface EndpointView {
  phase: string;
  modelVersion: number;
  desiredRevision: number;
  goodRevision: number | null;
  replicas: number;
  observed: { revision?: number; readyReplicas?: number; rollout?: string };
}

/**
 * Inference against the endpoint through whichever api is up, and a status sampler.
 * The model is y = v·x (linearModel([[v]], [0])): version 1 answers x, version 2 answers 2x,
 * so every 200 says which version served it, and any other output is wrong.
 */
export class EndpointLoad {
  readonly record: InferRecord = { operations: 0, statuses: new Map(), byVersion: { v1: 0, v2: 0 }, wrong: [], serverErrors: [] };
  readonly samples: StatusSample[] = [];
  private stopped = false;

  constructor(
    private readonly apis: () => string[],
    private readonly token: string,
    private readonly path: string,
    private readonly random: Random,
    private readonly log: (line: string) => void,
  ) {}

  /** `concurrency` inference loops and one sampler (about once a second) until stop(). */
  async run(concurrency: number): Promise<void> {
    await Promise.all([...Array.from({ length: concurrency }, () => this.inferLoop()), this.sampleLoop()]);
  }

  stop(): void {
    this.stopped = true;
  }

  /** One read of the endpoint through a random live api; undefined unless it answered 200. */
  async read(): Promise<EndpointView | undefined> {
    const res = await this.call('GET', this.path, undefined, false);
    return res?.status === 200 ? (res.body as EndpointView) : undefined;
  }

  private async inferLoop(): Promise<void> {
    while (!this.stopped) {
      const x = [1 + Math.floor(this.random() * 100), 1 + Math.floor(this.random() * 100)];
      this.record.operations++;
      const res = await this.call('POST', `${this.path}/infer`, { inputs: [{ name: 'x', shape: [2, 1], datatype: 'FP32', data: x }] });
      if (res?.status === 200) {
        const data = (res.body as { outputs?: { data?: unknown }[] })?.outputs?.[0]?.data;
        if (same(data, x)) this.record.byVersion.v1++;
        else if (same(data, x.map((v) => 2 * v))) this.record.byVersion.v2++;
        else if (this.record.wrong.length < 20) {
          this.record.wrong.push({ at: Date.now(), input: x, output: res.body });
          this.log(`wrong outputs for ${JSON.stringify(x)}: ${JSON.stringify(res.body).slice(0, 300)}`);
        }
      }
      await sleep(100 + this.random() * 300);
    }
  }

  private async sampleLoop(): Promise<void> {
    while (!this.stopped) {
      const view = await this.read();
      if (view) {
        this.samples.push({
          at: Date.now(),
          phase: view.phase,
          desiredRevision: view.desiredRevision,
          modelVersion: view.modelVersion,
          ready: view.observed.readyReplicas ?? 0,
          replicas: view.replicas,
        });
      }
      await sleep(1000);
    }
  }

  /** One request to a random live api; undefined on a network error (or when none is up). */
  async call(method: string, path: string, body?: unknown, count = true): Promise<{ status: number; body: unknown } | undefined> {
    const tally = (what: string) => count && this.record.statuses.set(what, (this.record.statuses.get(what) ?? 0) + 1);
    const apis = this.apis();
    if (apis.length === 0) {
      tally('no api up');
      await sleep(200);
      return undefined;
    }
    const base = apis[Math.floor(this.random() * apis.length)];
    try {
      const res = await fetch(`${base}${path}`, {
        method,
        headers: { authorization: `Bearer ${this.token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
        body: body ? JSON.stringify(body) : undefined,
        signal: AbortSignal.timeout(15_000),
      });
      const text = await res.text();
      tally(String(res.status));
      if (res.status >= 500 && this.record.serverErrors.length < 50) {
        this.record.serverErrors.push({ at: Date.now(), method, path, status: res.status, body: text.slice(0, 300) });
      }
      let parsed: unknown;
      try {
        parsed = text ? JSON.parse(text) : undefined;
      } catch {
        parsed = text;
      }
      return { status: res.status, body: parsed };
    } catch {
      tally('network');
      return undefined;
    }
  }
}

function same(data: unknown, expected: number[]): boolean {
  return Array.isArray(data) && data.length === expected.length && data.every((v, i) => v === expected[i]);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
