import type { Random } from './fault-injector.js';

/** What the load generator did, as the checker needs it: every acknowledgement it got. */
export interface LoadRecord {
  /** Idempotency-Key → the job id an api acknowledged (2xx) for it. */
  acknowledged: Map<string, string>;
  /** Keys never acknowledged (every try failed): they may or may not exist. */
  unacknowledged: Set<string>;
  /** Job ids whose cancel was acknowledged (200). */
  cancelled: Set<string>;
  /** Job ids a cancel was sent for, acknowledged or not. */
  cancelAsked: Set<string>;
  operations: { submit: number; cancel: number; query: number; retries: number };
  /** HTTP status (or 'network') → count, every try included. */
  statuses: Map<string, number>;
  /** The first 5xx answers, with what was asked and when: a 5xx is an anomaly unless it is a 503 during a fault. */
  serverErrors: { at: number; method: string; path: string; status: number; body: string }[];
  /** Requests sent, by the api's base URL (a restarted api has a new port, so a new URL). */
  byApi: Map<string, number>;
}

/** A request of the load that has been sent and not yet answered. */
export interface InFlight {
  base: string;
  method: string;
  path: string;
  /** A submission's Idempotency-Key. */
  key?: string;
  /** When it was sent (epoch ms). */
  since: number;
}

export const PROJECT_PATH = '/v1/projects/default/training-jobs';

/**
 * Submits idempotent jobs, cancels some and queries them, against whichever api is up.
 * A submission is retried with the same Idempotency-Key on a network error or a 5xx (on
 * either api) until acknowledged: an acknowledged key must exist exactly once afterwards.
 * Each job runs `jobCommand(key)`, a short worker that leaves start/end evidence.
 */
export class LoadGenerator {
  readonly record: LoadRecord = {
    acknowledged: new Map(),
    unacknowledged: new Set(),
    cancelled: new Set(),
    cancelAsked: new Set(),
    operations: { submit: 0, cancel: 0, query: 0, retries: 0 },
    statuses: new Map(),
    serverErrors: [],
    byApi: new Map(),
  };
  /** Requests sent and not yet answered: what a kill of an api "mid-request" aims at (fault-injector.ts). */
  readonly inFlight = new Set<InFlight>();
  private stopped = false;
  private sequence = 0;

  constructor(
    private readonly apis: () => string[],
    private readonly token: string,
    private readonly random: Random,
    private readonly jobCommand: (key: string) => string[],
    /** More fields of each submission (the Kubernetes suite's GPU and KWOK runtime), merged over the defaults. */
    private readonly jobFields: (key: string) => Record<string, unknown> = () => ({}),
  ) {}

  /** `concurrency` loops until stop(); resolves when they have all ended. */
  async run(concurrency: number): Promise<void> {
    await Promise.all(Array.from({ length: concurrency }, (_, i) => this.loop(i)));
  }

  stop(): void {
    this.stopped = true;
  }

  private async loop(worker: number): Promise<void> {
    while (!this.stopped) {
      const key = `chaos-${worker}-${this.sequence++}`;
      const id = await this.submit(key);
      if (id && this.random() < 0.2) {
        await sleep(this.random() * 1500);
        await this.cancel(id);
      }
      if (id) await this.query(id);
      await sleep(400 + this.random() * 800); // about one job a second in all: what two busy cores drain
    }
  }

  private async submit(key: string): Promise<string | undefined> {
    this.record.operations.submit++;
    const body = { name: 'chaos', image: 'unused', command: this.jobCommand(key), resources: { cpu: '100m', memory: '64Mi' }, ...this.jobFields(key) };
    for (let attempt = 0; attempt < 40; attempt++) {
      if (attempt > 0) this.record.operations.retries++;
      const res = await this.call('POST', PROJECT_PATH, body, { 'idempotency-key': key });
      if (res && res.status >= 200 && res.status < 300) {
        const id = (res.body as { id: string }).id;
        this.record.acknowledged.set(key, id);
        return id;
      }
      if (res && res.status < 500 && res.status !== 429) throw new Error(`submit ${key} was refused with ${res.status}: ${JSON.stringify(res.body)}`);
      await sleep(250);
    }
    this.record.unacknowledged.add(key);
    return undefined;
  }

  private async cancel(id: string): Promise<void> {
    this.record.operations.cancel++;
    this.record.cancelAsked.add(id);
    for (let attempt = 0; attempt < 20; attempt++) {
      const res = await this.call('POST', `${PROJECT_PATH}/${id}/cancel`);
      if (res?.status === 200) {
        this.record.cancelled.add(id);
        return;
      }
      if (res?.status === 409) return; // it had ended already
      await sleep(250);
    }
  }

  private async query(id: string): Promise<void> {
    this.record.operations.query++;
    await this.call('GET', `${PROJECT_PATH}/${id}`);
    if (this.random() < 0.3) await this.call('GET', `${PROJECT_PATH}?limit=20`);
  }

  /** One request to a random live api; undefined on a network error (or when none is up). */
  private async call(method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
    const apis = this.apis();
    const count = (what: string) => this.record.statuses.set(what, (this.record.statuses.get(what) ?? 0) + 1);
    if (apis.length === 0) {
      count('no api up');
      await sleep(200);
      return undefined;
    }
    const base = apis[Math.floor(this.random() * apis.length)];
    this.record.byApi.set(base, (this.record.byApi.get(base) ?? 0) + 1);
    const request: InFlight = { base, method, path, key: headers['idempotency-key'], since: Date.now() };
    this.inFlight.add(request);
    try {
      const res = await fetch(`${base}${path}`, {
        method,
        headers: { authorization: `Bearer ${this.token}`, ...(body ? { 'content-type': 'application/json' } : {}), ...headers },
        body: body ? JSON.stringify(body) : undefined,
        signal: AbortSignal.timeout(15_000),
      });
      const text = await res.text();
      count(String(res.status));
      if (res.status >= 500 && this.record.serverErrors.length < 50) this.record.serverErrors.push({ at: Date.now(), method, path, status: res.status, body: text.slice(0, 300) });
      return { status: res.status, body: text ? (JSON.parse(text) as unknown) : undefined };
    } catch {
      count('network');
      return undefined;
    } finally {
      this.inFlight.delete(request);
    }
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
