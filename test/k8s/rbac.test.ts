import { AuthorizationV1Api, CoreV1Api, KubeConfig, KubernetesObjectApi, type KubernetesObject } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KubernetesDriver } from '../../src/cluster/kubernetes/kubernetes-driver.js';
import { KubernetesServingDriver } from '../../src/cluster/kubernetes/serving/kubernetes-serving-driver.js';
import { deployRbacObjects, impersonating } from '../helpers/k8s-rbac.js';
import { eventually } from '../helpers/test-app.js';
import { adminKubeConfig, createTestNamespace, deleteTestNamespace, uniqueSuffix, untilDriver } from '../helpers/k8s-namespace.js';
import { createGpuNodes, deleteNodes } from '../helpers/k8s-nodes.js';

// deploy/rbac/ applied as shipped (its namespaces `beamline` and `beamline-jobs` and its
// cluster-wide names rewritten for this run; its Namespace objects replaced by the test's
// own), then the drivers run as the controller's service account by impersonation: what
// they need is allowed, anything broader is denied by the real RBAC authorizer.
const s = uniqueSuffix();
const NODE = `rbac-${s}-gpu`;
const SA = 'beamline-controller';
let admin: KubeConfig;
let asSa: KubeConfig;
/** The platform namespace (`beamline`: the service accounts) and the workload namespace (`beamline-jobs`: what the drivers write). */
let platform: string;
let ns: string;
let other: string;
const applied: KubernetesObject[] = [];

beforeAll(async () => {
  admin = adminKubeConfig();
  [platform, ns, other] = await Promise.all([
    createTestNamespace(admin, 'rbac'),
    createTestNamespace(admin, 'rbac-jobs'),
    createTestNamespace(admin, 'rbac-other'),
  ]);
  const objects = admin.makeApiClient(KubernetesObjectApi);
  for (const o of deployRbacObjects(platform, ns, s)) applied.push(await objects.create(o));
  asSa = impersonating(admin, `system:serviceaccount:${platform}:${SA}`);
  await createGpuNodes(admin, [{ name: NODE, gpus: 8 }]);
});

afterAll(async () => {
  const objects = admin.makeApiClient(KubernetesObjectApi);
  for (const o of applied) if (!o.metadata?.namespace) await objects.delete(o).catch(() => undefined);
  await deleteNodes(admin, [NODE]);
  await Promise.all([deleteTestNamespace(admin, platform), deleteTestNamespace(admin, ns), deleteTestNamespace(admin, other)]);
});

async function can(verb: string, resource: string, namespace?: string, subresource?: string, group = ''): Promise<boolean> {
  const review = await asSa.makeApiClient(AuthorizationV1Api).createSelfSubjectAccessReview({
    body: { spec: { resourceAttributes: { verb, resource, namespace, subresource, group } } },
  });
  return review.status!.allowed;
}

