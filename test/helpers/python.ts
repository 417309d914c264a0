import { spawn } from 'node:child_process';
import { resolve } from 'node:path';

/** `python3 <args>` from the repository root; resolves with the exit code and all output, killed after timeoutMs. */
export function runPython(args: string[], env: Record<string, string>, timeoutMs: number): Promise<{ code: number | null; output: string }> {
  return runProcess('python3', args, { PYTHONUNBUFFERED: '1', PYTHONDONTWRITEBYTECODE: '1', ...env }, timeoutMs);
}

/** `<command> <args>` from the repository root with the test's env plus `env`; stdout and stderr together. */
export function runProcess(command: string, args: string[], env: Record<string, string>, timeoutMs: number): Promise<{ code: number | null; output: string }> {
  return new Promise((done, fail) => {
    const child = spawn(command, args, { cwd: resolve('.'), env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', fail);
    child.on('close', (code) => {
      clearTimeout(timer);
      done({ code, output });
    });
  });
}
