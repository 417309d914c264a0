import { Inject, Injectable, Optional } from '@nestjs/common';
import { createRemoteJWKSet, errors, jwtVerify, type JWTPayload } from 'jose';
import { APP_CONFIG, ConfigError } from '../../common/config/config.js';
import type { AppConfig } from '../../common/config/config.schema.js';
import { AppError, ErrorCode } from '../../common/errors/app-error.js';
import type { UserIdentity } from '../../common/auth/auth.repository.js';
import type { AuthConfig } from '../auth.responses.js';

/** A person, as the identity provider vouches for them in a verified access token (the guard's port type). */
export type OidcIdentity = UserIdentity;

export interface OidcSettings {
  issuer: string;
  audience: string;
  /** The public client `beamline login` uses; only advertised, never checked in tokens. */
  clientId?: string;
  /** The public browser client of the web console; only advertised, never checked in tokens. */
  consoleClientId?: string;
  groupsClaim: string;
  adminGroups: string[];
  scopes: string;
}

/** Injection token for a clock (tests verify "later" without waiting). */
export const OIDC_CLOCK = Symbol('OIDC_CLOCK');
export type Clock = () => Date;

/**
 * Asymmetric algorithms only: an HMAC algorithm would let anyone holding the issuer's
 * public key mint tokens, and `none` is no signature at all.
 */
const ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA', 'Ed25519'];
/** Seconds of skew allowed between our clock and the issuer's for exp, nbf and iat. */
const CLOCK_TOLERANCE_S = 30;
/** After a failed discovery, callers get 503 for this long instead of each waiting on a dead issuer. */
const DISCOVERY_RETRY_MS = 5_000;
const FETCH_TIMEOUT_MS = 5_000;

/** The OIDC block of the configuration, or null when SSO is off. */
export function oidcSettings(config: AppConfig): OidcSettings | null {
  if (!config.BEAMLINE_OIDC_ISSUER) return null;
  if (!config.BEAMLINE_OIDC_AUDIENCE) {
    throw new ConfigError(['BEAMLINE_OIDC_AUDIENCE: required when BEAMLINE_OIDC_ISSUER is set (the aud access tokens must carry)']);
  }
  return {
    issuer: config.BEAMLINE_OIDC_ISSUER,
    audience: config.BEAMLINE_OIDC_AUDIENCE,
    clientId: config.BEAMLINE_OIDC_CLIENT_ID,
    consoleClientId: config.BEAMLINE_OIDC_CONSOLE_CLIENT_ID,
    groupsClaim: config.BEAMLINE_OIDC_GROUPS_CLAIM,
    adminGroups: config.BEAMLINE_OIDC_ADMIN_GROUPS,
    scopes: config.BEAMLINE_OIDC_SCOPES,
  };
}

/**
 * Verifies OIDC access tokens (JWTs, RFC 9068) from the one configured issuer.
 *
 * Discovery and the key set are fetched lazily, on the first token, so the API boots while
 * the identity provider is down; keys are cached by jose and refetched when a token names
 * an unknown `kid` (key rotation).
 */
