import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CoreV1Api, KubernetesObjectApi, loadAllYaml, type KubeConfig, type V1LabelSelector, type V1NetworkPolicy } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WorkloadSpec } from '../../src/cluster/cluster-driver.js';
import { workloadSpec } from '../../src/cluster/testing/workload-spec.js';
import { workerPod } from '../../src/cluster/kubernetes/k8s-workload-objects.js';
import { endpointLabels } from '../../src/cluster/kubernetes/serving/serving-names.js';
import { REPO_ROOT } from '../helpers/k8s-cluster.js';
import { adminKubeConfig, createTestNamespace, deleteTestNamespace } from '../helpers/k8s-namespace.js';

// deploy/network-policies applied as shipped (namespaces `beamline` and `beamline-jobs`
// rewritten, in metadata and in namespaceSelectors) to the real API server, which
// validates them; which pods and namespaces each selector picks is then asked of the API
// server's own label-selector code, on a real training pod from workerPod(), an endpoint
// replica with the serving driver's labels, and platform and datastore pods.
// Enforcement needs a CNI (Calico, Cilium); this control plane has none.
let kc: KubeConfig;
let core: CoreV1Api;
let platform: string;
let jobs: string;
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
const selected = async (s: V1LabelSelector, namespace: string) =>
  (await core.listNamespacedPod({ namespace, labelSelector: selectorQuery(s) })).items.map((p) => p.metadata!.name).sort();
/** The test's namespaces a namespaceSelector picks (other test files' namespaces are ignored). */
const selectedNamespaces = async (s: V1LabelSelector) =>
  (await core.listNamespace({ labelSelector: selectorQuery(s) })).items.map((n) => n.metadata!.name!).filter((n) => n === platform || n === jobs);

const job: WorkloadSpec = workloadSpec({ jobId: 'np-job', project: 'p', cpuMilli: 100, memoryMiB: 64, workers: [{ node: 'nowhere', gpuIndexes: [] }] });
const plainPod = (name: string, labels: Record<string, string>) => ({
  metadata: { name, labels },
  spec: { schedulerName: 'none', containers: [{ name: 'c', image: 'x' }] },
});

beforeAll(async () => {
  kc = adminKubeConfig();
  core = kc.makeApiClient(CoreV1Api);
  [platform, jobs] = await Promise.all([createTestNamespace(kc, 'netpol'), createTestNamespace(kc, 'netpol-jobs')]);
  const rename = (ns: string) => (ns === 'beamline' ? platform : ns === 'beamline-jobs' ? jobs : ns);
  const dir = join(REPO_ROOT, 'deploy/network-policies');
  const objects = kc.makeApiClient(KubernetesObjectApi);
  for (const file of ['training-jobs.yaml', 'datastores.yaml', 'endpoint-replicas.yaml']) {
    for (const doc of loadAllYaml(readFileSync(join(dir, file), 'utf8')) as V1NetworkPolicy[]) {
      doc.metadata!.namespace = rename(doc.metadata!.namespace!);
      const from = (doc.spec!.ingress ?? []).flatMap((r) => r._from ?? []); // loadAllYaml deserializes `from` to `_from`
      for (const peer of [...from, ...(doc.spec!.egress ?? []).flatMap((r) => r.to ?? [])]) {
        const labels = peer.namespaceSelector?.matchLabels;
        if (labels?.['kubernetes.io/metadata.name']) labels['kubernetes.io/metadata.name'] = rename(labels['kubernetes.io/metadata.name']);
      }
      const created = (await objects.create(doc)) as V1NetworkPolicy;
      policies[created.metadata!.name!] = created;
    }
  }
  // Pods are only stored (no scheduler picks schedulerName 'none' or Beamline's): selectors need no more.
  await core.createNamespacedPod({ namespace: jobs, body: workerPod(job, 0, jobs) });
  await core.createNamespacedPod({ namespace: jobs, body: plainPod('replica', endpointLabels({ project: 'p', name: 'iris' })) });
  const platformPods = {
    api: { 'app.kubernetes.io/name': 'beamline', 'app.kubernetes.io/component': 'api' },
    controller: { 'app.kubernetes.io/name': 'beamline', 'app.kubernetes.io/component': 'controller' },
    postgres: { 'app.kubernetes.io/name': 'beamline-postgres' },
    redis: { 'app.kubernetes.io/name': 'beamline-redis' },
  };
  for (const [name, labels] of Object.entries(platformPods)) await core.createNamespacedPod({ namespace: platform, body: plainPod(name, labels) });
});
afterAll(async () => {
  if (kc) await Promise.all([platform, jobs].filter(Boolean).map((ns) => deleteTestNamespace(kc, ns)));
});

