import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfigError } from '../../common/config/config.js';
import { inClusterProblem, kubeEnv, loadKubeConfig, type KubeEnv } from './kube-config.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'kube-config-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function serviceAccount(files: Record<string, string | null>): string {
  const sa = join(dir, 'sa');
  mkdirSync(sa);
  for (const [name, content] of Object.entries(files)) {
    if (content === null) mkdirSync(join(sa, name));
    else writeFileSync(join(sa, name), content);
  }
  return sa;
}
const inCluster = (sa: string, extra: KubeEnv = {}): KubeEnv => ({ KUBERNETES_SERVICE_HOST: '10.0.0.1', KUBERNETES_SERVICE_PORT: '443', BEAMLINE_K8S_SERVICE_ACCOUNT_DIR: sa, ...extra });
const problemOf = (env: KubeEnv) => {
  try {
    loadKubeConfig(env);
    return undefined;
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    expect((e as ConfigError).problems).toHaveLength(1);
    return (e as ConfigError).problems[0];
  }
};

describe('loadKubeConfig: in the cluster', () => {
  it('uses the service account: https server from host and port, the CA file, the token as a file (re-read on rotation)', async () => {
    const sa = serviceAccount({ token: 'first-token', 'ca.crt': 'CA' });
    const { kc, source, describe: text } = loadKubeConfig(inCluster(sa));
    expect(source).toBe('in-cluster');
    expect(text).toContain(sa);
    expect(kc.getCurrentCluster()).toMatchObject({ server: 'https://10.0.0.1:443', caFile: join(sa, 'ca.crt'), skipTLSVerify: false });
    const opts = { headers: {} as Record<string, string> };
    await kc.applyToHTTPSOptions(opts);
    expect(opts.headers.Authorization).toBe('Bearer first-token');
    expect(String((opts as { ca?: Buffer }).ca)).toBe('CA');
  });

  it('brackets an IPv6 host', () => {
    const sa = serviceAccount({ token: 't', 'ca.crt': 'CA' });
    expect(loadKubeConfig(inCluster(sa, { KUBERNETES_SERVICE_HOST: 'fd00::1' })).kc.getCurrentCluster()!.server).toBe('https://[fd00::1]:443');
  });

  it.each([
    ['the token is missing', { 'ca.crt': 'CA' }, /BEAMLINE_K8S_SERVICE_ACCOUNT_DIR: .*service-account token .*\/token is missing/],
    ['the token is empty', { token: '', 'ca.crt': 'CA' }, /\/token is empty/],
    ['the token is not a file', { token: null, 'ca.crt': 'CA' }, /\/token is not a file/],
    ['the CA is missing', { token: 't' }, /CA certificate .*\/ca\.crt is missing/],
  ])('refuses a half in-cluster environment with one line: %s', (_, files, message) => {
    const problem = problemOf(inCluster(serviceAccount(files as Record<string, string | null>)));
    expect(problem).toMatch(message);
    expect(problem).toContain('KUBERNETES_SERVICE_HOST is set');
    expect(problem).not.toContain('\n');
  });

  it('refuses a missing or malformed KUBERNETES_SERVICE_PORT', () => {
    const sa = serviceAccount({ token: 't', 'ca.crt': 'CA' });
    expect(problemOf(inCluster(sa, { KUBERNETES_SERVICE_PORT: undefined }))).toMatch(/^KUBERNETES_SERVICE_PORT: .* missing/);
    expect(problemOf(inCluster(sa, { KUBERNETES_SERVICE_PORT: 'https' }))).toMatch(/'https', not a port/);
  });

  it('defaults the directory to the kubelet mount', () => {
    expect(inClusterProblem({ KUBERNETES_SERVICE_HOST: '10.0.0.1', KUBERNETES_SERVICE_PORT: '443' })).toContain('/var/run/secrets/kubernetes.io/serviceaccount/');
  });
});

describe('loadKubeConfig: outside the cluster', () => {
  const kubeconfig = (server: string) =>
    JSON.stringify({
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [{ name: 'c', cluster: { server } }],
      users: [{ name: 'u', user: { token: 'kubeconfig-token' } }],
      contexts: [{ name: 'ctx', context: { cluster: 'c', user: 'u' } }],
      'current-context': 'ctx',
    });

  it('KUBECONFIG wins, even in a pod', () => {
    const file = join(dir, 'config');
    writeFileSync(file, kubeconfig('https://cluster.example:6443'));
    const { kc, source } = loadKubeConfig({ KUBECONFIG: file, KUBERNETES_SERVICE_HOST: '10.0.0.1' });
    expect(source).toBe('kubeconfig');
    expect(kc.getCurrentCluster()!.server).toBe('https://cluster.example:6443');
  });

  it('names KUBECONFIG when its file cannot be loaded', () => {
    expect(problemOf({ KUBECONFIG: join(dir, 'absent') })).toMatch(/^KUBECONFIG: cannot load .*absent/);
  });

  it('kubeEnv takes the config first, then the process environment', () => {
    expect(kubeEnv({ KUBERNETES_SERVICE_HOST: 'h', BEAMLINE_K8S_SERVICE_ACCOUNT_DIR: '/sa' })).toMatchObject({ KUBERNETES_SERVICE_HOST: 'h', BEAMLINE_K8S_SERVICE_ACCOUNT_DIR: '/sa' });
  });
});
