import { Inject, Injectable } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { APP_CONFIG } from './config/config.js';
import type { AppConfig } from './config/config.schema.js';

/**
 * How workers and replicas reach this API: BEAMLINE_PUBLIC_URL when set, else the
 * loopback address of the port this process really listens on (which differs from
 * BEAMLINE_PORT when it was 0, as in tests).
 */
@Injectable()
export class PublicUrl {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly adapterHost: HttpAdapterHost,
  ) {}

  get(): string {
    if (this.config.BEAMLINE_PUBLIC_URL) return this.config.BEAMLINE_PUBLIC_URL.replace(/\/$/, '');
    const address = this.adapterHost.httpAdapter?.getHttpServer()?.address() as { port?: number } | null | undefined;
    return `http://127.0.0.1:${address?.port ?? this.config.BEAMLINE_PORT}`;
  }
}