@Injectable()
export class OidcVerifier {
  readonly settings: OidcSettings | null;
  private keys?: Promise<ReturnType<typeof createRemoteJWKSet>>;
  private failedAt = 0;

  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    @Optional() @Inject(OIDC_CLOCK) private readonly now: Clock = () => new Date(),
  ) {
    this.settings = oidcSettings(config);
  }

  get enabled(): boolean {
    return this.settings !== null;
  }

  /** What GET /v1/auth/config tells clients (never secrets: the CLI and the console are public clients). */
  loginConfig(): AuthConfig {
    const s = this.settings;
    return { oidc: s && { issuer: s.issuer, clientId: s.clientId ?? null, consoleClientId: s.consoleClientId ?? null, scopes: s.scopes } };
  }

  /** Whether the identity belongs to a group named in BEAMLINE_OIDC_ADMIN_GROUPS. */
  isPlatformAdmin(identity: OidcIdentity): boolean {
    return identity.groups.some((g) => this.settings?.adminGroups.includes(g));
  }

  /**
   * 1. Refuse when SSO is off. 2. Check the signature against the issuer's JWKS, with an
   * asymmetric algorithm. 3. Check iss (exact), aud (must include ours), exp/nbf (with
   * tolerance), sub. 4. Read email, name and the groups claim.
   */
  async verify(jwt: string): Promise<OidcIdentity> {
    const s = this.settings;
    if (!s) throw new AppError(ErrorCode.Unauthenticated, 'single sign-on is not configured on this platform');
    const keys = await this.keySet();
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(jwt, keys, {
        issuer: s.issuer,
        audience: s.audience,
        algorithms: ALGORITHMS,
        clockTolerance: CLOCK_TOLERANCE_S,
        currentDate: this.now(),
        requiredClaims: ['sub', 'exp'],
      }));
    } catch (error) {
      // Fetching the keys failed: the issuer's fault, not the token's.
      if (!(error instanceof errors.JOSEError) || error instanceof errors.JWKSTimeout || error instanceof errors.JWKSInvalid) {
        throw unavailable((error as Error).message);
      }
      throw new AppError(ErrorCode.Unauthenticated, `access token rejected: ${reason(error)}`);
    }
    return {
      issuer: s.issuer,
      subject: payload.sub!,
      email: typeof payload.email === 'string' ? payload.email : undefined,
      name: typeof payload.name === 'string' ? payload.name : undefined,
      groups: groupsOf(payload[s.groupsClaim]),
      expiresAt: new Date(payload.exp! * 1000),
    };
  }

  /** Discovery once (retried after a failure), then the JWKS from its jwks_uri. */
  private keySet(): Promise<ReturnType<typeof createRemoteJWKSet>> {
    if (!this.keys && Date.now() - this.failedAt < DISCOVERY_RETRY_MS) {
      return Promise.reject(unavailable('the last attempt failed moments ago'));
    }
    this.keys ??= this.discover().catch((error: Error) => {
      this.keys = undefined;
      this.failedAt = Date.now();
      throw error instanceof AppError ? error : unavailable(error.message);
    });
    return this.keys;
  }

  private async discover(): Promise<ReturnType<typeof createRemoteJWKSet>> {
    const issuer = this.settings!.issuer;
    const url = `${issuer.replace(/\/$/, '')}/.well-known/openid-configuration`;
    const res = await fetch(url, { signal: AbortSignal.timeout(FETCH_TIMEOUT_MS), headers: { accept: 'application/json' } });
    if (!res.ok) throw unavailable(`${url} answered ${res.status}`);
    const metadata = (await res.json()) as { issuer?: unknown; jwks_uri?: unknown };
    // OIDC Discovery 4.3: the issuer in the document must be exactly the one configured.
    if (metadata.issuer !== issuer) throw unavailable(`${url} names issuer ${JSON.stringify(metadata.issuer)}, not ${issuer}`);
    if (typeof metadata.jwks_uri !== 'string') throw unavailable(`${url} has no jwks_uri`);
    return createRemoteJWKSet(new URL(metadata.jwks_uri), { timeoutDuration: FETCH_TIMEOUT_MS });
  }
}

/** The identity provider could not be asked: not the caller's fault, so 503, not 401. */
function unavailable(why: string): AppError {
  return new AppError(ErrorCode.Unavailable, `cannot reach the identity provider's keys: ${why}`);
}

/** Providers send groups as an array, some as one string (a single group) or nothing. */
function groupsOf(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.filter((g): g is string => typeof g === 'string');
  return [];
}

/** A short reason a person can act on, without echoing the token. */
function reason(error: unknown): string {
  if (error instanceof errors.JWTExpired) return 'it has expired';
  if (error instanceof errors.JWTClaimValidationFailed) {
    const claims: Record<string, string> = { iss: 'it was issued by another issuer', aud: 'it is not meant for this platform (audience)', nbf: 'it is not valid yet', sub: 'it has no subject', exp: 'it has no expiry' };
    return claims[error.claim] ?? `claim ${error.claim} is invalid`;
  }
  if (error instanceof errors.JWSSignatureVerificationFailed) return 'its signature does not verify';
  if (error instanceof errors.JWKSNoMatchingKey) return "it is not signed by one of the issuer's keys";
  if (error instanceof errors.JOSEAlgNotAllowed) return 'its signing algorithm is not allowed';
  if (error instanceof errors.JWSInvalid || error instanceof errors.JWTInvalid) return 'it is not a well-formed signed JWT';
  if (error instanceof errors.JOSENotSupported) return 'it uses an unsupported algorithm';
  return 'it could not be verified';
}
