import type { ExecutionContext } from '@nestjs/common';

/** A route's handler and controller class, as an ExecutionContext names them. */
export type RouteHandler = ReturnType<ExecutionContext['getHandler']>;
export type RouteClass = ReturnType<ExecutionContext['getClass']>;

/**
 * What a guard derives from a route's decorator metadata, kept per handler and controller
 * class. Decorators set their metadata once, when the classes are defined, so the answer
 * for one (handler, class) never changes; reading it through the Reflector on every
 * request was a visible part of the infer proxy's cost (docs/benchmarks.md). Keyed by
 * both because a subclass may inherit a handler and decorate itself differently.
 */
export class RouteMetadataCache<T> {
  private readonly byHandler = new WeakMap<RouteHandler, WeakMap<RouteClass, T>>();

  constructor(private readonly derive: (handler: RouteHandler, type: RouteClass) => T) {}

  get(handler: RouteHandler, type: RouteClass): T {
    // A hand-made context (a unit test's) may have no handler or class: nothing to key by.
    if (typeof handler !== 'function' || typeof type !== 'function') return this.derive(handler, type);
    let byType = this.byHandler.get(handler);
    if (!byType) this.byHandler.set(handler, (byType = new WeakMap()));
    let value = byType.get(type);
    if (value === undefined) byType.set(type, (value = this.derive(handler, type)));
    return value;
  }
}
