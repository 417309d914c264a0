import { SetMetadata } from '@nestjs/common';
import type { TokenRole } from '../../generated/prisma/enums.js';

export const IS_PUBLIC = 'beamline:public';
/** Marks a route that needs no bearer token (/healthz, /readyz, /metrics). */
export const Public = () => SetMetadata(IS_PUBLIC, true);

export const READS_ONLY = 'beamline:reads-only';
/**
 * Marks a non-GET route that changes nothing (inference): VIEWER tokens may call it, and
 * it needs the `infer` scope instead of `write`.
 */
export const ReadsOnly = () => SetMetadata(READS_ONLY, true);

export const PLATFORM_ADMIN = 'beamline:platform-admin';
/** Only a platform admin may call this route (projects, platform tokens, audit, discovery). */
export const PlatformAdmin = () => SetMetadata(PLATFORM_ADMIN, true);

export const PROJECT_ROLE = 'beamline:project-role';
/**
 * The least project role the route needs. Without it: VIEWER for reads (GET, @ReadsOnly),
 * MEMBER for changes. Token management and group bindings need ADMIN.
 */
export const RequireRole = (role: TokenRole) => SetMetadata(PROJECT_ROLE, role);

export const ANY_SCOPE = 'beamline:any-scope';
/**
 * Any valid credential may call the route, whatever its scopes: who-am-I and the login
 * record, which an infer-only token must be able to ask too.
 */
export const AnyScope = () => SetMetadata(ANY_SCOPE, true);
