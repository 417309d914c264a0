import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { AppError, ErrorCode } from '../errors/app-error.js';
import { AuthRepository } from './auth.repository.js';
import type { AuthedRequest } from './principal.js';
import { IS_PUBLIC, READS_ONLY } from './public.decorator.js';
import { hashToken } from './token.js';

const READ_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Global guard. 1) public routes pass; 2) the bearer token must exist and not be
 * revoked (401); 3) where the route has a `:project`, the project must exist (404)
 * and the token must reach it (403); VIEWER tokens may only read (GET, or routes marked
 * @ReadsOnly() such as inference).
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly auth: AuthRepository,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const isPublic = this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, [context.getHandler(), context.getClass()]);
    if (isPublic) return true;
    const request = context.switchToHttp().getRequest<Request & AuthedRequest>();

    const header = request.headers.authorization ?? '';
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    if (!match) throw new AppError(ErrorCode.Unauthenticated, 'A bearer token is required (Authorization: Bearer <token>)');
    const principal = await this.auth.findPrincipal(hashToken(match[1]));
    if (!principal) throw new AppError(ErrorCode.Unauthenticated, 'The bearer token is invalid or revoked');
    request.principal = principal;

    const projectName = request.params?.project as string | undefined;
    if (projectName === undefined) return true;
    const project = await this.auth.findProject(projectName);
    if (!project) throw AppError.notFound(`Project '${projectName}'`);
    if (principal.role !== 'ADMIN' && !principal.projectIds.has(project.id)) {
      throw new AppError(ErrorCode.Forbidden, `This token may not access project '${projectName}'`);
    }
    const readsOnly = READ_METHODS.has(request.method) || this.reflector.getAllAndOverride<boolean>(READS_ONLY, [context.getHandler(), context.getClass()]);
    if (principal.role === 'VIEWER' && !readsOnly) {
      throw new AppError(ErrorCode.Forbidden, 'This token is read-only (role VIEWER)');
    }
    request.project = project;
    return true;
  }
}