describe('deploy/network-policies (issues 22 and 13)', () => {
  const trainingPod = 'bl-np-job-a1-w0';

  it('the API server accepts all four', () => {
    expect(Object.keys(policies).sort()).toEqual(['beamline-endpoint-replicas', 'beamline-postgres', 'beamline-redis', 'beamline-training-jobs']);
    expect(policies['beamline-training-jobs'].metadata!.namespace).toBe(jobs);
    expect(policies['beamline-endpoint-replicas'].metadata!.namespace).toBe(jobs);
    expect(policies['beamline-postgres'].metadata!.namespace).toBe(platform);
  });

  it('the job policy selects training pods only, and lets them reach DNS, the API on 8080, peers and public addresses', async () => {
    const p = policies['beamline-training-jobs'].spec!;
    expect(p.policyTypes).toEqual(['Ingress', 'Egress']);
    expect(await selected(p.podSelector!, jobs)).toEqual([trainingPod]);
    expect(await selected(p.ingress![0]._from![0].podSelector!, jobs)).toEqual([trainingPod]);
    const [dns, apiRule, peers, internet] = p.egress!;
    expect(dns.ports!.map((x) => `${x.protocol}/${x.port}`)).toEqual(['UDP/53', 'TCP/53']);
    // The API pods of the platform namespace: not the controller, not the datastores.
    expect(await selectedNamespaces(apiRule.to![0].namespaceSelector!)).toEqual([platform]);
    expect(await selected(apiRule.to![0].podSelector!, platform)).toEqual(['api']);
    expect(apiRule.ports).toEqual([{ protocol: 'TCP', port: 8080 }]);
    expect(peers.to![0].namespaceSelector).toBeUndefined(); // peers in the policy's own namespace only
    expect(await selected(peers.to![0].podSelector!, jobs)).toEqual([trainingPod]);
    expect(internet.to![0].ipBlock!.except).toEqual(expect.arrayContaining(['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '169.254.0.0/16']));
  });

  it.each([
    ['beamline-postgres', 'postgres', 5432],
    ['beamline-redis', 'redis', 6379],
  ])('%s takes connections from the platform pods only, not from training pods', async (name, pod, port) => {
    const p = policies[name].spec!;
    expect(await selected(p.podSelector!, platform)).toEqual([pod]);
    expect(p.ingress).toHaveLength(1);
    const peer = p.ingress![0]._from![0]; // client-node's name for `from`
    expect(peer.namespaceSelector).toBeUndefined(); // the policy's own namespace only: training pods live in the other
    expect(await selected(peer.podSelector!, platform)).toEqual(['api', 'controller']);
    expect(p.ingress![0].ports).toEqual([{ protocol: 'TCP', port }]);
  });

  it('endpoint replicas take connections on 8080 from the API pods only', async () => {
    const p = policies['beamline-endpoint-replicas'].spec!;
    expect(p.policyTypes).toEqual(['Ingress']);
    expect(await selected(p.podSelector!, jobs)).toEqual(['replica']);
    expect(p.ingress).toHaveLength(1);
    const [peer] = p.ingress![0]._from!;
    expect(p.ingress![0]._from).toHaveLength(1);
    expect(await selectedNamespaces(peer.namespaceSelector!)).toEqual([platform]);
    expect(await selected(peer.podSelector!, platform)).toEqual(['api']);
    expect(await selected(peer.podSelector!, jobs)).toEqual([]);
    expect(p.ingress![0].ports).toEqual([{ protocol: 'TCP', port: 8080 }]);
  });
});
