import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { AuthedRequest, Principal, ProjectRef } from './principal.js';

export const CurrentProject = createParamDecorator((_: unknown, ctx: ExecutionContext): ProjectRef => {
  return ctx.switchToHttp().getRequest<AuthedRequest>().project!;
});

export const CurrentPrincipal = createParamDecorator((_: unknown, ctx: ExecutionContext): Principal => {
  return ctx.switchToHttp().getRequest<AuthedRequest>().principal!;
});
