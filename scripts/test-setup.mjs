#!/usr/bin/env node
// `npm test` runs this first ("pretest" in package.json), so the README's `npm ci && npm test`
// works on a fresh machine, as `npm start` installs redis-server itself. `.ci/run` relies on it.
//
//  1. Debian's redis-server (the BullMQ trigger), prometheus (test/integration/dashboards.test.ts
//     evaluates every dashboard query), openssl (the Kubernetes tests' throwaway PKI) and
//     chromium (test/browser drives it with playwright-core; Playwright's own browser
//     download is not reachable): apt-get when root, as `npm start` does for redis-server.
//  2. The Python SDK with its test extras, tritonclient[http], openapi-spec-validator
//     (test/integration/openapi-valid.test.ts) and Schemathesis, pinned so that its seeded
//     inputs stay the same (test/integration/fuzz-rest.test.ts), into the `python3` on PATH:
//     the tests run that interpreter, and so do local training jobs that say `python3`.
//  3. As root, o+x (enter, not list) on the folders above that interpreter, because jobs run as
//     the unprivileged beamline-job user (docs/security.md) and python may live under /root.
//  4. Go >= 1.26 builds the Kubernetes test control plane; it cannot be installed from here.
//  5. The container image (test/container/image.test.ts): podman, buildah, runc and debootstrap
//     (apt-get when root), then scripts/image-build.sh, here rather than inside the test run so
//     that its CPU-heavy cold build (~5 min) never competes with timing-sensitive tests. Without
//     podman the container test skips and says why.
// Anything missing at the end is listed with the command that installs it, and `npm test` stops.
import { spawnSync } from 'node:child_process';
import { chmodSync, realpathSync, statSync } from 'node:fs';
import { dirname } from 'node:path';

const isRoot = process.getuid?.() === 0;
const missing = [];
const log = (line) => console.error(`test-setup: ${line}`);
const has = (cmd) => spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;
const run = (cmd, args, opts = {}) => spawnSync(cmd, args, { stdio: 'inherit', ...opts }).status === 0;

// 1. Debian packages.
let aptUpdated = false;
for (const [bin, pkg] of [['redis-server', 'redis-server'], ['prometheus', 'prometheus'], ['openssl', 'openssl'], ['chromium', 'chromium']]) {
  if (has(bin)) continue;
  if (isRoot && has('apt-get')) {
    log(`${bin} not found; installing Debian package ${pkg}`);
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    if (!aptUpdated) aptUpdated = run('apt-get', ['update', '-qq'], { env });
    run('apt-get', ['install', '-y', '-qq', pkg], { env });
  }
  if (!has(bin)) missing.push(`${bin}: sudo apt-get update && sudo apt-get install -y ${pkg}`);
}

// 2. Python packages. pip is quick when everything is there; the SDK is reinstalled each time
//    so its dependencies follow sdk/python/pyproject.toml (the tests import the SDK's source).
const PIP_ARGS = ['-m', 'pip', 'install', '--quiet', '--disable-pip-version-check', './sdk/python[numpy,test]', 'tritonclient[http]', 'openapi-spec-validator>=0.7', 'schemathesis==4.32.5'];
const pipCommand = `python3 ${PIP_ARGS.map((a) => (/[[\]]/.test(a) ? `'${a}'` : a)).join(' ')}`;
if (!has('python3')) {
  missing.push('python3 (3.10 or newer) with pip, then: ' + pipCommand);
} else if (!run('python3', PIP_ARGS)) {
  // For example PEP 668 ("externally-managed-environment") on a distribution's python3.
  missing.push(`the Python SDK's test extras: ${pipCommand}\n    (if pip refuses this python3, make a virtualenv and put it first on PATH: python3 -m venv .venv && . .venv/bin/activate)`);
} else {
  // 3. Let the job user reach the interpreter and its packages (a virtualenv: both prefixes).
  const probe = spawnSync('python3', ['-c', 'import os, sys; print(os.path.realpath(sys.prefix)); print(os.path.realpath(sys.base_prefix))'], { encoding: 'utf8' });
  if (isRoot) for (const prefix of new Set(probe.stdout.trim().split('\n'))) makeTraversable(prefix);
}

// 4. Go, for the Kubernetes tests (test/k8s).
const go = spawnSync('go', ['env', 'GOVERSION'], { encoding: 'utf8' });
const [major, minor] = (go.stdout ?? '').replace(/^go/, '').split('.').map(Number);
if (go.status !== 0 || major < 1 || (major === 1 && minor < 26)) missing.push(`Go >= 1.26 (found: ${go.status === 0 ? go.stdout.trim() : 'none'}), from https://go.dev/dl/ or your distribution`);

// 5. Container tools and the image.
const CONTAINER_TOOLS = ['podman', 'buildah', 'runc', 'debootstrap'];
if (isRoot && has('apt-get') && !CONTAINER_TOOLS.every(has)) {
  log(`installing ${CONTAINER_TOOLS.join(', ')} for the container image test`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  if (!aptUpdated) aptUpdated = run('apt-get', ['update', '-qq'], { env });
  run('apt-get', ['install', '-y', '-qq', ...CONTAINER_TOOLS], { env });
}
if (CONTAINER_TOOLS.every(has)) {
  const started = Date.now();
  if (!run('bash', ['scripts/image-build.sh'], { stdio: ['ignore', 'ignore', 'inherit'] })) missing.push('the container image: scripts/image-build.sh failed (its log is named above)');
  else log(`container image ready in ${((Date.now() - started) / 1000).toFixed(0)} s`);
}

if (missing.length > 0) {
  console.error(`\nThe tests need what this machine lacks:\n${missing.map((m) => `  - ${m}`).join('\n')}\n`);
  process.exit(1);
}

/** o+x on `path` and every folder above it that lacks it, as the embedded PostgreSQL does for its user. */
function makeTraversable(path) {
  for (let dir = path; ; dir = dirname(dir)) {
    const { mode } = statSync(dir);
    if ((mode & 0o001) === 0) {
      chmodSync(dir, (mode & 0o7777) | 0o001);
      log(`made ${dir} traversable (o+x) so that training jobs (user beamline-job) can run ${realpathSync(path)}'s python3`);
    }
    if (dirname(dir) === dir) return;
  }
}
