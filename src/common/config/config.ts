import { CLIENT_VARIABLES, configSchema, type AppConfig } from './config.schema.js';

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    // One line: a crash-looping pod shows its last log line, and that line must name the variable.
    super(`Invalid configuration: ${problems.join('; ')}`);
    this.name = 'ConfigError';
  }
}

/** Token injected wherever the validated configuration is needed. */
export const APP_CONFIG = Symbol('APP_CONFIG');

/**
 * Validates the environment once, at boot. Every problem names its variable, and
 * unknown BEAMLINE_* variables are errors so that a typo cannot go unnoticed; the
 * clients' own variables (CLIENT_VARIABLES) are not the server's and are ignored.
 */
export function loadConfig(env: NodeJS.ProcessEnv): AppConfig {
  const known = new Set([...Object.keys(configSchema.shape), ...CLIENT_VARIABLES]);
  const problems: string[] = [];
  for (const key of Object.keys(env)) {
    if (key.startsWith('BEAMLINE_') && !known.has(key)) problems.push(`${key}: unknown variable`);
  }
  const blankless = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = configSchema.safeParse(blankless);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const name = issue.path.join('.');
      problems.push(`${name}: ${issue.message} (got ${shown(name, env[name])})`);
    }
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return parsed.data as AppConfig;
}

/** Values that hold credentials are never echoed back (logs are read by more people than Secrets). */
const SECRET_NAME = /TOKEN|SECRET|PASSWORD|ACCESS_KEY|DATABASE_URL|REDIS_URL/;

function shown(name: string, value: string | undefined): string {
  if (value === undefined || !SECRET_NAME.test(name)) return JSON.stringify(value);
  return `a value of ${value.length} characters, not shown`;
}
