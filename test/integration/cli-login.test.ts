import { spawn } from 'node:child_process';
import { mkdtemp, readFile, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OidcVerifier } from '../../src/auth/oidc/oidc-verifier.js';
import { loadConfig } from '../../src/common/config/config.js';
import { startOidcProvider, type TestOidcProvider } from '../helpers/oidc-provider.js';
import { closeApp, startTestApp, type TestApp } from '../helpers/test-app.js';

/**
 * `beamline login` (single sign-on) as a child process, against the platform and a real
 * OpenID provider; the test plays the person in the browser over HTTP.
 */
let idp: TestOidcProvider;
let t: TestApp;
let dir: string;
let verifier: OidcVerifier;

beforeAll(async () => {
  idp = await startOidcProvider();
  idp.addAccount({ sub: 'dana', email: 'dana@lab.test', groups: ['ml-team'] });
  const env = { BEAMLINE_OIDC_ISSUER: idp.issuer, BEAMLINE_OIDC_AUDIENCE: idp.audience, BEAMLINE_OIDC_CLIENT_ID: idp.clientId };
  t = await startTestApp({ role: 'api', env });
  verifier = new OidcVerifier(loadConfig(env));
  dir = await mkdtemp(join(tmpdir(), 'beamline-sso-'));
});
afterAll(async () => {
  await closeApp(t);
  await idp?.close();
});

/** Runs the CLI; `onStderr` sees stderr as it comes (the login URL is printed there). */
function beamline(args: string[], onStderr?: (text: string) => void): Promise<{ code: number; stdout: string; stderr: string }> {
  const env: NodeJS.ProcessEnv = { ...process.env, BEAMLINE_CONFIG_DIR: join(dir, 'config'), PATH: '/nonexistent' };
  for (const key of ['BEAMLINE_URL', 'BEAMLINE_TOKEN', 'BEAMLINE_PROJECT']) delete env[key];
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/beamline.ts', ...args], { env, timeout: 90_000 });
  let [stdout, stderr] = ['', ''];
  child.stdout.on('data', (d: Buffer) => (stdout += d));
  child.stderr.on('data', (d: Buffer) => {
    stderr += d;
    onStderr?.(stderr);
  });
  return new Promise((resolve) => child.on('close', (code) => resolve({ code: code ?? 1, stdout, stderr })));
}

const credentialsFile = () => join(dir, 'config', 'credentials.json');
const readJson = async (path: string) => JSON.parse(await readFile(path, 'utf8'));

describe('beamline login with single sign-on', () => {
  it('runs the code flow with PKCE through a loopback redirect and saves the tokens with mode 0600', async () => {
    let started = false;
    let browser: Promise<void> | undefined;
    const run = beamline(['login', '--url', t.url, '--project', 'sso', '--no-browser', '--json'], (stderr) => {
      const url = /https?:\/\/\S+\/auth\?\S+/.exec(stderr)?.[0];
      if (!url || started) return;
      started = true;
      browser = (async () => {
        const params = new URL(url).searchParams;
        expect(params.get('code_challenge_method')).toBe('S256');
        expect(params.get('client_id')).toBe(idp.clientId);
        const redirect = params.get('redirect_uri')!;
        expect(redirect).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/callback$/);
        // A request with another state (a stray tab, a hostile page) is refused and the login goes on.
        expect((await fetch(`${redirect}?code=forged&state=wrong`)).status).toBe(400);
        const back = await idp.completeLogin(url, 'dana');
        expect(back.startsWith(redirect)).toBe(true);
        expect((await fetch(back)).status).toBe(200);
      })();
    });
    const result = await run;
    await browser;
    expect(result.code, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ url: t.url, project: 'sso' });

    expect((await stat(credentialsFile())).mode & 0o777).toBe(0o600);
    const saved = await readJson(credentialsFile());
    expect(saved).toMatchObject({ url: t.url, issuer: idp.issuer, clientId: idp.clientId, refreshToken: expect.any(String) });
    expect(await verifier.verify(saved.accessToken)).toMatchObject({ subject: 'dana', email: 'dana@lab.test', groups: ['ml-team'] });
    expect(await readJson(join(dir, 'config', 'config.json'))).toEqual({ url: t.url, project: 'sso' });
  });

  it('renews an expired access token with the refresh token before a command', async () => {
    const before = await readJson(credentialsFile());
    await writeFile(credentialsFile(), JSON.stringify({ ...before, expiresAt: Date.now() - 1000 }));
    // The call's answer is the guard's business; what matters here is the renewal.
    await beamline(['models', 'list', '--json']);
    const after = await readJson(credentialsFile());
    expect(after.accessToken).not.toBe(before.accessToken);
    expect(after.refreshToken).not.toBe(before.refreshToken); // rotated for a public client
    expect(after.expiresAt).toBeGreaterThan(Date.now());
    expect((await verifier.verify(after.accessToken)).subject).toBe('dana');
    expect((await stat(credentialsFile())).mode & 0o777).toBe(0o600);
  });

  it('logout forgets the tokens and revokes the refresh token', async () => {
    const { refreshToken, clientId } = await readJson(credentialsFile());
    const out = await beamline(['logout']);
    expect(out.code, out.stderr).toBe(0);
    await expect(stat(credentialsFile())).rejects.toMatchObject({ code: 'ENOENT' });
    const refresh = await fetch(`${idp.issuer}/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: refreshToken, client_id: clientId }),
    });
    expect(refresh.status).toBe(400);
  });

  it('says so when the platform has no single sign-on', async () => {
    const off = await startTestApp({ role: 'api' });
    try {
      const out = await beamline(['login', '--url', off.url, '--no-browser']);
      expect(out.code).toBe(2);
      expect(out.stderr).toContain('does not offer single sign-on');
    } finally {
      await closeApp(off);
    }
  });
});
