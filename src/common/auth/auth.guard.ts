import { Inject, Injectable, Optional, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import type { TokenRole } from '../../generated/prisma/enums.js';
import { AppError, ErrorCode } from '../errors/app-error.js';
import { AuthRepository } from './auth.repository.js';
import { OIDC_VERIFIER, type OidcPort } from './identity.port.js';
import { atLeast, roleIn, type AuthedRequest, type Principal, type ProjectRef, type Scope } from './principal.js';
import { ANY_SCOPE, IS_PUBLIC, PLATFORM_ADMIN, PROJECT_ROLE, READS_ONLY } from './public.decorator.js';
import { hashToken } from './token.js';
import { TtlCache } from './ttl-cache.js';

const READ_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Found tokens and projects are kept for 1 s (two queries per request dominated the infer
 * proxy's cost, docs/benchmarks.md); a revoked token therefore stops working within a
 * second. Misses are not kept, so a new token or project works at once.
 */
const CACHE_MS = 1000;
/** lastUsedAt is written at most once a minute per token: a write per request would cost more than the request. */
const TOUCH_MS = 60_000;

interface Cached {
  principal: Principal;
  expiresAt: Date | null;
}

/**
 * Global guard, in this order:
 * 1. public routes pass;
 * 2. the bearer credential is an API token (`bl_...`, not revoked, not expired) or, with
 *    SSO on, an OIDC access token valid for this platform (401 otherwise);
 * 3. the scope the request needs: `read` for GET, `infer` for @ReadsOnly routes, `write`
 *    for every other change (403); none for @AnyScope routes (whoami, login);
 * 4. @PlatformAdmin routes need a platform admin (403);
 * 5. on a `:project` route, the caller's role in that project must reach the route's
 *    (VIEWER for reads, MEMBER for changes, @RequireRole otherwise). A caller without
 *    any role there gets 403 whether or not the project exists, so names do not leak;
 *    platform admins, who reach every project, get 404 for a missing one.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly auth: AuthRepository,
    @Optional() @Inject(OIDC_VERIFIER) private readonly oidc?: OidcPort,
  ) {}

  private readonly principals = new TtlCache<string, Cached>(CACHE_MS);
  private readonly projects = new TtlCache<string, ProjectRef>(CACHE_MS);
  private readonly touched = new TtlCache<string, true>(TOUCH_MS);

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const meta = <T>(key: string) => this.reflector.getAllAndOverride<T>(key, [context.getHandler(), context.getClass()]);
    if (meta<boolean>(IS_PUBLIC)) return true;
    const request = context.switchToHttp().getRequest<Request & AuthedRequest>();

    const principal = await this.authenticate(request.headers.authorization ?? '');
    request.principal = principal;

    const infers = meta<boolean>(READS_ONLY) === true;
    const reads = READ_METHODS.has(request.method) || infers;
    const scope: Scope = infers ? 'infer' : reads ? 'read' : 'write';
    if (!meta<boolean>(ANY_SCOPE) && !principal.scopes.has(scope)) {
      throw new AppError(ErrorCode.Forbidden, `This credential lacks the '${scope}' scope (it has: ${[...principal.scopes].join(', ') || 'none'})`);
    }
    if (meta<boolean>(PLATFORM_ADMIN) && !principal.platformAdmin) {
      throw new AppError(ErrorCode.Forbidden, 'Only a platform admin may do this');
    }

    const projectName = request.params?.project as string | undefined;
    if (projectName === undefined) return true;
    const project = await this.cached(this.projects, projectName, async () => (await this.auth.findProject(projectName)) ?? undefined);
    const role = project ? roleIn(principal, project.id) : undefined;
    if (!role) {
      if (principal.platformAdmin) throw AppError.notFound(`Project '${projectName}'`);
      throw new AppError(ErrorCode.Forbidden, `This credential may not access project '${projectName}'`);
    }
    const needed: TokenRole = meta<TokenRole>(PROJECT_ROLE) ?? (reads ? 'VIEWER' : 'MEMBER');
    if (!atLeast(role, needed)) {
      throw new AppError(ErrorCode.Forbidden, `This needs the ${needed} role in project '${projectName}' (this credential has ${role})`);
    }
    request.project = project;
    return true;
  }

  private async authenticate(header: string): Promise<Principal> {
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    if (!match) throw new AppError(ErrorCode.Unauthenticated, 'A bearer token is required (Authorization: Bearer <token>)');
    const credential = match[1];
    const key = hashToken(credential);
    const now = new Date();
    // A miss is looked up once however many requests carry the credential meanwhile (TtlCache.load).
    const found = this.principals.get(key) ?? (await this.principals.load(key, () => (credential.startsWith('bl_') ? this.fromToken(key) : this.fromOidc(credential, now))))!;
    if (found.expiresAt && found.expiresAt <= now) {
      throw new AppError(ErrorCode.Unauthenticated, `The bearer token expired at ${found.expiresAt.toISOString()}`);
    }
    if (found.principal.kind === 'token' && !this.touched.get(found.principal.id)) {
      this.touched.set(found.principal.id, true);
      // Best effort: a failed bookkeeping write must not fail the request it describes.
      void this.auth.touchToken(found.principal.id, now).catch(() => this.touched.set(found.principal.id, true, 0));
    }
    return found.principal;
  }

  private async fromToken(hash: string): Promise<Cached> {
    const token = await this.auth.findPrincipal(hash);
    if (!token) throw new AppError(ErrorCode.Unauthenticated, 'The bearer token is invalid or revoked');
    const { expiresAt, ...principal } = token;
    return { principal, expiresAt };
  }

  private async fromOidc(jwt: string, now: Date): Promise<Cached> {
    if (!this.oidc?.enabled || jwt.split('.').length !== 3) {
      throw new AppError(ErrorCode.Unauthenticated, 'The bearer token is invalid or revoked');
    }
    const identity = await this.oidc.verify(jwt);
    const principal = await this.auth.userPrincipal(identity, this.oidc.isPlatformAdmin(identity), now);
    return { principal, expiresAt: identity.expiresAt ?? null };
  }

  /** A hit is served as it was stored (its age is not renewed, so it expires on time); only finds are stored; concurrent misses share one load. */
  private async cached<V>(cache: TtlCache<string, V>, key: string, load: () => Promise<V | undefined>): Promise<V | undefined> {
    return cache.get(key) ?? cache.load(key, load);
  }
}
