import { AppsV1Api, CoreV1Api, type KubeConfig, type V1ReplicaSet } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KubernetesServingDriver } from '../../src/cluster/kubernetes/serving/kubernetes-serving-driver.js';
import { endpointObjectName, replicaSecretName, tokenSecretName } from '../../src/cluster/kubernetes/serving/serving-names.js';
import type { EndpointDeployment, EndpointObservation, EndpointRef, RolloutEvent } from '../../src/cluster/serving-driver.js';
import { adminKubeConfig, createTestNamespace, deleteTestNamespace, uniqueSuffix, untilDriver } from '../helpers/k8s-namespace.js';
import { createGpuNodes, deleteNodes } from '../helpers/k8s-nodes.js';

// Endpoints through the real deployment controller and kube-scheduler, with KWOK playing
// the kubelets: pods become Ready on their own (stage pod-ready), and a container env
// KWOK_SIMULATE=crash-loop makes a revision's pods crash-loop (stage beamline-pod-crash-loop).
const s = uniqueSuffix();
const PRODUCT = `NVIDIA-SRV-${s}`;
const NODES = [`srv-${s}-a`, `srv-${s}-b`];
let kc: KubeConfig;
let core: CoreV1Api;
let apps: AppsV1Api;
let ns: string;
let driver: KubernetesServingDriver;
let tokensMinted = 0;
const events: { ref: EndpointRef; event: RolloutEvent }[] = [];

const REPLICA_TOKEN = 'replica-token-of-the-injector';
const ref: EndpointRef = { endpointId: `ep-${s}`, project: 'physics', name: 'injector' };
const deployment = (revision: number, version: number, over: Partial<EndpointDeployment> = {}, env: Record<string, string> = {}): EndpointDeployment => ({
  ...ref,
  revision,
  replicas: 2,
  maxSurge: 1,
  progressDeadlineSeconds: 600,
  drainSeconds: 3,
  replicaToken: REPLICA_TOKEN,
  runtimeToken: async () => `token-${++tokensMinted}`,
  template: {
    model: { name: 'injector-surrogate', version, sha256: 'ab'.repeat(32), url: `http://beamline.test/v1/projects/physics/models/injector-surrogate/versions/${version}` },
    resources: { cpuMilli: 500, memoryMiB: 1024, gpuCount: 1, gpuProduct: PRODUCT },
    runtime: { batching: true, maxBatchSize: 32, maxQueueDelayMicros: 200, env: { OMP_NUM_THREADS: '2', ...env } },
  },
  ...over,
});

const observed = (r: EndpointRef = ref) => driver.observe().find((o) => o.endpointId === r.endpointId);
const until = (ok: (o: EndpointObservation) => boolean, r: EndpointRef = ref) =>
  untilDriver(driver, () => {
    const o = observed(r);
    return o && ok(o) ? o : undefined;
  });
const replicaSets = async (): Promise<V1ReplicaSet[]> =>
  (await apps.listNamespacedReplicaSet({ namespace: ns, labelSelector: 'beamline.dev/endpoint=injector' })).items;

beforeAll(async () => {
  kc = adminKubeConfig();
  core = kc.makeApiClient(CoreV1Api);
  apps = kc.makeApiClient(AppsV1Api);
  ns = await createTestNamespace(kc, 'srv');
  await createGpuNodes(kc, NODES.map((name) => ({ name, product: PRODUCT, gpus: 4 })));
  driver = new KubernetesServingDriver({ namespace: ns, image: 'beamline:test', kubeConfig: kc, crashLoopAfter: 3 });
  await driver.start();
  driver.onEvent((r, event) => events.push({ ref: r, event }));
});

afterAll(async () => {
  await driver?.stop();
  await deleteNodes(kc, NODES);
  await deleteTestNamespace(kc, ns);
});

