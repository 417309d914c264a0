import { execFile } from 'node:child_process';
import { join } from 'node:path';

export interface Run {
  code: number;
  stdout: string;
  stderr: string;
  json: () => any; // eslint-disable-line @typescript-eslint/no-explicit-any
}

/**
 * The real `beamline` CLI as a child process, from source. Only the config under
 * `configDir` (and flags) may say where the platform is: BEAMLINE_URL/TOKEN/PROJECT are unset.
 */
export function cliRunner(configDir: () => string): (...args: string[]) => Promise<Run> {
  return (...args) =>
    new Promise((resolve) => {
      const env: NodeJS.ProcessEnv = { ...process.env, BEAMLINE_CONFIG_DIR: join(configDir(), 'config') };
      for (const key of ['BEAMLINE_URL', 'BEAMLINE_TOKEN', 'BEAMLINE_PROJECT']) delete env[key];
      execFile(process.execPath, ['--import', 'tsx', 'src/cli/beamline.ts', ...args], { env, timeout: 90_000 }, (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        resolve({ code, stdout, stderr, json: () => JSON.parse(stdout) });
      });
    });
}
