import { Global, Inject, Module, RequestMethod, type DynamicModule, type MiddlewareConsumer, type NestModule } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { AuditController } from './audit.controller.js';
import { AuditInterceptor, AuditMiddleware } from './audit.middleware.js';
import { AuditRepository } from './audit.repository.js';
import { AuditService } from './audit.service.js';

/** Whether this app serves the API (and so records HTTP changes); per app, since tests run several. */
const RECORDS_HTTP = Symbol('beamline:audit-records-http');

/**
 * AuditService in every role (the controller role records automatic rollbacks); global so a
 * domain module can inject it without importing this one. The API role adds GET /v1/audit and
 * the hooks that record HTTP changes (audit.middleware.ts).
 */
@Global()
@Module({})
export class AuditModule implements NestModule {
  constructor(@Inject(RECORDS_HTTP) private readonly recordsHttp: boolean) {}

  static forRoles(roles: { api: boolean }): DynamicModule {
    return {
      module: AuditModule,
      controllers: roles.api ? [AuditController] : [],
      providers: [
        { provide: RECORDS_HTTP, useValue: roles.api },
        AuditRepository,
        AuditService,
        ...(roles.api ? [{ provide: APP_INTERCEPTOR, useClass: AuditInterceptor }] : []),
      ],
      exports: [AuditService],
    };
  }

  configure(consumer: MiddlewareConsumer): void {
    if (this.recordsHttp) consumer.apply(AuditMiddleware).forRoutes({ path: 'v1/*path', method: RequestMethod.ALL });
  }
}
