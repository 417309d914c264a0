import { createHash, randomBytes } from 'node:crypto';
import { createServer, type RequestListener } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, type JWK, type JWTPayload } from 'jose';
import Provider, { errors } from 'oidc-provider';

/**
 * A real, certified OpenID provider (`oidc-provider`) on a loopback port, for SSO tests.
 *
 * - One public native client (the CLI): PKCE, no secret, any loopback port in redirect URIs.
 * - Optionally a public browser client (the web console, `consoleClient`): PKCE, no secret,
 *   the redirect URI `<origin>/ui/auth/callback`, and CORS for that origin only (the console
 *   fetches discovery and the token endpoint from the page).
 * - Access tokens are JWTs (RFC 9068) for the resource `audience`, by default, so clients
 *   need not send `resource`; they carry `groups`, `email` and `name` of the account.
 * - Login is oidc-provider's development form, driven over HTTP by `completeLogin`:
 *   the login form takes any known account id and no password, then the consent form.
 * - Its signing key is generated here, so tests can also forge tokens with `sign`.
 */
export interface TestAccount {
  sub: string;
  email?: string;
  name?: string;
  groups?: string[];
}

export interface TokenSet {
  access_token: string;
  refresh_token?: string;
  id_token?: string;
  expires_in: number;
}

export interface TestOidcProvider {
  issuer: string;
  audience: string;
  clientId: string;
  /** Adds or replaces an account the login form accepts. */
  addAccount(account: TestAccount): void;
  /** Logs `sub` in at an authorization URL; returns the redirect to the client (with code and state). */
  completeLogin(authorizationUrl: string, sub: string): Promise<string>;
  /** A real access token for the account, through authorization code + PKCE over HTTP. */
  tokenFor(account: TestAccount): Promise<TokenSet>;
  /** Signs claims with the provider's own key, or with `foreignKey` (same kid, another key). */
  sign(claims: JWTPayload, options?: { foreignKey?: boolean; alg?: string }): Promise<string>;
  close(): Promise<void>;
}

