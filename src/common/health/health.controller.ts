import { Controller, Get, Header, Res } from '@nestjs/common';
import { ApiExcludeEndpoint } from '@nestjs/swagger';
import type { Response } from 'express';
import { Public } from '../auth/public.decorator.js';
import { PrismaService } from '../database/prisma.service.js';
import { MetricsService } from '../metrics/metrics.service.js';
import { RedisHealth } from '../queue/redis-health.js';

@Controller()
@Public()
export class HealthController {
  constructor(
    private readonly prisma: PrismaService,
    private readonly redis: RedisHealth,
    private readonly metrics: MetricsService,
  ) {}

  /** Liveness: the process answers. Dependencies are readiness's business. */
  @Get('healthz')
  live() {
    return { status: 'ok' };
  }

  /** Readiness: 503 while PostgreSQL or Redis is unreachable, naming which. */
  @Get('readyz')
  async ready(@Res({ passthrough: true }) res: Response) {
    const [postgres, redis] = await Promise.all([this.prisma.isHealthy(), this.redis.isHealthy()]);
    const ok = postgres && redis;
    res.status(ok ? 200 : 503);
    return { status: ok ? 'ready' : 'not ready', checks: { postgres: postgres ? 'up' : 'down', redis: redis ? 'up' : 'down' } };
  }

  @Get('metrics')
  @ApiExcludeEndpoint()
  @Header('Content-Type', 'text/plain; version=0.0.4; charset=utf-8')
  scrape(): Promise<string> {
    return this.metrics.registry.metrics();
  }
}
