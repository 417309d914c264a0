import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CoreV1Api, KubernetesObjectApi, loadAllYaml, type KubeConfig, type V1LabelSelector, type V1NetworkPolicy } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WorkloadSpec } from '../../src/cluster/cluster-driver.js';
import { workloadSpec } from '../../src/cluster/testing/workload-spec.js';
import { workerPod } from '../../src/cluster/kubernetes/k8s-workload-objects.js';
import { REPO_ROOT } from '../helpers/k8s-cluster.js';
import { adminKubeConfig, createTestNamespace, deleteTestNamespace } from '../helpers/k8s-namespace.js';

// deploy/network-policies applied as shipped (namespace rewritten) to the real API server,
// which validates them; which pods each selector picks is then asked of the API server's
// own label-selector code, on a real training pod from workerPod() and datastore pods.
// Enforcement needs a CNI (Calico, Cilium); this control plane has none.
let kc: KubeConfig;
let core: CoreV1Api;
let ns: string;
const policies: Record<string, V1NetworkPolicy> = {};

/** A LabelSelector as the `labelSelector` query string (matchLabels and Exists only: all these policies use). */
function selectorQuery(s: V1LabelSelector): string {
  const parts = Object.entries(s.matchLabels ?? {}).map(([k, v]) => `${k}=${v}`);
  for (const e of s.matchExpressions ?? []) {
    expect(e.operator).toBe('Exists');
    parts.push(e.key);
  }
  return parts.join(',');
}
const selected = async (s: V1LabelSelector) =>
  (await core.listNamespacedPod({ namespace: ns, labelSelector: selectorQuery(s) })).items.map((p) => p.metadata!.name).sort();

const job: WorkloadSpec = workloadSpec({ jobId: 'np-job', project: 'p', cpuMilli: 100, memoryMiB: 64, workers: [{ node: 'nowhere', gpuIndexes: [] }] });
const plainPod = (name: string, labels: Record<string, string>) => ({
  metadata: { name, labels },
  spec: { schedulerName: 'none', containers: [{ name: 'c', image: 'x' }] },
});

beforeAll(async () => {
  kc = adminKubeConfig();
  core = kc.makeApiClient(CoreV1Api);
  ns = await createTestNamespace(kc, 'netpol');
  const dir = join(REPO_ROOT, 'deploy/network-policies');
  const objects = kc.makeApiClient(KubernetesObjectApi);
  for (const file of ['training-jobs.yaml', 'datastores.yaml']) {
    for (const doc of loadAllYaml(readFileSync(join(dir, file), 'utf8')) as V1NetworkPolicy[]) {
      doc.metadata!.namespace = ns;
      const created = (await objects.create(doc)) as V1NetworkPolicy;
      policies[created.metadata!.name!] = created;
    }
  }
  // Pods are only stored (no scheduler picks schedulerName 'none' or Beamline's): selectors need no more.
  await core.createNamespacedPod({ namespace: ns, body: workerPod(job, 0, ns) });
  await core.createNamespacedPod({ namespace: ns, body: plainPod('api', { 'app.kubernetes.io/name': 'beamline' }) });
  await core.createNamespacedPod({ namespace: ns, body: plainPod('postgres', { 'app.kubernetes.io/name': 'beamline-postgres' }) });
  await core.createNamespacedPod({ namespace: ns, body: plainPod('redis', { 'app.kubernetes.io/name': 'beamline-redis' }) });
});
afterAll(async () => {
  if (kc && ns) await deleteTestNamespace(kc, ns);
});

describe('deploy/network-policies (issue 22)', () => {
  const trainingPod = 'bl-np-job-a1-w0';

  it('the API server accepts all three', () => {
    expect(Object.keys(policies).sort()).toEqual(['beamline-postgres', 'beamline-redis', 'beamline-training-jobs']);
  });

  it('the job policy selects training pods only, and lets them reach DNS, the API on 8080, peers and public addresses', async () => {
    const p = policies['beamline-training-jobs'].spec!;
    expect(p.policyTypes).toEqual(['Ingress', 'Egress']);
    expect(await selected(p.podSelector!)).toEqual([trainingPod]);
    expect(await selected(p.ingress![0]._from![0].podSelector!)).toEqual([trainingPod]);
    const [dns, apiRule, peers, internet] = p.egress!;
    expect(dns.ports!.map((x) => `${x.protocol}/${x.port}`)).toEqual(['UDP/53', 'TCP/53']);
    expect(await selected(apiRule.to![0].podSelector!)).toEqual(['api']);
    expect(apiRule.ports).toEqual([{ protocol: 'TCP', port: 8080 }]);
    expect(await selected(peers.to![0].podSelector!)).toEqual([trainingPod]);
    expect(internet.to![0].ipBlock!.except).toEqual(expect.arrayContaining(['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '169.254.0.0/16']));
  });

  it.each([
    ['beamline-postgres', 'postgres', 5432],
    ['beamline-redis', 'redis', 6379],
  ])('%s takes connections from the platform pods only, not from training pods', async (name, pod, port) => {
    const p = policies[name].spec!;
    expect(await selected(p.podSelector!)).toEqual([pod]);
    expect(p.ingress).toHaveLength(1);
    const from = await selected(p.ingress![0]._from![0].podSelector!); // client-node's name for `from`
    expect(from).toEqual(['api']);
    expect(from).not.toContain(trainingPod);
    expect(p.ingress![0].ports).toEqual([{ protocol: 'TCP', port }]);
  });
});