export async function startOidcProvider(
  options: { audience?: string; clientId?: string; accessTokenTtlS?: number; consoleClient?: { clientId: string; origin: string } } = {},
): Promise<TestOidcProvider> {
  const consoleClient = options.consoleClient;
  const audience = options.audience ?? 'https://beamline.test/api';
  const clientId = options.clientId ?? 'beamline-cli';
  const accounts = new Map<string, TestAccount>();
  const kid = 'test-key-1';
  const own = await generateKeyPair('RS256', { extractable: true });
  const foreign = await generateKeyPair('RS256', { extractable: true });
  const jwk: JWK = { ...(await exportJWK(own.privateKey)), kid, alg: 'RS256', use: 'sig' };

  // The issuer URL needs the port, and the provider needs the issuer: listen first.
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const claimsOf = (id: string) => {
    const a = accounts.get(id);
    return a && { email: a.email, name: a.name, groups: a.groups ?? [] };
  };
  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: clientId,
        application_type: 'native',
        token_endpoint_auth_method: 'none',
        redirect_uris: ['http://127.0.0.1/callback'],
        grant_types: ['authorization_code', 'refresh_token'],
        response_types: ['code'],
      },
      ...(consoleClient
        ? [
            {
              client_id: consoleClient.clientId,
              application_type: 'web',
              token_endpoint_auth_method: 'none',
              redirect_uris: [`${consoleClient.origin}/ui/auth/callback`],
              grant_types: ['authorization_code', 'refresh_token'],
              response_types: ['code'],
            },
          ]
        : []),
    ],
    // CORS for the token endpoint (and others tied to a client) per client: the console's origin, for the console's client only.
    clientBasedCORS: (_ctx: unknown, origin: string, client: { clientId: string }) => !!consoleClient && client.clientId === consoleClient.clientId && origin === consoleClient.origin,
    jwks: { keys: [jwk] },
    cookies: { keys: ['beamline-test-cookies'] },
    pkce: { required: () => true },
    ttl: { AccessToken: options.accessTokenTtlS ?? 600 },
    claims: { openid: ['sub'], email: ['email'], profile: ['name'] },
    findAccount: (_ctx: unknown, id: string) => {
      const claims = claimsOf(id);
      return claims && { accountId: id, claims: () => ({ sub: id, ...claims }) };
    },
    // Refresh tokens without prompt=consent (OIDC Core requires it for offline_access).
    issueRefreshToken: (_ctx: unknown, client: { grantTypeAllowed(t: string): boolean }) => client.grantTypeAllowed('refresh_token'),
    extraTokenClaims: (_ctx: unknown, token: { kind: string; accountId?: string }) =>
      token.kind === 'AccessToken' && token.accountId ? claimsOf(token.accountId) : undefined,
    features: {
      devInteractions: { enabled: true },
      revocation: { enabled: true },
      resourceIndicators: {
        enabled: true,
        defaultResource: () => audience,
        useGrantedResource: () => true,
        getResourceServerInfo: (_ctx: unknown, indicator: string) => {
          if (indicator !== audience) throw new errors.InvalidTarget();
          return { scope: 'beamline', audience, accessTokenFormat: 'jwt', jwt: { sign: { alg: 'RS256' } } };
        },
      },
    },
  });
  server.on('request', provider.callback() as RequestListener);
  // A 500 in the provider is a bug in this helper's configuration: show it.
  provider.on('server_error', (_ctx, error) => console.error('oidc-provider server_error', error));

  async function completeLogin(authorizationUrl: string, sub: string): Promise<string> {
    const jar = new Map<string, string>();
    const request = async (url: string, init: RequestInit = {}) => {
      const cookie = [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
      const res = await fetch(url, { ...init, redirect: 'manual', headers: { ...(init.headers as object), cookie } });
      for (const c of res.headers.getSetCookie()) {
        const [pair] = c.split(';');
        const at = pair.indexOf('=');
        jar.set(pair.slice(0, at), pair.slice(at + 1));
      }
      return res;
    };
    // Follow redirects by hand, keeping cookies, until one leaves the provider.
    let res = await request(authorizationUrl);
    for (let hop = 0; hop < 10; hop++) {
      const location = res.headers.get('location');
      if (!location) throw new Error(`login stopped at ${res.url}: ${res.status} ${(await res.text()).slice(0, 300)}`);
      const next = new URL(location, issuer).href;
      if (!next.startsWith(`${issuer}/`)) return next;
      res = await request(next);
      if (!next.includes('/interaction/')) continue;
      // A form, as a person sees it: the login form (any account id, no password) or consent.
      const prompt = /name="prompt" value="(\w+)"/.exec(await res.text())?.[1];
      if (!prompt) throw new Error(`login: no form at ${next}`);
      res = await request(next, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams(prompt === 'login' ? { prompt, login: sub } : { prompt }).toString(),
      });
    }
    throw new Error('login: too many redirects');
  }

  async function tokenFor(account: TestAccount): Promise<TokenSet> {
    accounts.set(account.sub, account);
    const verifier = randomBytes(32).toString('base64url');
    const redirectUri = 'http://127.0.0.1:1/callback';
    const auth = new URL(`${issuer}/auth`);
    auth.search = new URLSearchParams({
      client_id: clientId,
      response_type: 'code',
      redirect_uri: redirectUri,
      scope: 'openid profile email offline_access',
      state: 'test',
      code_challenge: createHash('sha256').update(verifier).digest('base64url'),
      code_challenge_method: 'S256',
    }).toString();
    const code = new URL(await completeLogin(auth.href, account.sub)).searchParams.get('code');
    if (!code) throw new Error('tokenFor: no code in the redirect');
    const res = await fetch(`${issuer}/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: redirectUri, client_id: clientId, code_verifier: verifier }),
    });
    if (!res.ok) throw new Error(`tokenFor: token endpoint answered ${res.status} ${await res.text()}`);
    return (await res.json()) as TokenSet;
  }

  return {
    issuer,
    audience,
    clientId,
    addAccount: (account) => void accounts.set(account.sub, account),
    completeLogin,
    tokenFor,
    sign: (claims, o = {}) =>
      new SignJWT(claims)
        .setProtectedHeader({ alg: o.alg ?? 'RS256', kid, typ: 'at+jwt' })
        .sign(o.foreignKey ? foreign.privateKey : own.privateKey),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
