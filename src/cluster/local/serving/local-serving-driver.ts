import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { EndpointDeployment, EndpointObservation, EndpointRef, RolloutEvent, ServingDriver } from '../../serving-driver.js';
import { loadEndpoint, loadEndpoints, saveState, type EndpointState } from './endpoint-files.js';
import { LocalEndpoint, type EndpointContext } from './local-endpoint.js';
import { defaultRuntimeCommand, type RuntimeCommand } from './replica-process.js';
import { Listeners } from '../../listeners.js';


export interface LocalServingOptions {
  /** First restart delay; doubles per exit in the last 5 minutes, at most 30 s. Default 1000. */
  restartBackoffMs?: number;
  /** Exits in a row before ever being ready that make a rolling-out replica a crash loop. Default 3. */
  crashLoopAfter?: number;
  /** How often replicas are probed and the rollouts moved on. Default 500. */
  readyPollMs?: number;
  /** How to run `beamline runtime`; default: the CLI of this same tree. */
  runtimeCommand?: () => RuntimeCommand;
}

/**
 * The local ServingDriver: every replica a real `beamline runtime` process on a free
 * loopback port, in its own process group under a supervisor (worker-process.ts), so it
 * outlives a controller restart. Files under <home>/endpoints/<endpointId>/ (see
 * endpoint-files.ts); `start()` adopts what still runs and resumes the last apply.
 */
export class LocalServingDriver implements ServingDriver {
  readonly kind = 'local' as const;
  private readonly root: string;
  private readonly endpoints = new Map<string, LocalEndpoint>();
  private readonly listeners = new Listeners();
  private readonly eventListeners = new Listeners<[EndpointRef, RolloutEvent]>();
  private readonly ctx: EndpointContext;
  private timer?: NodeJS.Timeout;
  private ticking = false;
  private lastSeen = '';

  constructor(home: string, private readonly options: LocalServingOptions = {}) {
    this.root = resolve(home, 'endpoints');
    this.ctx = {
      runtime: (options.runtimeCommand ?? defaultRuntimeCommand)(),
      cacheDir: resolve(home, 'model-cache'),
      restartBackoffMs: options.restartBackoffMs ?? 1000,
      crashLoopAfter: options.crashLoopAfter ?? 3,
      event: (ref, event) => {
        this.eventListeners.emit(ref, event);
      },
    };
  }

  async start(): Promise<void> {
    await mkdir(this.root, { recursive: true });
    for (const { dir, state, replicas } of await loadEndpoints(this.root)) {
      this.endpoints.set(state.deployment.endpointId, await LocalEndpoint.adopt(dir, state, replicas, this.ctx));
    }
    this.lastSeen = JSON.stringify(this.observe());
    // Adopted replicas are not our children and readiness has no push: look every readyPollMs.
    this.timer = setInterval(() => void this.tick(), this.options.readyPollMs ?? 500);
    await this.tick();
  }

  /** Stops timers and watching; replicas keep serving (a platform restart must not take endpoints down). */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    for (const endpoint of this.endpoints.values()) endpoint.close();
    this.listeners.clear();
    this.eventListeners.clear();
  }

  /** Drains and stops every replica of every endpoint and forgets them (their folders are removed), then stops. */
  async stopAll(): Promise<void> {
    await Promise.all([...this.endpoints.keys()].map((endpointId) => this.deleteById(endpointId)));
    await this.stop();
  }

  onChange(listener: () => void): () => void {
    return this.listeners.add(listener);
  }

  onEvent(listener: (ref: EndpointRef, event: RolloutEvent) => void): () => void {
    return this.eventListeners.add(listener);
  }

  async apply(deployment: EndpointDeployment): Promise<void> {
    // The token is for pods pulling from the registry; a local replica reads the file.
    const { runtimeToken: _token, ...stored } = deployment;
    const existing = this.endpoints.get(deployment.endpointId);
    if (existing) await existing.apply(stored);
    else {
      const dir = join(this.root, deployment.endpointId);
      const state: EndpointState = { deployment: stored, progressStartedAt: Date.now(), complete: false };
      await saveState(dir, state);
      const endpoint = new LocalEndpoint(dir, state, [], this.ctx);
      this.endpoints.set(deployment.endpointId, endpoint);
      await endpoint.reconcile();
    }
    this.emitIfChanged();
  }

  observe(): EndpointObservation[] {
    return [...this.endpoints.values()].map((e) => e.observation()).sort((a, b) => (a.endpointId < b.endpointId ? -1 : 1));
  }

  upstreamsOf(endpointId: string): string[] | undefined {
    return this.endpoints.get(endpointId)?.upstreams();
  }

  async delete(ref: EndpointRef): Promise<void> {
    await this.deleteById(ref.endpointId);
    this.emitIfChanged();
  }

  async recordEvent(): Promise<void> {
    // Local endpoints have no event store of their own: the reconciler's event log is the record.
  }

  private async deleteById(endpointId: string): Promise<void> {
    let endpoint = this.endpoints.get(endpointId);
    if (!endpoint) {
      // Not started yet (or deleted before): what is on disk is still ours to stop.
      const dir = join(this.root, endpointId);
      const found = await loadEndpoint(dir);
      if (!found) return;
      endpoint = await LocalEndpoint.adopt(dir, found.state, found.replicas, this.ctx);
    }
    await endpoint.remove();
    this.endpoints.delete(endpointId);
  }

  private async tick(): Promise<void> {
    if (this.ticking) return;
    this.ticking = true;
    try {
      await Promise.all([...this.endpoints.values()].map((e) => e.reconcile().catch((error: Error) => process.emitWarning(`local serving driver: ${error.message}`))));
      this.emitIfChanged();
    } finally {
      this.ticking = false;
    }
  }

  /** onChange fires only when some observation really changed. */
  private emitIfChanged(): void {
    const seen = JSON.stringify(this.observe());
    if (seen === this.lastSeen) return;
    this.lastSeen = seen;
    this.listeners.emit();
  }
}
