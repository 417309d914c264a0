import { Beamline } from '../../sdk/ts/src/index.js';
import { parse, str } from './args.js';
import { readConfig, writeConfig } from './config.js';
import { readCredentials, removeCredentials } from './credentials.js';
import { UsageError, type Output } from './output.js';
import { ssoLogin } from './sso.js';

export const LOGIN_USAGE = `usage: beamline login --url <url> [--project <name>] [--no-browser] [--json]
       beamline login --url <url> --token <token> [--project <name>] [--json]

Without --token: single sign-on. Prints a URL (and opens a browser unless --no-browser)
where you log in with the identity provider; the tokens it gives are saved in
\${BEAMLINE_CONFIG_DIR:-~/.config/beamline}/credentials.json (mode 0600) and renewed
when they expire.

With --token: checks the API token against the project, then saves url, token and
project in \${BEAMLINE_CONFIG_DIR:-~/.config/beamline}/config.json (mode 0600).
`;

export const LOGOUT_USAGE = `usage: beamline logout [--json]

Forgets the single sign-on tokens and the API token that 'beamline login' saved
(and asks the identity provider to revoke the refresh token).
`;

export async function login(argv: string[], out: Output): Promise<void> {
  const p = parse(argv, { 'no-browser': { type: 'boolean' } });
  const [url, token] = [str(p.values.url), str(p.values.token)];
  if (!url) throw new UsageError('login needs --url');
  const project = str(p.values.project) ?? 'default';
  if (!token) {
    const { path } = await ssoLogin(url, { browser: !p.values['no-browser'], progress: (line) => out.progress(line) });
    // config.json keeps the platform and project; an API token saved earlier is dropped so one login means one identity.
    const config = await writeConfig({ url, project });
    out.result({ url, project, config, credentials: path }, () => `logged in to ${url} with single sign-on (project ${project}); tokens saved in ${path}\n`);
    return;
  }
  // One read proves the URL, the token and its access to the project before anything is saved.
  await new Beamline({ url, token, project }).models.list({ limit: 1 }).first(1);
  const path = await writeConfig({ url, token, project });
  await removeCredentials();
  out.result({ url, project, config: path }, () => `logged in to ${url} (project ${project}); saved in ${path}\n`);
}

export async function logout(argv: string[], out: Output): Promise<void> {
  parse(argv);
  const credentials = await readCredentials();
  if (credentials?.refreshToken && credentials.revocationEndpoint) {
    // Best effort (RFC 7009): the local copy goes either way.
    await fetch(credentials.revocationEndpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ token: credentials.refreshToken, token_type_hint: 'refresh_token', client_id: credentials.clientId }),
      signal: AbortSignal.timeout(10_000),
    }).catch(() => undefined);
  }
  await removeCredentials();
  const { token: _token, ...rest } = await readConfig();
  if (_token !== undefined) await writeConfig(rest);
  out.result({ loggedOut: true }, () => 'logged out\n');
}
