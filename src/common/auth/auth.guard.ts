import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { AppError, ErrorCode } from '../errors/app-error.js';
import { AuthRepository } from './auth.repository.js';
import { IS_PUBLIC, READS_ONLY } from './public.decorator.js';
import { hashToken } from './token.js';
import { TtlCache } from './ttl-cache.js';
import type { AuthedRequest, Principal, ProjectRef } from './principal.js';

const READ_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
/**
 * Every request looked up its token and its project: two queries before any work, which
 * dominated the infer proxy's cost (docs/benchmarks.md). Found tokens and projects are kept
 * for 1 s; a revoked token therefore stops working within a second. Misses are not kept,
 * so a new token or project works at once.
 */
const CACHE_MS = 1000;

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

  private readonly principals = new TtlCache<string, Principal>(CACHE_MS);
  private readonly projects = new TtlCache<string, ProjectRef>(CACHE_MS);

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const isPublic = this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, [context.getHandler(), context.getClass()]);
    if (isPublic) return true;
    const request = context.switchToHttp().getRequest<Request & AuthedRequest>();

    const header = request.headers.authorization ?? '';
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    if (!match) throw new AppError(ErrorCode.Unauthenticated, 'A bearer token is required (Authorization: Bearer <token>)');
    const hash = hashToken(match[1]);
    const principal = await this.cached(this.principals, hash, () => this.auth.findPrincipal(hash));
    if (!principal) throw new AppError(ErrorCode.Unauthenticated, 'The bearer token is invalid or revoked');
    request.principal = principal;

    const projectName = request.params?.project as string | undefined;
    if (projectName === undefined) return true;
    const project = await this.cached(this.projects, projectName, async () => (await this.auth.findProject(projectName)) ?? undefined);
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

  /** A hit is served as it was stored (its age is not renewed, so it expires on time); only finds are stored. */
  private async cached<V>(cache: TtlCache<string, V>, key: string, load: () => Promise<V | undefined>): Promise<V | undefined> {
    const hit = cache.get(key);
    if (hit) return hit;
    const found = await load();
    if (found) cache.set(key, found);
    return found;
  }
}
