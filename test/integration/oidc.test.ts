import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OidcVerifier } from '../../src/auth/oidc/oidc-verifier.js';
import { ConfigError, loadConfig } from '../../src/common/config/config.js';
import { ErrorCode } from '../../src/common/errors/app-error.js';
import { startOidcProvider, type TestOidcProvider } from '../helpers/oidc-provider.js';
import { closeApp, startTestApp, type TestApp } from '../helpers/test-app.js';

/**
 * OIDC access tokens from a real OpenID provider (oidc-provider) against OidcVerifier:
 * what is accepted, and each way a token is refused with 401 and a reason.
 */
let idp: TestOidcProvider;
let t: TestApp;
const HOUR_MS = 3600_000;

const env = (overrides: Record<string, string> = {}) => ({
  BEAMLINE_OIDC_ISSUER: idp.issuer,
  BEAMLINE_OIDC_AUDIENCE: idp.audience,
  BEAMLINE_OIDC_CLIENT_ID: idp.clientId,
  BEAMLINE_OIDC_ADMIN_GROUPS: 'platform-admins, ops',
  ...overrides,
});
const verifier = (overrides: Record<string, string> = {}, now?: () => Date) => new OidcVerifier(loadConfig(env(overrides)), now);
const seconds = (ms: number) => Math.floor(ms / 1000);
/** Claims of a token this provider would issue, for forging variations of it. */
const claims = (extra: Record<string, unknown> = {}) => ({
  iss: idp.issuer,
  aud: idp.audience,
  sub: 'mallory',
  iat: seconds(Date.now()),
  exp: seconds(Date.now()) + 600,
  groups: ['platform-admins'],
  ...extra,
});

async function rejected(promise: Promise<unknown>, reason: RegExp): Promise<void> {
  await expect(promise).rejects.toMatchObject({ code: ErrorCode.Unauthenticated, message: expect.stringMatching(reason) });
}

beforeAll(async () => {
  idp = await startOidcProvider();
});
afterAll(async () => {
  await closeApp(t);
  await idp?.close();
});

describe('OidcVerifier against a real OpenID provider', () => {
  it('accepts an access token from the code flow, with subject, email and groups', async () => {
    const { access_token } = await idp.tokenFor({ sub: 'alice', email: 'alice@lab.test', name: 'Alice', groups: ['ml-team', 'ops'] });
    const v = verifier();
    const identity = await v.verify(access_token);
    const { expiresAt, ...rest } = identity;
    expect(rest).toEqual({ issuer: idp.issuer, subject: 'alice', email: 'alice@lab.test', name: 'Alice', groups: ['ml-team', 'ops'] });
    // The guard stops honouring the token at its exp, even from its cache.
    expect(expiresAt!.getTime()).toBeGreaterThan(Date.now());
    expect(v.isPlatformAdmin(identity)).toBe(true);
    expect(v.isPlatformAdmin({ ...identity, groups: ['ml-team'] })).toBe(false);
  });

  it('reads groups from the configured claim; none is an empty list', async () => {
    const token = await idp.sign(claims({ roles: ['a', 7, 'b'], groups: undefined }));
    expect((await verifier({ BEAMLINE_OIDC_GROUPS_CLAIM: 'roles' }).verify(token)).groups).toEqual(['a', 'b']);
    expect((await verifier().verify(token)).groups).toEqual([]);
  });

  it('refuses a token for another audience', async () => {
    const { access_token } = await idp.tokenFor({ sub: 'bob', groups: [] });
    await rejected(verifier({ BEAMLINE_OIDC_AUDIENCE: 'https://other.test/api' }).verify(access_token), /audience/);
    // The ID token is meant for the client, not for this API.
    const { id_token } = await idp.tokenFor({ sub: 'bob', groups: [] });
    await rejected(verifier().verify(id_token!), /audience/);
  });

  it('refuses a token from another issuer, even signed with a trusted key', async () => {
    await rejected(verifier().verify(await idp.sign(claims({ iss: 'https://evil.test' }))), /another issuer/);
  });

  it('refuses an expired token, and one not valid yet, beyond 30 s of tolerance', async () => {
    const { access_token, expires_in } = await idp.tokenFor({ sub: 'carol', groups: ['ml-team'] });
    const at = (ms: number) => () => new Date(Date.now() + ms);
    await expect(verifier({}, at(expires_in * 1000 + 10_000)).verify(access_token)).resolves.toMatchObject({ subject: 'carol' });
    await rejected(verifier({}, at(HOUR_MS)).verify(access_token), /expired/);
    await rejected(verifier().verify(await idp.sign(claims({ nbf: seconds(Date.now()) + 300 }))), /not valid yet/);
  });

  it('refuses a bad signature, an unknown key, alg none, and a token without exp', async () => {
    await rejected(verifier().verify(await idp.sign(claims(), { foreignKey: true })), /signature does not verify/);
    const token = await idp.sign(claims());
    const [header, payload] = token.split('.');
    const unknownKid = Buffer.from(JSON.stringify({ alg: 'RS256', kid: 'rotated-away' })).toString('base64url');
    await rejected(verifier().verify(`${unknownKid}.${payload}.${token.split('.')[2]}`), /not signed by one of the issuer's keys/);
    const none = Buffer.from(JSON.stringify({ alg: 'none' })).toString('base64url');
    await rejected(verifier().verify(`${none}.${payload}.`), /./);
    await rejected(verifier().verify(`${header}.${payload}`), /not a well-formed/);
    await rejected(verifier().verify('not-a-jwt'), /not a well-formed/);
    await rejected(verifier().verify(await idp.sign(claims({ exp: undefined }))), /no expiry/);
  });

  it('answers 503, not 401, while the issuer cannot be reached', async () => {
    const dead = new OidcVerifier(loadConfig(env({ BEAMLINE_OIDC_ISSUER: 'http://127.0.0.1:1' })));
    await expect(dead.verify(await idp.sign(claims()))).rejects.toMatchObject({ code: ErrorCode.Unavailable });
  });

  it('is off without an issuer, and refuses a half or unsafe configuration at boot', async () => {
    const off = new OidcVerifier(loadConfig({}));
    expect(off.enabled).toBe(false);
    expect(off.loginConfig()).toEqual({ oidc: null });
    await rejected(off.verify(await idp.sign(claims())), /not configured/);
    expect(() => new OidcVerifier(loadConfig({ BEAMLINE_OIDC_ISSUER: idp.issuer }))).toThrow(ConfigError);
    expect(() => loadConfig({ BEAMLINE_OIDC_ISSUER: 'http://idp.example.com' })).toThrow(/BEAMLINE_OIDC_ISSUER: must be https/);
    expect(() => loadConfig({ BEAMLINE_OIDC_CONSOLE_CLIENT_ID: 'beamline-console' })).toThrow(/BEAMLINE_OIDC_CONSOLE_CLIENT_ID: needs BEAMLINE_OIDC_ISSUER/);
    expect(loadConfig({}).BEAMLINE_OIDC_ADMIN_GROUPS).toEqual([]);
  });
});

describe('GET /v1/auth/config', () => {
  beforeAll(async () => {
    t = await startTestApp({ role: 'api', env: env() });
  });

  it('tells clients, without a token, how to log in', async () => {
    const res = await fetch(`${t.url}/v1/auth/config`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ oidc: { issuer: idp.issuer, clientId: idp.clientId, consoleClientId: null, scopes: 'openid profile email offline_access' } });
  });
});
