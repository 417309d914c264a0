import { execFile, spawnSync } from 'node:child_process';
import { promisify } from 'node:util';

const exec = promisify(execFile);

/** Flags that work for `podman run` on these machines (docs/install.md "Building without a registry"). */
export const RUN_FLAGS = ['--runtime', 'runc', '--network', 'host', '--ulimit', 'nofile=1024:1024', '--ulimit', 'nproc=1000:1000'];

/** Why the container tests cannot run here, or undefined when podman is present. */
export function podmanMissing(): string | undefined {
  const probe = spawnSync('podman', ['--version'], { encoding: 'utf8' });
  return probe.status === 0 ? undefined : 'podman is not installed (apt-get install -y podman buildah runc debootstrap; npm test does it as root)';
}

export async function podman(args: string[], timeoutMs = 120_000): Promise<string> {
  const { stdout } = await exec('podman', args, { timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024 });
  return stdout.trim();
}

/** Starts a detached container; resolves to its name. */
export async function runDetached(name: string, image: string, args: string[], options: { env?: Record<string, string>; volumes?: string[] } = {}): Promise<string> {
  const env = Object.entries(options.env ?? {}).flatMap(([k, v]) => ['-e', `${k}=${v}`]);
  const volumes = (options.volumes ?? []).flatMap((v) => ['-v', v]);
  await podman(['run', '-d', '--name', name, ...RUN_FLAGS, ...env, ...volumes, image, ...args]);
  return name;
}

/** The container's exit code once it has stopped. */
export async function waitExit(name: string, timeoutMs = 60_000): Promise<number> {
  return Number(await podman(['wait', name], timeoutMs));
}

export async function logsOf(name: string): Promise<string> {
  const { stdout, stderr } = await exec('podman', ['logs', name], { maxBuffer: 64 * 1024 * 1024 }).catch((e: { stdout?: string; stderr?: string }) => ({ stdout: e.stdout ?? '', stderr: e.stderr ?? '' }));
  return `${stdout}${stderr}`;
}

export async function removeContainers(names: string[]): Promise<void> {
  if (names.length) await exec('podman', ['rm', '-f', '-t', '0', ...names]).catch(() => undefined);
}
