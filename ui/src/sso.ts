import { authorizationUrl, callbackResult, pkceChallenge, randomString } from './pkce';
import { BASE } from './router';

/**
 * Single sign-on in the console (docs/console.md): OAuth 2.0 authorization code with PKCE
 * (S256) as a public browser client. The access token it ends with is used exactly like a
 * pasted API token (api.ts); the refresh token, when the provider gives one, renews it.
 *
 * - The login in progress (state, PKCE verifier, where to go after) is kept in this tab's
 *   sessionStorage until the callback; tokens go to localStorage like a pasted token.
 * - Tokens and the verifier never appear in a URL; only the provider's one-time code does,
 *   on the callback, which replaces its own URL as soon as it is read.
 */
export interface SsoConfig {
  issuer: string;
  clientId: string;
  scopes: string;
}

interface IssuerMetadata {
  issuer: string;
  authorization_endpoint: string;
  token_endpoint: string;
}

interface Pending {
  state: string;
  verifier: string;
  issuer: string;
  clientId: string;
  tokenEndpoint: string;
  redirectUri: string;
  next: string;
}

interface TokenAnswer {
  access_token?: string;
  refresh_token?: string;
  error?: string;
  error_description?: string;
}

/** How the renewing is done: kept next to the token, removed with it. */
export interface Refresh {
  refreshToken: string;
  tokenEndpoint: string;
  clientId: string;
}

const PENDING_KEY = 'beamline.sso.pending';
export const CALLBACK_PATH = '/auth/callback';

/** The console's SSO client from GET /v1/auth/config, or null when the platform offers none. */
export async function ssoConfig(): Promise<SsoConfig | null> {
  const res = await fetch('/v1/auth/config', { cache: 'no-store' });
  if (!res.ok) return null;
  const { oidc } = (await res.json()) as { oidc: { issuer: string; consoleClientId?: string | null; scopes: string } | null };
  return oidc?.consoleClientId ? { issuer: oidc.issuer, clientId: oidc.consoleClientId, scopes: oidc.scopes } : null;
}

async function discover(issuer: string): Promise<IssuerMetadata> {
  let res: Response;
  try {
    res = await fetch(`${issuer.replace(/\/$/, '')}/.well-known/openid-configuration`, { cache: 'no-store' });
  } catch {
    // A CORS refusal looks like a network error to the page.
    throw new Error(`The identity provider ${issuer} could not be reached from this page (down, or it does not allow CORS from ${location.origin}).`);
  }
  if (!res.ok) throw new Error(`The identity provider's discovery document answered ${res.status}.`);
  const metadata = (await res.json()) as IssuerMetadata;
  // A document naming another issuer could send the code elsewhere (OIDC Discovery 4.3).
  if (metadata.issuer !== issuer) throw new Error(`The identity provider names itself ${metadata.issuer}, not ${issuer}.`);
  return metadata;
}

/** Starts a login: remembers it in this tab and leaves for the provider's login page. */
export async function startSsoLogin(config: SsoConfig, next: string): Promise<void> {
  if (!crypto.subtle) throw new Error('Single sign-on needs a secure page (https, or http on loopback).');
  const metadata = await discover(config.issuer);
  const pending: Pending = {
    state: randomString(16),
    verifier: randomString(32),
    issuer: config.issuer,
    clientId: config.clientId,
    tokenEndpoint: metadata.token_endpoint,
    redirectUri: `${location.origin}${BASE}${CALLBACK_PATH}`,
    next,
  };
  sessionStorage.setItem(PENDING_KEY, JSON.stringify(pending));
  location.assign(
    authorizationUrl(metadata.authorization_endpoint, {
      clientId: config.clientId,
      redirectUri: pending.redirectUri,
      scopes: config.scopes,
      state: pending.state,
      challenge: await pkceChallenge(pending.verifier),
    }),
  );
}

async function tokenRequest(endpoint: string, body: Record<string, string>): Promise<TokenAnswer & { access_token: string }> {
  const res = await fetch(endpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
    body: new URLSearchParams(body).toString(),
    cache: 'no-store',
  });
  const answer = (await res.json().catch(() => ({}))) as TokenAnswer;
  if (!res.ok || !answer.access_token) {
    throw new Error(`The identity provider's token endpoint refused: ${answer.error ?? res.status}${answer.error_description ? ` (${answer.error_description})` : ''}`);
  }
  return answer as TokenAnswer & { access_token: string };
}

/**
 * The callback: checks the answer against the login started in this tab (state, issuer),
 * exchanges the code with the PKCE verifier, and has the platform check the access token
 * and record the login (POST /v1/auth/login). The pending login is forgotten either way.
 */
export async function finishSsoLogin(query: URLSearchParams): Promise<{ accessToken: string; refresh?: Refresh; next: string }> {
  const raw = sessionStorage.getItem(PENDING_KEY);
  sessionStorage.removeItem(PENDING_KEY);
  let pending: Pending | undefined;
  try {
    pending = raw ? (JSON.parse(raw) as Pending) : undefined;
  } catch {
    pending = undefined;
  }
  const result = callbackResult(query, pending);
  if ('error' in result) throw new Error(result.error);
  const p = pending!;
  const tokens = await tokenRequest(p.tokenEndpoint, {
    grant_type: 'authorization_code',
    code: result.code,
    redirect_uri: p.redirectUri,
    client_id: p.clientId,
    code_verifier: p.verifier,
  });
  // Like `beamline login`: the API checks the token and records the login (audit auth.login).
  const res = await fetch('/v1/auth/login', { method: 'POST', headers: { authorization: `Bearer ${tokens.access_token}` }, cache: 'no-store' });
  if (!res.ok) {
    const body = (await res.json().catch(() => ({}))) as { detail?: string };
    throw new Error(`The platform refused the identity provider's access token: ${body.detail ?? res.status}`);
  }
  return {
    accessToken: tokens.access_token,
    refresh: tokens.refresh_token ? { refreshToken: tokens.refresh_token, tokenEndpoint: p.tokenEndpoint, clientId: p.clientId } : undefined,
    next: p.next,
  };
}

/** A new access token (and perhaps a new refresh token) for a refresh token. */
export async function refreshTokens(r: Refresh): Promise<{ accessToken: string; refresh: Refresh }> {
  const tokens = await tokenRequest(r.tokenEndpoint, { grant_type: 'refresh_token', refresh_token: r.refreshToken, client_id: r.clientId });
  return { accessToken: tokens.access_token, refresh: { ...r, refreshToken: tokens.refresh_token ?? r.refreshToken } };
}
