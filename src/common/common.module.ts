import { Global, Module, type DynamicModule } from '@nestjs/common';
import { APP_FILTER, APP_GUARD, APP_INTERCEPTOR } from '@nestjs/core';
import { AuthGuard } from './auth/auth.guard.js';
import { JsonBodyInterceptor } from './validation/json-body.interceptor.js';
import { UrlTextGuard } from './validation/url-text.guard.js';
import { AuthRepository } from './auth/auth.repository.js';
import { APP_CONFIG } from './config/config.js';
import type { AppConfig } from './config/config.schema.js';
import { PrismaService } from './database/prisma.service.js';
import { ProblemFilter } from './errors/problem.filter.js';
import { HealthController } from './health/health.controller.js';
import { MetricsService } from './metrics/metrics.service.js';
import { RedisHealth } from './queue/redis-health.js';
import { RateLimitGuard } from './rate-limit/rate-limit.guard.js';
import { RateLimitMetrics } from './rate-limit/rate-limit.metrics.js';
import { RateLimiter } from './rate-limit/rate-limiter.js';

/** Config, database, auth, errors, health and metrics: what every role shares. */
@Global()
@Module({})
export class CommonModule {
  static forConfig(config: AppConfig, metrics: MetricsService): DynamicModule {
    return {
      module: CommonModule,
      controllers: [HealthController],
      providers: [
        { provide: APP_CONFIG, useValue: config },
        { provide: MetricsService, useValue: metrics },
        PrismaService,
        RedisHealth,
        AuthRepository,
        RateLimiter,
        RateLimitMetrics,
        // Guards run in this order: the URL's text is checked before AuthGuard looks the project
        // up, and the rate limit needs the principal and project AuthGuard resolved.
        { provide: APP_GUARD, useClass: UrlTextGuard },
        { provide: APP_GUARD, useClass: AuthGuard },
        { provide: APP_GUARD, useClass: RateLimitGuard },
        { provide: APP_FILTER, useClass: ProblemFilter },
        { provide: APP_INTERCEPTOR, useClass: JsonBodyInterceptor },
      ],
      exports: [APP_CONFIG, MetricsService, PrismaService, RedisHealth, AuthRepository],
    };
  }
}
