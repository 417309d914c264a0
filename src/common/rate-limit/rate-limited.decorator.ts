import { SetMetadata } from '@nestjs/common';

/** What is limited: training job submission, or inference (infer and the V2 proxy). */
export type LimitKind = 'submit' | 'infer';
/** Which allowance: the caller's (API token or OIDC user), or the whole project's. */
export type LimitScope = 'token' | 'project';

export const RATE_LIMITED = 'beamline:rate-limited';
/**
 * Puts the route under the per-token and per-project limits of `kind`
 * (BEAMLINE_RATE_<KIND>_PER_TOKEN / _PER_PROJECT). Enforced by RateLimitGuard, after AuthGuard.
 */
export const RateLimited = (kind: LimitKind) => SetMetadata(RATE_LIMITED, kind);
