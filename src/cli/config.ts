import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { Beamline } from '../../sdk/ts/src/index.js';
import { ssoAccessToken } from './credentials.js';
import { UsageError } from './output.js';

export interface CliConfig {
  url?: string;
  token?: string;
  project?: string;
}

export const configPath = () => join(process.env.BEAMLINE_CONFIG_DIR ?? join(homedir(), '.config', 'beamline'), 'config.json');

export async function readConfig(): Promise<CliConfig> {
  try {
    return JSON.parse(await readFile(configPath(), 'utf8')) as CliConfig;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw new Error(`cannot read ${configPath()}: ${(error as Error).message}`);
  }
}

/** The token is a secret: the file is readable by its owner only. */
export async function writeConfig(config: CliConfig): Promise<string> {
  const path = configPath();
  await mkdir(join(path, '..'), { recursive: true, mode: 0o700 });
  await writeFile(path, `${JSON.stringify(config, null, 2)}\n`, { mode: 0o600 });
  await chmod(path, 0o600);
  return path;
}

/**
 * Flags win over BEAMLINE_URL/TOKEN/PROJECT, which win over the files `beamline login`
 * wrote: the single sign-on access token (renewed when expired), then an API token.
 */
export async function connect(flags: CliConfig): Promise<Beamline> {
  const file = await readConfig();
  const url = flags.url ?? process.env.BEAMLINE_URL ?? file.url;
  if (!url) throw new UsageError('no platform URL: run `beamline login --url <url> --token <token>` or pass --url');
  return new Beamline({
    url,
    token: flags.token ?? process.env.BEAMLINE_TOKEN ?? (await ssoAccessToken(url)) ?? file.token,
    project: flags.project ?? process.env.BEAMLINE_PROJECT ?? file.project ?? 'default',
  });
}
