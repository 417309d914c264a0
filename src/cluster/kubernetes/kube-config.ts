import { accessSync, constants, existsSync, readFileSync, statSync } from 'node:fs';
import { isIPv6 } from 'node:net';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import { ConfigError } from '../../common/config/config.js';

/** Where the kubelet mounts a pod's service-account token, CA and namespace. */
export const SERVICE_ACCOUNT_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';

/** The variables the choice depends on (the validated config, or process.env). */
export interface KubeEnv {
  KUBECONFIG?: string;
  KUBERNETES_SERVICE_HOST?: string;
  KUBERNETES_SERVICE_PORT?: string;
  BEAMLINE_K8S_SERVICE_ACCOUNT_DIR?: string;
}

export interface LoadedKubeConfig {
  kc: KubeConfig;
  /** `in-cluster`: the pod's service account; `kubeconfig`: KUBECONFIG or ~/.kube/config. */
  source: 'in-cluster' | 'kubeconfig';
  /** For the boot log: the API server and whose credentials. */
  describe: string;
}

/**
 * The one way both Kubernetes drivers and the infer proxy get their credentials:
 * 1. KUBECONFIG set: that file (an explicit choice wins, in a pod too, as with kubectl);
 * 2. KUBERNETES_SERVICE_HOST set (the kubelet sets it in every pod): the service account,
 *    all or nothing: a half in-cluster environment is a ConfigError naming what is missing
 *    (main exits 78 with that line on stderr), not a failure at the first API call;
 * 3. otherwise ~/.kube/config; with none of the three, a ConfigError (client-node's own
 *    default, http://localhost:8080, would only fail later and less clearly).
 * The token is given as a token *file*: client-node re-reads it every 60 s, so bound
 * service-account tokens, which the kubelet rotates before they expire (1 h), keep working.
 */
export function loadKubeConfig(env: KubeEnv): LoadedKubeConfig {
  const kc = new KubeConfig();
  if (env.KUBECONFIG) return fromFiles(kc, env.KUBECONFIG.split(delimiter).filter(Boolean), 'KUBECONFIG');
  if (env.KUBERNETES_SERVICE_HOST) {
    const dir = env.BEAMLINE_K8S_SERVICE_ACCOUNT_DIR ?? SERVICE_ACCOUNT_DIR;
    const problem = inClusterProblem(env, dir);
    if (problem) throw new ConfigError([problem]);
    const host = isIPv6(env.KUBERNETES_SERVICE_HOST) ? `[${env.KUBERNETES_SERVICE_HOST}]` : env.KUBERNETES_SERVICE_HOST;
    kc.loadFromClusterAndUser(
      { name: 'in-cluster', server: `https://${host}:${env.KUBERNETES_SERVICE_PORT}`, caFile: join(dir, 'ca.crt'), skipTLSVerify: false },
      { name: 'service-account', authProvider: { name: 'tokenFile', config: { tokenFile: join(dir, 'token') } } },
    );
    return { kc, source: 'in-cluster', describe: `in-cluster service account (${dir}) at ${kc.getCurrentCluster()!.server}` };
  }
  const home = join(homedir(), '.kube', 'config');
  if (existsSync(home)) return fromFiles(kc, [home], home);
  throw new ConfigError([
    'KUBECONFIG: BEAMLINE_CLUSTER_DRIVER=kubernetes needs credentials: set KUBECONFIG, create ~/.kube/config, or run in a pod with its service account (KUBERNETES_SERVICE_HOST)',
  ]);
}

/** Like kubectl: the first file's current context; later files add clusters and users. */
function fromFiles(kc: KubeConfig, files: string[], variable: string): LoadedKubeConfig {
  try {
    kc.loadFromFile(files[0]);
    for (const file of files.slice(1)) {
      const more = new KubeConfig();
      more.loadFromFile(file);
      kc.mergeConfig(more, true);
    }
  } catch (e) {
    throw new ConfigError([`${variable}: cannot load ${files.join(delimiter)}: ${(e as Error).message}`]);
  }
  const server = kc.getCurrentCluster()?.server;
  if (!server) throw new ConfigError([`${variable}: ${files.join(delimiter)} has no current context with a cluster`]);
  return { kc, source: 'kubeconfig', describe: `kubeconfig ${files.join(delimiter)}, context ${kc.getCurrentContext()} at ${server}` };
}

/** The variables from the validated config, falling back to the process's (KUBECONFIG is not a BEAMLINE_ variable). */
export function kubeEnv(config: object): KubeEnv {
  const c = config as KubeEnv;
  const pick = (k: keyof KubeEnv) => c[k] ?? process.env[k];
  return {
    KUBECONFIG: pick('KUBECONFIG'),
    KUBERNETES_SERVICE_HOST: pick('KUBERNETES_SERVICE_HOST'),
    KUBERNETES_SERVICE_PORT: pick('KUBERNETES_SERVICE_PORT'),
    BEAMLINE_K8S_SERVICE_ACCOUNT_DIR: pick('BEAMLINE_K8S_SERVICE_ACCOUNT_DIR'),
  };
}

/** True where the in-cluster credentials are the ones loadKubeConfig picks. */
export function isInCluster(env: KubeEnv): boolean {
  return !env.KUBECONFIG && !!env.KUBERNETES_SERVICE_HOST;
}

/** One line naming what an in-cluster environment lacks, or undefined when it is complete. */
export function inClusterProblem(env: KubeEnv, dir = env.BEAMLINE_K8S_SERVICE_ACCOUNT_DIR ?? SERVICE_ACCOUNT_DIR): string | undefined {
  const where = `KUBERNETES_SERVICE_HOST is set (in-cluster)`;
  const port = env.KUBERNETES_SERVICE_PORT;
  if (!port || !/^\d{1,5}$/.test(port)) return `KUBERNETES_SERVICE_PORT: ${where} but KUBERNETES_SERVICE_PORT is ${port ? `'${port}', not a port` : 'missing'}`;
  for (const [file, what] of [
    ['token', 'the service-account token'],
    ['ca.crt', "the API server's CA certificate"],
  ] as const) {
    const path = join(dir, file);
    const unusable = unreadable(path);
    if (unusable) {
      return `BEAMLINE_K8S_SERVICE_ACCOUNT_DIR: ${where} but ${what} ${path} ${unusable} (mount the service account token: automountServiceAccountToken, or set KUBECONFIG)`;
    }
  }
  return undefined;
}

function unreadable(path: string): string | undefined {
  try {
    if (!statSync(path).isFile()) return 'is not a file';
    accessSync(path, constants.R_OK);
    if (readFileSync(path).length === 0) return 'is empty';
    return undefined;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return code === 'ENOENT' ? 'is missing' : code === 'EACCES' ? 'is not readable by this user' : `cannot be read (${code ?? String(e)})`;
  }
}
