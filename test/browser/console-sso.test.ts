import { createServer } from 'node:net';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startOidcProvider, type TestOidcProvider } from '../helpers/oidc-provider.js';
import { client, closeApp, seedToken, startTestApp, type TestApp } from '../helpers/test-app.js';
import { buildConsole, launchChromium, openPage } from './browser.js';

/**
 * Issue 21: single sign-on in the console, against a real OpenID provider (oidc-provider):
 * authorization code + PKCE from the browser, the provider's own login and consent pages,
 * the access token then used like a pasted token, renewed with the refresh token.
 */
const CONSOLE_CLIENT = 'beamline-console';
let idp: TestOidcProvider;
let t: TestApp;
let browser: Browser;
let jobId: string;

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

beforeAll(async () => {
  buildConsole();
  // The provider must know the console's redirect URI (its origin), and the platform the issuer.
  const port = await freePort();
  idp = await startOidcProvider({ consoleClient: { clientId: CONSOLE_CLIENT, origin: `http://127.0.0.1:${port}` } });
  idp.addAccount({ sub: 'alice', email: 'alice@lab.test', name: 'Alice', groups: ['ml-team'] });
  t = await startTestApp({
    port,
    env: {
      BEAMLINE_OIDC_ISSUER: idp.issuer,
      BEAMLINE_OIDC_AUDIENCE: idp.audience,
      BEAMLINE_OIDC_CLIENT_ID: idp.clientId,
      BEAMLINE_OIDC_CONSOLE_CLIENT_ID: CONSOLE_CLIENT,
    },
  });
  const admin = client(t.url, await seedToken(t.app, 'ADMIN', ['lab']));
  expect((await admin.put('/v1/projects/lab/groups/ml-team', { role: 'VIEWER' })).status).toBe(200);
  const job = await admin.post('/v1/projects/lab/training-jobs', { name: 'sso-visible', image: 'unused', command: ['true'], resources: { cpu: '100m', memory: '64Mi' } });
  expect(job.status).toBe(201);
  jobId = job.body.id;
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await closeApp(t);
  await idp?.close();
});

/** What the console keeps in localStorage (the test's tsconfig has no DOM types: an expression). */
const stored = (page: Page, key: string) => page.evaluate(`localStorage.getItem(${JSON.stringify(key)})`) as Promise<string | null>;

/** On the provider's development pages, as a person: the login form (any account, no password), then consent. */
async function loginAtProvider(page: Page, sub: string): Promise<void> {
  await page.locator('input[name=prompt][value=login]').waitFor({ state: 'attached' });
  await page.locator('input[name=login]').fill(sub);
  // The form wants a password too; the development provider does not check it.
  await page.locator('input[name=password]').fill('any');
  await page.locator('button[type=submit]').click();
  await page.locator('input[name=prompt][value=consent]').waitFor({ state: 'attached' });
  await page.locator('button[type=submit]').click();
}

