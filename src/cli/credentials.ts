import { chmod, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { configPath } from './config.js';

/**
 * The tokens `beamline login` got from the identity provider (single sign-on), kept apart
 * from config.json so `logout` can drop them whole. Mode 0600: they are bearer secrets.
 */
export interface SsoCredentials {
  /** The platform these tokens were obtained for; other URLs never get them. */
  url: string;
  issuer: string;
  clientId: string;
  tokenEndpoint: string;
  revocationEndpoint?: string;
  accessToken: string;
  refreshToken?: string;
  /** Epoch milliseconds. */
  expiresAt: number;
}

/** Refresh this long before expiry, so a token does not lapse between check and use. */
const REFRESH_EARLY_MS = 60_000;

export const credentialsPath = () => join(configPath(), '..', 'credentials.json');

export async function readCredentials(): Promise<SsoCredentials | undefined> {
  try {
    return JSON.parse(await readFile(credentialsPath(), 'utf8')) as SsoCredentials;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new Error(`cannot read ${credentialsPath()}: ${(error as Error).message}`);
  }
}

export async function writeCredentials(credentials: SsoCredentials): Promise<string> {
  const path = credentialsPath();
  await mkdir(join(path, '..'), { recursive: true, mode: 0o700 });
  await writeFile(path, `${JSON.stringify(credentials, null, 2)}\n`, { mode: 0o600 });
  await chmod(path, 0o600);
  return path;
}

export const removeCredentials = () => rm(credentialsPath(), { force: true });

/** What the token endpoint answers (RFC 6749 5.1). */
export interface TokenResponse {
  access_token: string;
  refresh_token?: string;
  expires_in?: number;
}

/** POSTs a form to the token endpoint; an error names what the provider said. */
export async function tokenRequest(endpoint: string, form: Record<string, string>): Promise<TokenResponse> {
  const res = await fetch(endpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
    body: new URLSearchParams(form),
    signal: AbortSignal.timeout(30_000),
  });
  const body = (await res.json().catch(() => ({}))) as Partial<TokenResponse> & { error?: string; error_description?: string };
  if (!res.ok || typeof body.access_token !== 'string') {
    throw new Error(`the identity provider refused: ${body.error ?? res.status}${body.error_description ? ` (${body.error_description})` : ''}`);
  }
  return body as TokenResponse;
}

/** Without expires_in, assume a short life: a needless refresh is cheaper than a 401. */
export const expiresAt = (t: TokenResponse, now = Date.now()) => now + (t.expires_in ?? 300) * 1000;

/**
 * The access token for `url`, refreshed first when it is (nearly) expired. Undefined when
 * there are no SSO credentials for this URL.
 */
export async function ssoAccessToken(url: string): Promise<string | undefined> {
  const c = await readCredentials();
  if (!c || c.url !== url) return undefined;
  if (c.expiresAt - REFRESH_EARLY_MS > Date.now()) return c.accessToken;
  if (!c.refreshToken) throw new Error('your single sign-on session has expired: run `beamline login` again');
  let t: TokenResponse;
  try {
    t = await tokenRequest(c.tokenEndpoint, { grant_type: 'refresh_token', refresh_token: c.refreshToken, client_id: c.clientId });
  } catch (error) {
    throw new Error(`cannot renew your single sign-on session (${(error as Error).message}): run \`beamline login\` again`);
  }
  // Providers rotate refresh tokens for public clients: keep the new one, or the old if none came.
  await writeCredentials({ ...c, accessToken: t.access_token, refreshToken: t.refresh_token ?? c.refreshToken, expiresAt: expiresAt(t) });
  return t.access_token;
}
