import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expiresAt, tokenRequest, writeCredentials, type SsoCredentials } from './credentials.js';
import { UsageError } from './output.js';

/** How long `beamline login` waits for the person to finish in the browser. */
const LOGIN_TIMEOUT_MS = 5 * 60_000;

interface AuthConfig {
  oidc: { issuer: string; clientId: string | null; scopes: string } | null;
}
interface IssuerMetadata {
  issuer: string;
  authorization_endpoint: string;
  token_endpoint: string;
  revocation_endpoint?: string;
}

/**
 * Single sign-on for the CLI: OAuth 2.0 authorization code with PKCE (S256) and a loopback
 * redirect, as RFC 8252 describes for native apps.
 *
 * 1. Ask the platform how to log in (GET /v1/auth/config) and the issuer for its endpoints.
 * 2. Listen on 127.0.0.1:<random port>/callback.
 * 3. Send the person to the authorization URL (printed; a browser opened unless told not to).
 * 4. Take the code whose `state` matches, then exchange it with the PKCE verifier.
 * 5. Save the tokens (mode 0600) for later commands.
 */
export async function ssoLogin(url: string, options: { browser: boolean; progress: (line: string) => void }): Promise<{ path: string; credentials: SsoCredentials }> {
  const oidc = (await getJson<AuthConfig>(`${url}/v1/auth/config`)).oidc;
  if (!oidc) throw new UsageError(`${url} does not offer single sign-on: log in with --token`);
  if (!oidc.clientId) throw new UsageError(`${url} has no client for \`beamline login\` (BEAMLINE_OIDC_CLIENT_ID): log in with --token`);
  const metadata = await getJson<IssuerMetadata>(`${oidc.issuer.replace(/\/$/, '')}/.well-known/openid-configuration`);
  // A document naming another issuer could send the code elsewhere (OIDC Discovery 4.3).
  if (metadata.issuer !== oidc.issuer) throw new Error(`the identity provider names itself ${metadata.issuer}, not ${oidc.issuer}`);

  const verifier = randomBytes(32).toString('base64url');
  const state = randomBytes(16).toString('base64url');
  const callback = await listenForCallback(state, oidc.issuer);
  try {
    const redirectUri = `http://127.0.0.1:${(callback.server.address() as AddressInfo).port}/callback`;
    const authorization = new URL(metadata.authorization_endpoint);
    for (const [k, v] of Object.entries({
      response_type: 'code',
      client_id: oidc.clientId,
      redirect_uri: redirectUri,
      scope: oidc.scopes,
      state,
      code_challenge: createHash('sha256').update(verifier).digest('base64url'),
      code_challenge_method: 'S256',
    })) {
      authorization.searchParams.set(k, v);
    }
    options.progress(`Open this URL in a browser to log in:\n\n  ${authorization.href}\n`);
    if (options.browser) openBrowser(authorization.href);
    const code = await callback.code;
    const t = await tokenRequest(metadata.token_endpoint, {
      grant_type: 'authorization_code',
      code,
      redirect_uri: redirectUri,
      client_id: oidc.clientId,
      code_verifier: verifier,
    });
    const credentials: SsoCredentials = {
      url,
      issuer: oidc.issuer,
      clientId: oidc.clientId,
      tokenEndpoint: metadata.token_endpoint,
      revocationEndpoint: metadata.revocation_endpoint,
      accessToken: t.access_token,
      refreshToken: t.refresh_token,
      expiresAt: expiresAt(t),
    };
    return { path: await writeCredentials(credentials), credentials };
  } finally {
    callback.server.close();
  }
}

/**
 * The loopback redirect target. A request with the wrong `state` (another tab, or a web
 * page poking at local ports) gets 400 and the wait goes on; a provider error ends it.
 */
async function listenForCallback(state: string, issuer: string): Promise<{ server: Server; code: Promise<string> }> {
  let settle!: { resolve: (code: string) => void; reject: (error: Error) => void };
  const code = new Promise<string>((resolve, reject) => (settle = { resolve, reject }));
  const server = createServer((req, res) => {
    const query = new URL(req.url ?? '/', 'http://127.0.0.1').searchParams;
    const answer = (status: number, text: string) => res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', connection: 'close' }).end(`${text}\n`);
    if (!req.url?.startsWith('/callback') || query.get('state') !== state) return answer(400, 'Unexpected request: this is not the login beamline is waiting for.');
    // RFC 9207: when the provider names itself, it must be ours (mix-up defense).
    const iss = query.get('iss');
    if (iss !== null && iss !== issuer) return answer(400, `Unexpected issuer ${iss}.`);
    const error = query.get('error');
    if (error) {
      answer(400, `Login failed: ${error}. You can close this window.`);
      return settle.reject(new Error(`login failed at the identity provider: ${error}${query.get('error_description') ? ` (${query.get('error_description')})` : ''}`));
    }
    const value = query.get('code');
    if (!value) return answer(400, 'No authorization code in the request.');
    answer(200, 'Logged in to Beamline. You can close this window and return to the terminal.');
    settle.resolve(value);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const timer = setTimeout(() => settle.reject(new Error('login timed out: nobody finished it in the browser within 5 minutes')), LOGIN_TIMEOUT_MS);
  timer.unref();
  return { server, code: code.finally(() => clearTimeout(timer)) };
}

/** Best effort: where no opener exists (a server, CI) the printed URL is the way. */
function openBrowser(url: string): void {
  const opener = process.platform === 'darwin' ? 'open' : process.platform === 'win32' ? 'explorer' : 'xdg-open';
  try {
    spawn(opener, [url], { stdio: 'ignore', detached: true })
      .on('error', () => undefined)
      .unref();
  } catch {
    // No opener: the URL is printed already.
  }
}

async function getJson<T>(url: string): Promise<T> {
  let res: Response;
  try {
    res = await fetch(url, { headers: { accept: 'application/json' }, signal: AbortSignal.timeout(30_000) });
  } catch (error) {
    throw new Error(`cannot reach ${url}: ${(error as Error).message}`);
  }
  if (!res.ok) throw new Error(`${url} answered ${res.status}`);
  return (await res.json()) as T;
}
