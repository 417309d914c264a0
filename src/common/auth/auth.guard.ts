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
import { RouteMetadataCache, type RouteClass, type RouteHandler } from '../route-metadata.js';
import { TtlCache } from './ttl-cache.js';
import { settled } from '../settled.js';

const READ_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Found tokens and projects are kept for 1 s (two queries per request dominated the infer
 * proxy's cost, docs/benchmarks.md); a revoked token therefore stops working within a
 * second. Misses are not kept, so a new token or project works at once.
 */
const CACHE_MS = 1000;
/** lastUsedAt is written at most once a minute per token: a write per request would cost more than the request. */
const TOUCH_MS = 60_000;

const BEARER = /^Bearer\s+(\S+)$/i;

interface Cached {
  principal: Principal;
  expiresAt: Date | null;
}

/** What the guard reads from a route's decorators. */
interface RouteAuth {
  isPublic: boolean;
  readsOnly: boolean;
  anyScope: boolean;
  platformAdmin: boolean;
  projectRole: TokenRole | undefined;
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

  /**
   * Keyed by the bearer credential itself, not its SHA-256: a hit costs no hash (the hash
   * was a tenth of the infer proxy's own CPU). Same bound (TtlCache's 10,000) and the same
   * second as before, so a revoked token still stops working within CACHE_MS.
   */
  private readonly principals = new TtlCache<string, Cached>(CACHE_MS);
  private readonly projects = new TtlCache<string, ProjectRef>(CACHE_MS);
  private readonly touched = new TtlCache<string, true>(TOUCH_MS);
  /** Decorator metadata per handler and class: set once when the classes are defined, so read once. */
  private readonly routes = new RouteMetadataCache((handler, type) => this.routeAuthOf(handler, type));

  /**
   * A promise, as Nest and the tests expect (a refusal is a rejection), but on a warm cache
   * (principal and project known) the work is done synchronously and the promise is an
   * already-settled one: the infer fast path asks `check()` directly and awaits nothing.
   */
  canActivate(context: ExecutionContext): Promise<boolean> {
    return settled(() => this.check(context));
  }

  /** canActivate's checks; a boolean when nothing had to be looked up, a thrown AppError on refusal. */
  check(context: ExecutionContext): boolean | Promise<boolean> {
    const route = this.routes.get(context.getHandler(), context.getClass());
    if (route.isPublic) return true;
    const request = context.switchToHttp().getRequest<Request & AuthedRequest>();
    const principal = this.authenticate(request.headers.authorization ?? '');
    if (principal instanceof Promise) return principal.then((p) => this.authorize(request, route, p));
    return this.authorize(request, route, principal);
  }

  /** Steps 3-5 for an authenticated principal. */
  private authorize(request: Request & AuthedRequest, route: RouteAuth, principal: Principal): boolean | Promise<boolean> {
    request.principal = principal;
    const reads = route.readsOnly || READ_METHODS.has(request.method);
    const scope: Scope = route.readsOnly ? 'infer' : reads ? 'read' : 'write';
    if (!route.anyScope && !principal.scopes.has(scope)) {
      throw new AppError(ErrorCode.Forbidden, `This credential lacks the '${scope}' scope (it has: ${[...principal.scopes].join(', ') || 'none'})`);
    }
    if (route.platformAdmin && !principal.platformAdmin) {
      throw new AppError(ErrorCode.Forbidden, 'Only a platform admin may do this');
    }

    const projectName = request.params?.project as string | undefined;
    if (projectName === undefined) return true;
    const project = this.projects.get(projectName);
    if (project) return this.allowInProject(request, route, principal, reads, projectName, project);
    return this.projects
      .load(projectName, async () => (await this.auth.findProject(projectName)) ?? undefined)
      .then((found) => this.allowInProject(request, route, principal, reads, projectName, found));
  }

  private allowInProject(request: AuthedRequest, route: RouteAuth, principal: Principal, reads: boolean, projectName: string, project: ProjectRef | undefined): true {
    const role = project ? roleIn(principal, project.id) : undefined;
    if (!role) {
      if (principal.platformAdmin) throw AppError.notFound(`Project '${projectName}'`);
      throw new AppError(ErrorCode.Forbidden, `This credential may not access project '${projectName}'`);
    }
    const needed: TokenRole = route.projectRole ?? (reads ? 'VIEWER' : 'MEMBER');
    if (!atLeast(role, needed)) {
      throw new AppError(ErrorCode.Forbidden, `This needs the ${needed} role in project '${projectName}' (this credential has ${role})`);
    }
    request.project = project;
    return true;
  }

  /** The principal; synchronous when the credential is cached. */
  private authenticate(header: string): Principal | Promise<Principal> {
    const match = BEARER.exec(header);
    if (!match) throw new AppError(ErrorCode.Unauthenticated, 'A bearer token is required (Authorization: Bearer <token>)');
    const credential = match[1];
    const now = Date.now();
    const found = this.principals.get(credential, now);
    if (found) return this.stillValid(found, now);
    // A miss is looked up once however many requests carry the credential meanwhile (TtlCache.load).
    return this.principals
      .load(credential, () => (credential.startsWith('bl_') ? this.fromToken(hashToken(credential)) : this.fromOidc(credential, new Date(now))))
      .then((loaded) => this.stillValid(loaded!, now));
  }

  private stillValid(found: Cached, now: number): Principal {
    if (found.expiresAt && found.expiresAt.getTime() <= now) {
      throw new AppError(ErrorCode.Unauthenticated, `The bearer token expired at ${found.expiresAt.toISOString()}`);
    }
    const { principal } = found;
    if (principal.kind === 'token' && !this.touched.get(principal.id, now)) {
      this.touched.set(principal.id, true, now);
      // Best effort: a failed bookkeeping write must not fail the request it describes.
      void this.auth.touchToken(principal.id, new Date(now)).catch(() => this.touched.set(principal.id, true, 0));
    }
    return principal;
  }

  private routeAuthOf(handler: RouteHandler, type: RouteClass): RouteAuth {
    const meta = <T>(key: string) => this.reflector.getAllAndOverride<T>(key, [handler, type]);
    return {
      isPublic: meta<boolean>(IS_PUBLIC) === true,
      readsOnly: meta<boolean>(READS_ONLY) === true,
      anyScope: meta<boolean>(ANY_SCOPE) === true,
      platformAdmin: meta<boolean>(PLATFORM_ADMIN) === true,
      projectRole: meta<TokenRole>(PROJECT_ROLE),
    };
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
}
