import { createHash, randomBytes } from 'node:crypto';

/** Tokens look like `bl_<43 url-safe chars>`; only their SHA-256 is stored. */
export function newToken(): { token: string; hash: string; prefix: string } {
  const token = `bl_${randomBytes(32).toString('base64url')}`;
  return { token, hash: hashToken(token), prefix: token.slice(0, 10) };
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}
