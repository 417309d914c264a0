import { z } from 'zod';
import { isoTime, itemsOf, type Agree, type Mismatch } from '../common/openapi/common.responses.js';
import type { TokensService } from './tokens.service.js';
import type { TokenView } from './tokens.view.js';

const role = z.enum(['ADMIN', 'MEMBER', 'VIEWER', 'PLATFORM_ADMIN']);
const scope = z.enum(['read', 'write', 'infer']);

/** A new token: the secret is in this answer only; the platform keeps its hash. */
export const createdTokenSchema = z.strictObject({
  id: z.uuid(),
  name: z.string(),
  role,
  project: z.string().nullable(),
  scopes: z.array(scope),
  expiresAt: isoTime.nullable(),
  token: z.string(),
});

export const rotatedTokenSchema = createdTokenSchema.extend({
  replaces: z.strictObject({ id: z.uuid(), expiresAt: isoTime }),
});

export const tokenSchema = z.strictObject({
  id: z.uuid(),
  name: z.string(),
  prefix: z.string(),
  role,
  project: z.string().nullable(),
  scopes: z.array(z.string()),
  createdBy: z.string().nullable(),
  createdAt: isoTime,
  expiresAt: isoTime.nullable(),
  lastUsedAt: isoTime.nullable(),
  revokedAt: isoTime.nullable(),
});
export const tokenListSchema = itemsOf(tokenSchema);

type _Created = Agree<Mismatch<Awaited<ReturnType<TokensService['create']>>, z.input<typeof createdTokenSchema>>>;
type _Platform = Agree<Mismatch<Awaited<ReturnType<TokensService['createPlatform']>>, z.input<typeof createdTokenSchema>>>;
type _Rotated = Agree<Mismatch<Awaited<ReturnType<TokensService['rotate']>>, z.input<typeof rotatedTokenSchema>>>;
type _View = Agree<Mismatch<TokenView, z.input<typeof tokenSchema>>>;
