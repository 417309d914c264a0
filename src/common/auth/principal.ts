import type { TokenRole } from '../../generated/prisma/enums.js';

/**
 * What a credential may do, independent of its role: `read` (GET), `write` (every change),
 * `infer` (the inference routes only). A token's scopes narrow its role, never widen it.
 */
export const SCOPES = ['read', 'write', 'infer'] as const;
export type Scope = (typeof SCOPES)[number];

/**
 * Who is calling: resolved by AuthGuard from an API token (`bl_...`) or an OIDC access
 * token (a JWT from the configured issuer).
 *
 * Two levels that never mix: `platformAdmin` manages the platform (projects, platform
 * tokens, the audit log, Prometheus discovery) and reaches every project; a project role
 * (ADMIN, MEMBER, VIEWER) reaches only that project.
 */
export interface Principal {
  kind: 'token' | 'user';
  /** The api_tokens row (kind 'token') or the users row (kind 'user'). */
  id: string;
  /** Shown in the audit log: the token's name, or the user's email/subject. */
  name: string;
  /** The token row, for created-by columns; absent for OIDC users. */
  tokenId?: string;
  platformAdmin: boolean;
  /** Project id → role in that project. */
  projectRoles: ReadonlyMap<string, TokenRole>;
  scopes: ReadonlySet<Scope>;
  /** Set for a training job's own token (minted by the controller, never by users). */
  jobId?: string;
}

export interface ProjectRef {
  id: string;
  name: string;
}

/** Express request after AuthGuard ran. */
export interface AuthedRequest {
  id?: string;
  principal?: Principal;
  project?: ProjectRef;
}

const RANK: Record<TokenRole, number> = { VIEWER: 1, MEMBER: 2, ADMIN: 3 };

/** The principal's role in a project; a platform admin counts as that project's ADMIN. */
export function roleIn(principal: Principal, projectId: string): TokenRole | undefined {
  if (principal.platformAdmin) return 'ADMIN';
  return principal.projectRoles.get(projectId);
}

/** Whether `role` is at least `needed` (VIEWER < MEMBER < ADMIN). */
export function atLeast(role: TokenRole | undefined, needed: TokenRole): boolean {
  return role !== undefined && RANK[role] >= RANK[needed];
}
