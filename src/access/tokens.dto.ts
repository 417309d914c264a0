import { z } from 'zod';
import { SCOPES } from '../common/auth/principal.js';

const scopes = z
  .array(z.enum(SCOPES))
  .min(1)
  .refine((s) => new Set(s).size === s.length, 'must not repeat a scope');
/** A lifetime in seconds: at least a minute, at most ten years. */
const lifetime = z.number().int().min(60).max(10 * 365 * 24 * 3600);

export const createTokenSchema = z.strictObject({
  name: z.string().min(1).max(128),
  role: z.enum(['ADMIN', 'MEMBER', 'VIEWER']).default('MEMBER'),
  /** Narrow what the role allows: `['infer']` makes an inference-only token. Default: all three. */
  scopes: scopes.optional(),
  /** Seconds until the token stops working; absent means it never expires. */
  expiresInSeconds: lifetime.optional(),
});
export type CreateToken = z.output<typeof createTokenSchema>;

/** Platform tokens carry no project role: they are platform admins, narrowed by scopes (Prometheus gets `['read']`). */
export const createPlatformTokenSchema = z.strictObject({
  name: z.string().min(1).max(128),
  scopes: scopes.optional(),
  expiresInSeconds: lifetime.optional(),
});
export type CreatePlatformToken = z.output<typeof createPlatformTokenSchema>;

/** Rotation: a new secret at once; the old one keeps working for `graceSeconds` so callers can switch. */
export const rotateTokenSchema = z.strictObject({
  graceSeconds: z.number().int().min(0).max(7 * 24 * 3600).default(3600),
});
export type RotateToken = z.output<typeof rotateTokenSchema>;

export const listTokensSchema = z.strictObject({
  includeRevoked: z.enum(['true', 'false']).default('false').transform((v) => v === 'true'),
});
export type ListTokens = z.output<typeof listTokensSchema>;

export const groupBindingSchema = z.strictObject({ role: z.enum(['ADMIN', 'MEMBER', 'VIEWER']) });
export type GroupBinding = z.output<typeof groupBindingSchema>;

/** An OIDC group name as identity providers write them (Keycloak paths, Dex `org:team`). */
export const groupNameSchema = z.string().min(1).max(256).regex(/^[\w./:@-]+$/, 'letters, digits and . / : @ _ -');
