import { METHODS } from 'node:http';
import type { NestExpressApplication } from '@nestjs/platform-express';

interface Layer {
  route?: { path: string | string[]; methods: Record<string, boolean>; stack: { name?: string }[] };
  handle?: { stack?: Layer[] };
}

/**
 * Every controller route the running app registered on Express, as `{ method, path }` with
 * the path as Express holds it (`/v1/projects/:project/...`). Nest names a controller's
 * handler `Controller.method`; routes without one (middleware mounted with all(), Swagger's
 * pages) are left out. A route on every method (@All) comes back once, as `ALL`.
 */
export function expressRoutes(app: NestExpressApplication): { method: string; path: string; handler: string }[] {
  const express = app.getHttpAdapter().getInstance() as { router?: { stack: Layer[] }; _router?: { stack: Layer[] } };
  const out: { method: string; path: string; handler: string }[] = [];
  const walk = (stack: Layer[]) => {
    for (const layer of stack) {
      if (layer.route) {
        const handler = layer.route.stack.map((s) => s.name ?? '').find((name) => /^\w+\.\w+$/.test(name));
        if (!handler) continue;
        const methods = Object.keys(layer.route.methods).filter((m) => layer.route!.methods[m]);
        const all = methods.includes('_all') || methods.length >= METHODS.length;
        const paths = Array.isArray(layer.route.path) ? layer.route.path : [layer.route.path];
        for (const path of paths) {
          for (const method of all ? ['ALL'] : methods.map((m) => m.toUpperCase())) out.push({ method, path, handler });
        }
      } else if (layer.handle?.stack) {
        walk(layer.handle.stack);
      }
    }
  };
  walk((express.router ?? express._router)?.stack ?? []);
  return out;
}
