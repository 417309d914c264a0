/**
 * The pure parts of the console's single sign-on (sso.ts): PKCE (RFC 7636, S256), the
 * authorization request, and checking the provider's answer on the callback. No storage,
 * no network: unit-tested in pkce.spec.ts.
 */

export function base64url(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** `bytes` random bytes, base64url: 32 give a 43-character PKCE verifier; 16 a `state`. */
export function randomString(bytes = 32): string {
  return base64url(crypto.getRandomValues(new Uint8Array(bytes)));
}

/** The S256 code challenge of a verifier: base64url(SHA-256(verifier)). */
export async function pkceChallenge(verifier: string): Promise<string> {
  return base64url(new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier))));
}

export interface AuthorizationRequest {
  clientId: string;
  redirectUri: string;
  scopes: string;
  state: string;
  challenge: string;
}

/** The authorization endpoint with the request in its query (keeping any query it already has). */
export function authorizationUrl(endpoint: string, r: AuthorizationRequest): string {
  const url = new URL(endpoint);
  const params: Record<string, string> = {
    response_type: 'code',
    client_id: r.clientId,
    redirect_uri: r.redirectUri,
    scope: r.scopes,
    state: r.state,
    code_challenge: r.challenge,
    code_challenge_method: 'S256',
  };
  for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
  return url.href;
}

export type CallbackResult = { code: string } | { error: string };

/**
 * What the provider sent back to the callback: the code, or why there is none. The `state`
 * must be the one this browser sent (else the answer belongs to another login, possibly
 * forced on the user: refused before the code is used), and an `iss` parameter (RFC 9207),
 * where the provider sends one, must be the issuer.
 */
export function callbackResult(query: URLSearchParams, expected: { state: string; issuer: string } | undefined): CallbackResult {
  if (!expected) return { error: 'No single sign-on login was started in this browser tab (or it was already finished). Log in again.' };
  if (query.get('state') !== expected.state) return { error: 'The login answer does not belong to the login started here (state mismatch): refused. Log in again.' };
  const iss = query.get('iss');
  if (iss !== null && iss !== expected.issuer) return { error: `The login answer comes from ${iss}, not from ${expected.issuer}: refused.` };
  const error = query.get('error');
  if (error) {
    const description = query.get('error_description');
    return { error: `The identity provider refused the login: ${error}${description ? ` (${description})` : ''}` };
  }
  const code = query.get('code');
  if (!code) return { error: 'The identity provider sent no authorization code.' };
  return { code };
}
