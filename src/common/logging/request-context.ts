import { randomUUID } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import type { MetricsService } from '../metrics/metrics.service.js';
import type { JsonLogger } from './json-logger.js';

const SAFE_ID = /^[\w.:-]{1,128}$/;

/**
 * Express middleware, first in the chain: gives every request an id (taken from a
 * sane X-Request-Id or generated), echoes it, and on finish logs one JSON line and
 * observes the duration histogram by route template (not raw path: bounded labels).
 */
export function requestContext(logger: JsonLogger, metrics: MetricsService) {
  return (req: Request & { id?: string }, res: Response, next: NextFunction): void => {
    const incoming = req.headers['x-request-id'];
    req.id = typeof incoming === 'string' && SAFE_ID.test(incoming) ? incoming : randomUUID();
    res.setHeader('X-Request-Id', req.id);
    const started = process.hrtime.bigint();
    res.on('finish', () => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const route = req.route?.path ? `${req.baseUrl}${req.route.path as string}` : 'unmatched';
      metrics.httpDuration.observe({ method: req.method, route, status: String(res.statusCode) }, seconds);
      logger.pino.info(
        { requestId: req.id, method: req.method, route, path: req.originalUrl, status: res.statusCode, ms: Math.round(seconds * 1000) },
        'request',
      );
    });
    next();
  };
}
