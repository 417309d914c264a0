import type { TokenRow } from './tokens.repository.js';

export function toTokenView(row: TokenRow) {
  return {
    id: row.id,
    name: row.name,
    /** The first characters of the secret, to recognise it; the secret itself is shown once, at creation. */
    prefix: row.prefix,
    role: row.platformAdmin ? ('PLATFORM_ADMIN' as const) : row.role,
    project: row.projects[0]?.project.name ?? null,
    scopes: row.scopes,
    createdBy: row.createdBy,
    createdAt: row.createdAt.toISOString(),
    expiresAt: row.expiresAt?.toISOString() ?? null,
    lastUsedAt: row.lastUsedAt?.toISOString() ?? null,
    revokedAt: row.revokedAt?.toISOString() ?? null,
  };
}
export type TokenView = ReturnType<typeof toTokenView>;