describe('deploy/rbac for the kubernetes driver', () => {
  it('is enough for the driver: watch, create, bind, observe, delete', async () => {
    const driver = new KubernetesDriver({ namespace: ns, kubeConfig: asSa });
    await driver.start();
    try {
      expect(driver.inventory().nodes.map((n) => n.name)).toContain(NODE);
      const spec = {
        jobId: `rbac-${s}`,
        attempt: 1,
        project: 'rbac',
        name: 'rbac',
        image: 'python:3.12-slim',
        command: ['python', 'train.py'],
        args: [],
        env: {},
        cpuMilli: 500,
        memoryMiB: 512,
        gpuCount: 1,
        workers: [{ node: NODE, gpuIndexes: [0] }, { node: NODE, gpuIndexes: [1] }],
        volumes: [{ name: 'out', mountPath: '/out', readOnly: false, newClaim: { sizeMiB: 1024, accessMode: 'ReadWriteMany' as const, retain: false } }],
      };
      await driver.createWorkload(spec);
      await driver.createWorkload(spec);
      // The job's own claim (issue 15): made, watched, and deleted as the service account.
      const claim = `bl-${spec.jobId}-v-out`;
      // Claims wake no scheduling cycle (onChange), so the cache is polled.
      await eventually(async () => driver.listJobClaims().some((c) => c.claim === claim) || undefined, 15_000, 'the claim in the cache');
      expect(await driver.storageClassExists('no-such-class')).toBe(false);
      const running = await untilDriver(driver, () => {
        const w = driver.workloads().find((x) => x.jobId === spec.jobId);
        return w?.workers.length === 2 && w.workers.every((x) => x.phase === 'Running') ? w : undefined;
      });
      expect(running.workers.map((w) => w.node)).toEqual([NODE, NODE]);
      await driver.deleteWorkload(spec.jobId);
      await untilDriver(driver, () => !driver.workloads().some((x) => x.jobId === spec.jobId));
      await driver.deleteJobClaims(spec.jobId, [claim]);
      await eventually(async () => !driver.listJobClaims().some((c) => c.claim === claim) || undefined, 15_000, 'the claim deleted');
    } finally {
      await driver.stop();
    }
  });

  it('is enough for the serving driver: apply, watch the rollout, record an event, delete', async () => {
    const driver = new KubernetesServingDriver({ namespace: ns, image: 'beamline:test', kubeConfig: asSa });
    await driver.start();
    const ref = { endpointId: `rbac-ep-${s}`, project: 'rbac', name: 'ep' };
    try {
      const deployment = {
        ...ref,
        revision: 1,
        replicas: 1,
        maxSurge: 1,
        progressDeadlineSeconds: 600,
        drainSeconds: 2,
        replicaToken: 'replica-token-of-rbac-ep',
        runtimeToken: async () => 'token',
        template: {
          model: { name: 'm', version: 1, sha256: 'ab'.repeat(32), url: 'http://beamline.test/v1/projects/rbac/models/m/versions/1' },
          resources: { cpuMilli: 500, memoryMiB: 512, gpuCount: 1 },
          runtime: { batching: true, maxBatchSize: 8, maxQueueDelayMicros: 0, env: {} },
        },
      };
      await driver.apply(deployment);
      await driver.apply(deployment);
      await untilDriver(driver, () => driver.observe().find((o) => o.endpointId === ref.endpointId && o.rollout === 'Complete'));
      await driver.recordEvent(ref, { type: 'Normal', reason: 'RolloutComplete', message: 'revision 1 is available' });
      await driver.delete(ref);
      await untilDriver(driver, () => !driver.observe().some((o) => o.endpointId === ref.endpointId));
    } finally {
      await driver.stop();
    }
  });

  it('allows exactly the verbs the driver uses', async () => {
    expect(await can('watch', 'nodes')).toBe(true);
    expect(await can('list', 'pods')).toBe(true);
    expect(await can('create', 'pods', ns)).toBe(true);
    expect(await can('create', 'pods', ns, 'binding')).toBe(true);
    expect(await can('get', 'pods', ns, 'log')).toBe(true);
    expect(await can('deletecollection', 'services', ns)).toBe(true);
    expect(await can('patch', 'deployments', ns, undefined, 'apps')).toBe(true);
    expect(await can('watch', 'replicasets', ns, undefined, 'apps')).toBe(true);
    expect(await can('create', 'secrets', ns)).toBe(true);
    expect(await can('create', 'events', ns)).toBe(true);
    expect(await can('watch', 'persistentvolumeclaims', ns)).toBe(true);
    expect(await can('delete', 'persistentvolumeclaims', ns)).toBe(true);
    expect(await can('get', 'storageclasses', undefined, undefined, 'storage.k8s.io')).toBe(true);
  });

  it('denies anything broader', async () => {
    expect(await can('delete', 'nodes')).toBe(false);
    expect(await can('patch', 'nodes')).toBe(false);
    expect(await can('get', 'secrets', ns)).toBe(false);
    expect(await can('list', 'secrets')).toBe(false);
    expect(await can('update', 'pods', ns)).toBe(false);
    expect(await can('patch', 'replicasets', ns, undefined, 'apps')).toBe(false);
    expect(await can('patch', 'deployments', other, undefined, 'apps')).toBe(false);
    expect(await can('create', 'pods', ns, 'exec')).toBe(false);
    expect(await can('create', 'pods', other)).toBe(false);
    expect(await can('create', 'pods', other, 'binding')).toBe(false);
    expect(await can('create', 'persistentvolumeclaims', other)).toBe(false);
    expect(await can('create', 'storageclasses', undefined, undefined, 'storage.k8s.io')).toBe(false);
    // Its own namespace holds the platform's Secrets (database, Redis, admin token): no reads there either.
    expect(await can('get', 'secrets', platform)).toBe(false);
    expect(await can('create', 'pods', platform)).toBe(false);
  });

  it('is enforced on real requests, not only in reviews', async () => {
    const core = asSa.makeApiClient(CoreV1Api);
    await expect(core.deleteNode({ name: NODE })).rejects.toMatchObject({ code: 403 });
    await expect(core.listNamespacedSecret({ namespace: ns })).rejects.toMatchObject({ code: 403 });
    await expect(
      core.createNamespacedPod({ namespace: other, body: { metadata: { name: 'x' }, spec: { containers: [{ name: 'c', image: 'busybox' }] } } }),
    ).rejects.toMatchObject({ code: 403 });
    await expect(core.listNode()).resolves.toBeDefined();
  });
});
