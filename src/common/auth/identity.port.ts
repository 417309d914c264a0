import type { UserIdentity } from './auth.repository.js';

/**
 * The port through which the guard checks an OIDC access token. The adapter (src/auth/)
 * validates it against the issuer's JWKS; with SSO off nothing is bound and JWTs get 401.
 */
export const OIDC_VERIFIER = Symbol('OIDC_VERIFIER');

export interface OidcPort {
  readonly enabled: boolean;
  /** The verified identity, or throws AppError(Unauthenticated) naming why not. */
  verify(jwt: string): Promise<UserIdentity>;
  /** Whether the identity's groups make it a platform admin. */
  isPlatformAdmin(identity: UserIdentity): boolean;
}
