import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { REPO_ROOT, startK8sCluster } from './k8s-cluster.js';

declare module 'vitest' {
  export interface ProvidedContext {
    k8sKubeconfig: string;
    k8sServer: string;
    k8sCaFile: string;
  }
}

/**
 * The `k8s` project's globalSetup: builds the control plane when a binary is missing (a
 * clean clone; the script skips what is built, so this costs milliseconds afterwards),
 * starts it once for the run, and hands the admin kubeconfig to the test files. Each
 * file works in its own namespace and on its own uniquely named nodes.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const log = (line: string) => console.error(line);
  const built = spawnSync(join(REPO_ROOT, 'scripts/k8s-build.sh'), { cwd: REPO_ROOT, stdio: ['ignore', 'inherit', 'inherit'] });
  if (built.status !== 0) throw new Error(`scripts/k8s-build.sh failed with ${built.status ?? built.signal}`);
  const cluster = await startK8sCluster({ log });
  project.provide('k8sKubeconfig', cluster.kubeconfig);
  project.provide('k8sServer', cluster.server);
  project.provide('k8sCaFile', cluster.pki.caCert);
  return () => cluster.stop();
}
