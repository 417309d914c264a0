import { Inject, Injectable, Optional } from '@nestjs/common';
import { SERVING_DRIVER, type ServingDriver } from '../../cluster/serving-driver.js';
import type { ProjectRef } from '../../common/auth/principal.js';
import { EndpointsRepository } from './endpoints.repository.js';
import type { ObservedState } from './endpoints.view.js';
import { subEndpointId } from './sub-deployments.js';
import type { CanaryState, ShadowState } from './traffic-split.js';

export interface Route {
  endpointId: string;
  modelName: string;
  upstreams: string[];
  /** Serves many models (model-set.ts): requests name their model, and each model keeps to one replica while it can. */
  multiModel?: boolean;
  /** Autoscaled: with no ready replica, a request is held (bounded) and counted as demand (endpoint-demand.ts). */
  autoscaled?: boolean;
  /** A canary answers `percent` % of requests from its own replicas (traffic-split.ts). */
  canary?: SubRoute;
  /** `percent` % of requests are copied to the shadow's replicas; its answers are dropped. */
  shadow?: SubRoute;
}

export interface SubRoute {
  revision: number;
  /** The shadow may serve another model (same inputs and outputs): its infer path names it. */
  modelName: string;
  percent: number;
  upstreams: string[];
}

const CACHE_MS = 250;

interface Entry {
  at: number;
  route?: Route;
  observed: ObservedState;
}

/**
 * Where the infer proxy sends an endpoint's traffic. When the serving driver runs in this
 * process (embedded `all` role) its live view is used, so traffic switches the moment a
 * replica turns ready or starts draining; otherwise the upstreams the controller last
 * stored, re-read at most every 250 ms. Picks round-robin.
 */
@Injectable()
export class EndpointRouter {
  private readonly cache = new Map<string, Entry>();
  /** Reads in flight: when an entry expires under load, the requests in flight wait for one read, not one each. */
  private readonly reading = new Map<string, Promise<Entry>>();
  private next = 0;

  constructor(
    private readonly repo: EndpointsRepository,
    @Optional() @Inject(SERVING_DRIVER) private readonly driver?: ServingDriver,
  ) {}

  async route(project: ProjectRef, name: string): Promise<Route | undefined> {
    const key = `${project.id}/${name}`;
    let entry = this.cache.get(key);
    if (!entry || Date.now() - entry.at > CACHE_MS) entry = await this.read(key, project.id, name);
    const route = entry.route;
    if (!route) return undefined;
    const live = this.live(route.endpointId);
    if (!live) return route;
    // The plain endpoint (no canary, no shadow), every request: one object, no sub-route look-ups.
    if (!route.canary && !route.shadow) return { ...route, upstreams: live };
    const sub = (s: SubRoute | undefined, id: string) => s && { ...s, upstreams: this.live(id) ?? [] };
    return { ...route, upstreams: live, canary: sub(route.canary, subEndpointId(route.endpointId, 'canary')), shadow: sub(route.shadow, subEndpointId(route.endpointId, 'shadow')) };
  }

  /**
   * Round-robin over the upstreams, skipping the ones that just failed this request. With a
   * `key` (a multi-model endpoint's model name), rendezvous hashing instead: the upstream
   * scoring highest for the key, so each model's requests go to the replica that has it
   * loaded and a replica pool holds up to N × its budget of distinct models; when that one
   * fails or leaves, the next highest, and only that model's requests move.
   */
  pick(route: Route, skip: ReadonlySet<string>, key?: string): string | undefined {
    const usable = skip.size === 0 ? route.upstreams : route.upstreams.filter((u) => !skip.has(u));
    if (usable.length === 0) return undefined;
    if (key !== undefined) return usable.reduce((best, u) => (score(key, u) > score(key, best) ? u : best));
    this.next = (this.next + 1) % 1_000_000;
    return usable[this.next % usable.length];
  }

  /** Forget a cached route (after a failure) so the next look is fresh: a read already in flight is not joined either. */
  invalidate(project: ProjectRef, name: string): void {
    this.cache.delete(`${project.id}/${name}`);
    this.reading.delete(`${project.id}/${name}`);
  }

  /** One read of the endpoint's row per key at a time; only the newest read (not one invalidated meanwhile) is cached. */
  private read(key: string, projectId: string, name: string): Promise<Entry> {
    const inFlight = this.reading.get(key);
    if (inFlight) return inFlight;
    const pending: Promise<Entry> = this.repo
      .find(projectId, name)
      .then((row) => {
        const observed = (row?.observed ?? {}) as ObservedState;
        const entry: Entry = { at: Date.now(), observed, route: row && row.phase !== 'Deleting' ? toRoute(row, observed) : undefined };
        if (this.reading.get(key) === pending) this.cache.set(key, entry);
        return entry;
      })
      .finally(() => {
        if (this.reading.get(key) === pending) this.reading.delete(key);
      });
    this.reading.set(key, pending);
    return pending;
  }

  private live(endpointId: string): string[] | undefined {
    try {
      if (!this.driver) return undefined;
      return this.driver.upstreamsOf ? this.driver.upstreamsOf(endpointId) : this.driver.observe().find((o) => o.endpointId === endpointId)?.upstreams;
    } catch {
      return undefined;
    }
  }
}

/** FNV-1a of key and upstream: cheap, stable across processes, so every API instance picks alike. */
function score(key: string, upstream: string): number {
  let h = 0x811c9dc5;
  const text = `${key}\n${upstream}`;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

function toRoute(row: { id: string; model: { name: string }; autoscaling: unknown; canary: unknown; shadow: unknown; multiModel: boolean }, observed: ObservedState): Route {
  const canary = row.canary as CanaryState | null;
  const shadow = row.shadow as ShadowState | null;
  return {
    endpointId: row.id,
    modelName: row.model.name,
    upstreams: observed.upstreams ?? [],
    autoscaled: row.autoscaling !== null,
    ...(row.multiModel ? { multiModel: true } : {}),
    ...(canary ? { canary: { revision: canary.revision, modelName: row.model.name, percent: canary.percent, upstreams: observed.canary?.upstreams ?? [] } } : {}),
    ...(shadow ? { shadow: { revision: shadow.revision, modelName: shadow.model, percent: shadow.percent, upstreams: observed.shadow?.upstreams ?? [] } } : {}),
  };
}
