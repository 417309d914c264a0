import { Inject, Injectable, Optional } from '@nestjs/common';
import { SERVING_DRIVER, type ServingDriver } from '../../cluster/serving-driver.js';
import type { ProjectRef } from '../../common/auth/principal.js';
import { EndpointsRepository } from './endpoints.repository.js';
import type { ObservedState } from './endpoints.view.js';

export interface Route {
  endpointId: string;
  modelName: string;
  upstreams: string[];
  /** Autoscaled: with no ready replica, a request is held (bounded) and counted as demand (endpoint-demand.ts). */
  autoscaled?: boolean;
}

const CACHE_MS = 250;

/**
 * Where the infer proxy sends an endpoint's traffic. When the serving driver runs in this
 * process (embedded `all` role) its live view is used, so traffic switches the moment a
 * replica turns ready or starts draining; otherwise the upstreams the controller last
 * stored, re-read at most every 250 ms. Picks round-robin.
 */
@Injectable()
export class EndpointRouter {
  private readonly cache = new Map<string, { at: number; route?: Route; observed: ObservedState }>();
  private next = 0;

  constructor(
    private readonly repo: EndpointsRepository,
    @Optional() @Inject(SERVING_DRIVER) private readonly driver?: ServingDriver,
  ) {}

  async route(project: ProjectRef, name: string): Promise<Route | undefined> {
    const key = `${project.id}/${name}`;
    let entry = this.cache.get(key);
    if (!entry || Date.now() - entry.at > CACHE_MS) {
      const row = await this.repo.find(project.id, name);
      const observed = (row?.observed ?? {}) as ObservedState;
      entry = { at: Date.now(), observed, route: row && row.phase !== 'Deleting' ? { endpointId: row.id, modelName: row.model.name, upstreams: observed.upstreams ?? [], autoscaled: row.autoscaling !== null } : undefined };
      this.cache.set(key, entry);
    }
    if (!entry.route) return undefined;
    const live = this.live(entry.route.endpointId);
    return live ? { ...entry.route, upstreams: live } : entry.route;
  }

  /** Round-robin over the upstreams, skipping the ones that just failed this request. */
  pick(route: Route, skip: Set<string>): string | undefined {
    const usable = route.upstreams.filter((u) => !skip.has(u));
    if (usable.length === 0) return undefined;
    this.next = (this.next + 1) % 1_000_000;
    return usable[this.next % usable.length];
  }

  /** Forget a cached route (after a failure) so the next look is fresh. */
  invalidate(project: ProjectRef, name: string): void {
    this.cache.delete(`${project.id}/${name}`);
  }

  private live(endpointId: string): string[] | undefined {
    try {
      return this.driver?.observe().find((o) => o.endpointId === endpointId)?.upstreams;
    } catch {
      return undefined;
    }
  }
}
