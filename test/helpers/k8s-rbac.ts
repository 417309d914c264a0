import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { KubeConfig, loadAllYaml, type KubernetesObject } from '@kubernetes/client-node';
import { REPO_ROOT } from './k8s-cluster.js';

/**
 * deploy/rbac/*.yaml as shipped, without its Namespace objects (the test brings its own):
 * the platform namespace `beamline` → `platform`, the workload namespace `beamline-jobs` →
 * `jobs` (they may be the same), cluster-scoped names suffixed so that test files and runs
 * do not collide.
 */
export function deployRbacObjects(platform: string, jobs: string, suffix: string): KubernetesObject[] {
  const dir = join(REPO_ROOT, 'deploy/rbac');
  const docs = readdirSync(dir)
    .filter((f) => f.endsWith('.yaml') && f !== 'kustomization.yaml')
    .flatMap((f) => loadAllYaml(readFileSync(join(dir, f), 'utf8')) as KubernetesObject[]);
  const namespaces: Record<string, string> = { beamline: platform, 'beamline-jobs': jobs };
  const renameNs = (n: string) => {
    if (!namespaces[n]) throw new Error(`deploy/rbac names namespace '${n}', which the tests do not know`);
    return namespaces[n];
  };
  const rename = (name: string) => `${name}-${suffix}`;
  return docs
    .filter((d) => d.kind !== 'Namespace')
    .map((d) => {
      const o = JSON.parse(JSON.stringify(d)) as KubernetesObject & { roleRef?: { kind: string; name: string }; subjects?: { namespace?: string }[] };
      if (o.metadata!.namespace) o.metadata!.namespace = renameNs(o.metadata!.namespace);
      if (o.kind === 'ClusterRole' || o.kind === 'ClusterRoleBinding') o.metadata!.name = rename(o.metadata!.name!);
      if (o.roleRef?.kind === 'ClusterRole') o.roleRef.name = rename(o.roleRef.name);
      for (const subj of o.subjects ?? []) if (subj.namespace) subj.namespace = renameNs(subj.namespace);
      return o;
    });
}

/** The admin's kubeconfig, impersonating `user` (a service account's groups are added by the API server). */
export function impersonating(kc: KubeConfig, user: string): KubeConfig {
  const out = new KubeConfig();
  out.loadFromOptions({
    clusters: kc.getClusters(),
    users: [{ ...kc.getCurrentUser()!, impersonateUser: user }],
    contexts: kc.getContexts(),
    currentContext: kc.getCurrentContext(),
  });
  return out;
}