describe('kubernetes serving driver', () => {
  it('rolls out a Deployment and a Service through the real controllers', async () => {
    await driver.apply(deployment(1, 1));
    await driver.apply(deployment(1, 1)); // idempotent: nothing changes, no second token
    const done = await until((o) => o.rollout === 'Complete' && o.readyReplicas === 2);
    expect(done).toMatchObject({ ...ref, revision: 1, replicas: 2, updatedReplicas: 2, availableReplicas: 2, restarts: 0, readyByRevision: { 1: 2 } });
    expect(done.upstreams).toEqual([`http://${endpointObjectName(ref)}.${ns}.svc:8080`]);
    const d = await apps.readNamespacedDeployment({ namespace: ns, name: endpointObjectName(ref) });
    expect(d.metadata!.generation).toBe(1);
    expect(d.spec!.strategy).toEqual({ type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } });
    expect(d.metadata!.annotations).toMatchObject({ 'beamline.dev/revision': '1' });
    const svc = await core.readNamespacedService({ namespace: ns, name: endpointObjectName(ref) });
    expect(svc.spec!.ports).toEqual([{ name: 'http', port: 8080, targetPort: 'http', protocol: 'TCP' }]);
    expect(svc.spec!.selector).toMatchObject({ 'app.kubernetes.io/managed-by': 'beamline', 'beamline.dev/endpoint': 'injector' });
    expect(tokensMinted).toBe(1);
    const replicaSecret = await core.readNamespacedSecret({ namespace: ns, name: replicaSecretName(ref) });
    expect(Buffer.from(replicaSecret.data!.token, 'base64').toString()).toBe(REPLICA_TOKEN);
  });

  it('asks for GPUs, the product and the toleration, and leaves placement to kube-scheduler', async () => {
    const pods = (await core.listNamespacedPod({ namespace: ns, labelSelector: 'beamline.dev/endpoint=injector' })).items;
    expect(pods).toHaveLength(2);
    for (const pod of pods) {
      expect(pod.spec!.schedulerName).toBe('default-scheduler');
      expect(NODES).toContain(pod.spec!.nodeName);
      expect(pod.metadata!.labels).not.toHaveProperty('beamline.dev/revision');
      const c = pod.spec!.containers[0];
      expect(c.resources!.limits).toEqual({ cpu: '500m', memory: '1Gi', 'nvidia.com/gpu': '1' });
      expect(pod.spec!.tolerations).toContainEqual({ key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' });
      expect(pod.spec!.affinity!.nodeAffinity!.requiredDuringSchedulingIgnoredDuringExecution!.nodeSelectorTerms).toEqual([
        { matchExpressions: [{ key: 'nvidia.com/gpu.product', operator: 'In', values: [PRODUCT] }] },
      ]);
      expect(c.readinessProbe!.httpGet!.path).toBe('/v2/health/ready');
      expect(c.livenessProbe!.httpGet!.path).toBe('/v2/health/live');
      expect(c.startupProbe!.failureThreshold).toBeGreaterThanOrEqual(60);
      expect(pod.spec!.terminationGracePeriodSeconds).toBeGreaterThan(3);
      const env = Object.fromEntries((c.env ?? []).map((e) => [e.name, e.value ?? e.valueFrom]));
      expect(env).toMatchObject({
        BEAMLINE_RUNTIME_MODEL: 'http://beamline.test/v1/projects/physics/models/injector-surrogate/versions/1',
        BEAMLINE_RUNTIME_NAME: 'injector-surrogate',
        BEAMLINE_RUNTIME_VERSION: '1',
        BEAMLINE_RUNTIME_DRAIN_SECONDS: '3',
        BEAMLINE_RUNTIME_MAX_BATCH_SIZE: '32',
        OMP_NUM_THREADS: '2',
        BEAMLINE_RUNTIME_TOKEN: { secretKeyRef: { name: tokenSecretName(ref), key: 'token' } },
        BEAMLINE_RUNTIME_REPLICA_TOKEN: { secretKeyRef: { name: replicaSecretName(ref), key: 'token' } },
      });
      expect(JSON.stringify(pod.spec)).not.toContain(REPLICA_TOKEN);
      expect(pod.spec!.securityContext).toMatchObject({ runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } });
      expect(c.securityContext).toMatchObject({ allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } });
    }
  });

  it('rolls to a new model version with a new ReplicaSet and scales the old one to 0', async () => {
    await driver.apply(deployment(2, 2));
    const done = await until((o) => o.revision === 2 && o.rollout === 'Complete');
    expect(done).toMatchObject({ readyReplicas: 2, availableReplicas: 2, readyByRevision: { 2: 2 } });
    const sets = await replicaSets();
    expect(sets).toHaveLength(2);
    expect(sets.map((rs) => rs.spec!.replicas).sort()).toEqual([0, 2]);
  });

  let beforeRollback: string[] = [];
  it('reports a crash-looping revision as Failed while the old replicas keep serving', async () => {
    await driver.apply(deployment(3, 3, {}, { KWOK_SIMULATE: 'crash-loop' }));
    const failed = await until((o) => o.revision === 3 && o.rollout === 'Failed');
    expect(failed.reason).toBe('CrashLoop');
    expect(failed.message).toMatch(/replica .* is crash-looping .*the model failed to load/);
    expect(failed).toMatchObject({ availableReplicas: 2, readyReplicas: 0, readyByRevision: { 2: 2 } });
    expect(failed.upstreams).toHaveLength(1);
    await until((o) => o.restarts >= 2);
    expect(events.some((e) => e.ref.endpointId === ref.endpointId && e.event.reason === 'ReplicaRestarted')).toBe(true);
    const sets = await replicaSets();
    expect(sets).toHaveLength(3);
    beforeRollback = sets.map((rs) => rs.metadata!.name!).sort();
  });

  it('rolls back by re-applying the old template: the old ReplicaSet, no new one', async () => {
    await driver.apply(deployment(4, 2));
    const done = await until((o) => o.revision === 4 && o.rollout === 'Complete');
    expect(done).toMatchObject({ readyReplicas: 2, availableReplicas: 2, readyByRevision: { 4: 2 } });
    const sets = await replicaSets();
    expect(sets.map((rs) => rs.metadata!.name!).sort()).toEqual(beforeRollback);
    const active = sets.filter((rs) => rs.spec!.replicas! > 0);
    expect(active).toHaveLength(1);
    expect(active[0].spec!.template!.spec!.containers[0].env).toContainEqual({ name: 'BEAMLINE_RUNTIME_VERSION', value: '2' });
  });

  it('writes a core/v1 Event on the Deployment, once', async () => {
    const event: RolloutEvent = { type: 'Normal', reason: 'RolledBack', message: 'revision 3 crash-looped; back to version 2', revision: 4 };
    await driver.recordEvent(ref, event);
    await driver.recordEvent(ref, event);
    const list = await core.listNamespacedEvent({ namespace: ns, fieldSelector: `involvedObject.name=${endpointObjectName(ref)},reason=RolledBack` });
    expect(list.items).toHaveLength(1);
    expect(list.items[0]).toMatchObject({ type: 'Normal', involvedObject: { kind: 'Deployment' }, message: 'revision 4: revision 3 crash-looped; back to version 2' });
  });

  it('keeps an unschedulable rollout Progressing, then fails it at its deadline', async () => {
    const other: EndpointRef = { endpointId: `ep2-${s}`, project: 'physics', name: 'nowhere' };
    const d = deployment(1, 1, { ...other, replicas: 1, progressDeadlineSeconds: 10 });
    d.template.resources.gpuProduct = 'NVIDIA-NOT-HERE';
    await driver.apply(d);
    const stuck = await until((o) => o.reason === 'Unschedulable', other);
    expect(stuck.rollout).toBe('Progressing');
    expect(stuck.upstreams).toEqual([]);
    const failed = await until((o) => o.rollout === 'Failed', other);
    expect(failed.reason).toBe('ProgressDeadlineExceeded');
    expect(events.some((e) => e.ref.endpointId === other.endpointId && e.event.reason === 'Unschedulable')).toBe(true);
    await driver.delete(other);
  });

  it('deletes the Deployment, Service and Secrets; a second delete succeeds', async () => {
    await driver.delete(ref);
    await driver.delete(ref);
    await untilDriver(driver, () => !observed());
    const name = endpointObjectName(ref);
    await expect(apps.readNamespacedDeployment({ namespace: ns, name })).rejects.toMatchObject({ code: 404 });
    await expect(core.readNamespacedService({ namespace: ns, name })).rejects.toMatchObject({ code: 404 });
    await expect(core.readNamespacedSecret({ namespace: ns, name: tokenSecretName(ref) })).rejects.toMatchObject({ code: 404 });
    await expect(core.readNamespacedSecret({ namespace: ns, name: replicaSecretName(ref) })).rejects.toMatchObject({ code: 404 });
  });
});
