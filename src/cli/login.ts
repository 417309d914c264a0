import { Beamline } from '../../sdk/ts/src/index.js';
import { parse, str } from './args.js';
import { writeConfig } from './config.js';
import { UsageError, type Output } from './output.js';

export const LOGIN_USAGE = `usage: beamline login --url <url> --token <token> [--project <name>] [--json]

Checks the token against the project, then saves url, token and project in
\${BEAMLINE_CONFIG_DIR:-~/.config/beamline}/config.json (mode 0600).
`;

export async function login(argv: string[], out: Output): Promise<void> {
  const p = parse(argv);
  const [url, token] = [str(p.values.url), str(p.values.token)];
  if (!url || !token) throw new UsageError('login needs --url and --token');
  const project = str(p.values.project) ?? 'default';
  // One read proves the URL, the token and its access to the project before anything is saved.
  await new Beamline({ url, token, project }).models.list({ limit: 1 }).first(1);
  const path = await writeConfig({ url, token, project });
  out.result({ url, project, config: path }, () => `logged in to ${url} (project ${project}); saved in ${path}\n`);
}
