import { Module, type DynamicModule } from '@nestjs/common';
import { ConsoleController } from './console.controller.js';
import { EndpointTrafficController } from './endpoint-traffic.controller.js';
import { CONSOLE_DIR, defaultConsoleDir } from './console-files.js';

/** The web console at /ui, served by the api role only (the controller role serves no HTTP API). */
@Module({})
export class ConsoleModule {
  static forRoles(roles: { api: boolean }, dir = defaultConsoleDir()): DynamicModule {
    if (!roles.api) return { module: ConsoleModule };
    return { module: ConsoleModule, controllers: [ConsoleController, EndpointTrafficController], providers: [{ provide: CONSOLE_DIR, useValue: dir }] };
  }
}