describe('single sign-on in the console', () => {
  it('logs in through the provider with PKCE and state, uses the access token with the role the group gives, and renews it', async () => {
    const { page, dialogs, errors } = await openPage(browser);
    const urls: string[] = [];
    const tokenRequests: string[] = [];
    page.on('request', (r) => {
      urls.push(r.url());
      if (r.url() === `${idp.issuer}/token`) tokenRequests.push(r.postData() ?? '');
    });
    await page.goto(`${t.url}/ui/p/lab/jobs/${jobId}`);
    await page.getByRole('button', { name: 'Log in with SSO' }).click();
    // The authorization request: code + PKCE S256, state, the console's redirect URI.
    await page.waitForURL((u) => u.href.startsWith(idp.issuer));
    const auth = new URL(urls.find((u) => u.startsWith(`${idp.issuer}/auth?`))!);
    expect(Object.fromEntries(auth.searchParams)).toMatchObject({
      response_type: 'code',
      client_id: CONSOLE_CLIENT,
      redirect_uri: `${t.url}/ui/auth/callback`,
      code_challenge_method: 'S256',
      scope: 'openid profile email offline_access',
    });
    expect(auth.searchParams.get('state')).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(auth.searchParams.get('code_challenge')).toMatch(/^[A-Za-z0-9_-]{43}$/);

    await loginAtProvider(page, 'alice');
    // Back on the page the login started from, signed in as alice, a viewer through ml-team.
    await page.getByRole('button', { name: 'Log out' }).waitFor();
    expect(new URL(page.url()).pathname).toBe(`/ui/p/lab/jobs/${jobId}`);
    await page.getByText('sso-visible').first().waitFor();
    expect(await page.locator('.who').textContent()).toMatch(/\(viewer\)$/);
    expect(await page.getByRole('button', { name: 'Cancel' }).count()).toBe(0);

    // The code was exchanged with the verifier; the token is stored like a pasted one and never in a URL.
    expect(tokenRequests).toHaveLength(1);
    expect(urls).toContain(`${t.url}/v1/auth/login`); // recorded, as for `beamline login`
    const exchange = new URLSearchParams(tokenRequests[0]);
    expect(exchange.get('grant_type')).toBe('authorization_code');
    expect(exchange.get('code_verifier')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const token = await stored(page, 'beamline.token');
    expect(token).toMatch(/^ey[\w-]+\.[\w-]+\.[\w-]+$/);
    expect(urls.filter((u) => u.includes(token!))).toEqual([]);
    expect(urls.filter((u) => u.includes(exchange.get('code_verifier')!))).toEqual([]);
    const whoami = await client(t.url, token!).get('/v1/auth/whoami');
    expect(whoami.status).toBe(200);
    expect(whoami.body.projects).toEqual([expect.objectContaining({ name: 'lab', role: 'VIEWER' })]);

    // A rejected access token (here: spoilt) is renewed with the refresh token, not a new login.
    await page.evaluate("localStorage.setItem('beamline.token', 'spoilt')");
    await page.reload();
    await page.getByText('sso-visible').first().waitFor();
    expect(tokenRequests).toHaveLength(2);
    expect(new URLSearchParams(tokenRequests[1]).get('grant_type')).toBe('refresh_token');
    const renewed = await stored(page, 'beamline.token');
    expect(renewed).toMatch(/^ey/);
    expect(renewed).not.toBe(token);

    // Log out forgets both tokens.
    await page.getByRole('button', { name: 'Log out' }).click();
    await page.getByRole('button', { name: 'Log in with SSO' }).waitFor();
    expect([await stored(page, 'beamline.token'), await stored(page, 'beamline.refresh')]).toEqual([null, null]);
    expect(dialogs).toEqual([]);
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('refuses a callback whose state is not the one this browser sent, before using the code', async () => {
    const { page } = await openPage(browser);
    const tokenRequests: string[] = [];
    page.on('request', (r) => void (r.url().startsWith(`${idp.issuer}/token`) && tokenRequests.push(r.url())));
    await page.goto(`${t.url}/ui`);
    await page.getByRole('button', { name: 'Log in with SSO' }).click();
    await page.waitForURL((u) => u.href.startsWith(`${idp.issuer}/interaction/`));
    // An answer from someone else's login (a login CSRF): right shape, wrong state.
    await page.goto(`${t.url}/ui/auth/callback?code=someone-elses-code&state=forged&iss=${encodeURIComponent(idp.issuer)}`);
    await expect.poll(() => page.getByRole('alert').textContent()).toMatch(/Single sign-on failed: .*state mismatch/);
    // The code left the address bar; nothing was exchanged or stored.
    expect(new URL(page.url()).search).toBe('');
    expect(tokenRequests).toEqual([]);
    expect(await stored(page, 'beamline.token')).toBeNull();
    await page.getByRole('link', { name: 'Back to the login page' }).click();
    await page.getByRole('button', { name: 'Log in with SSO' }).waitFor();
    await page.context().close();
  });

  it("allows the issuer in the page's connect-src, and only there", async () => {
    const res = await fetch(`${t.url}/ui`);
    const csp = res.headers.get('content-security-policy')!;
    expect(csp).toContain(`connect-src 'self' ${idp.issuer};`);
    expect(csp).toContain("script-src 'self';");
  });
});

describe('the console without single sign-on', () => {
  let plain: TestApp;
  afterAll(async () => closeApp(plain));

  it('offers no SSO button, and its connect-src is the platform only', async () => {
    // The CLI may still have SSO; without a console client the console offers none.
    plain = await startTestApp({ env: { BEAMLINE_OIDC_ISSUER: idp.issuer, BEAMLINE_OIDC_AUDIENCE: idp.audience, BEAMLINE_OIDC_CLIENT_ID: idp.clientId } });
    const { page } = await openPage(browser);
    const config = page.waitForResponse((r) => r.url().endsWith('/v1/auth/config'));
    await page.goto(`${plain.url}/ui`);
    expect(await (await config).json()).toMatchObject({ oidc: { consoleClientId: null } });
    await page.getByLabel('API token').waitFor();
    await page.waitForLoadState('networkidle');
    expect(await page.getByRole('button', { name: 'Log in with SSO' }).count()).toBe(0);
    expect((await fetch(`${plain.url}/ui`)).headers.get('content-security-policy')).toContain("connect-src 'self';");
    await page.context().close();
  });
});
