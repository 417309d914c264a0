import { CoreV1Api, PatchStrategy, setHeaderOptions, type V1Pod } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { client, eventually, seedToken, startTestApp, type TestApp } from '../helpers/test-app.js';
import { createGpuNodes, deleteNodes } from '../helpers/k8s-nodes.js';
import { adminKubeConfig, createTestNamespace, deleteTestNamespace, uniqueSuffix } from '../helpers/k8s-namespace.js';

/**
 * Issue 15 on the real API server with a KWOK node: pods do not run, so the job's side of
 * the contract (writing step-<n>, reporting it as the SDK does) is played by the test, and
 * what is checked is Beamline's side: the per-job PVC, the volume on every attempt's pod,
 * and BEAMLINE_RESUME_FROM on the second pod after a failure and after a resume by hand.
 * Then the spec's own volumes: an existing claim, a memory-backed /dev/shm, an unknown claim.
 */
const suffix = uniqueSuffix();
const H100 = `H100-ck-${suffix}`;
const nodes = [{ name: `h100-ck-${suffix}`, product: H100, gpus: 2 }];
const STORAGE_CLASS = 'beamline-test-ckpt';
const kc = adminKubeConfig();
const core = kc.makeApiClient(CoreV1Api);
let namespace: string;
let t: TestApp;
let api: ReturnType<typeof client>;
const base = '/v1/projects/k8s-ckpt/training-jobs';

beforeAll(async () => {
  namespace = await createTestNamespace(kc, 'ckpt');
  await createGpuNodes(kc, nodes);
  process.env.KUBECONFIG = inject('k8sKubeconfig');
  t = await startTestApp({
    env: {
      BEAMLINE_CLUSTER_DRIVER: 'kubernetes',
      BEAMLINE_PUBLIC_URL: 'http://beamline-api.beamline.svc:8080',
      BEAMLINE_K8S_NAMESPACE: namespace,
      BEAMLINE_SCHEDULER_INTERVAL_MS: '300',
      BEAMLINE_RETRY_BACKOFF_MS: '100',
      BEAMLINE_CHECKPOINT_STORAGE_CLASS: STORAGE_CLASS,
      BEAMLINE_CHECKPOINT_SIZE: '20Gi',
    },
  });
  api = client(t.url, await seedToken(t.app, 'MEMBER', ['k8s-ckpt']));
});
afterAll(async () => {
  await t?.close();
  await deleteNodes(kc, nodes.map((n) => n.name));
  await deleteTestNamespace(kc, namespace);
});

const job = (name: string, extra: Record<string, unknown> = {}) => ({
  name,
  image: 'ghcr.io/lab/train:1.0',
  command: ['python', 'train.py'],
  resources: { cpu: '1', memory: '1Gi', gpu: { count: 1, product: H100 } },
  ...extra,
});

async function runningAttempt(id: string, attempt: number): Promise<V1Pod> {
  await eventually(async () => {
    const res = await api.get(`${base}/${id}`);
    return (res.body.status === 'Running' && res.body.attempt === attempt) || undefined;
  }, 30_000, `attempt ${attempt} Running`);
  const list = await core.listNamespacedPod({ namespace, labelSelector: `beamline.dev/training-job=${id},beamline.dev/attempt=${attempt}` });
  return list.items[0];
}

async function label(pod: V1Pod, key: string): Promise<void> {
  await core.patchNamespacedPod({ name: pod.metadata!.name!, namespace, body: { metadata: { labels: { [key]: 'true' } } } }, setHeaderOptions('Content-Type', PatchStrategy.MergePatch));
}

// The API server drops an empty `value`: such a variable is set, to the empty string.
const envOf = (pod: V1Pod) => Object.fromEntries((pod.spec!.containers[0].env ?? []).filter((e) => !e.valueFrom).map((e) => [e.name, e.value ?? '']));
const claimOf = (pod: V1Pod) => pod.spec!.volumes!.find((v) => v.name === 'beamline-checkpoints')?.persistentVolumeClaim?.claimName;

describe('checkpoints on Kubernetes', () => {
  it('a failed attempt is retried on the same PVC with BEAMLINE_RESUME_FROM; the PVC goes when the job succeeds', async () => {
    const { body } = await api.post(base, job('retried', { maxRetries: 1 }));
    const first = await runningAttempt(body.id, 0);
    expect(envOf(first)).toMatchObject({ BEAMLINE_CHECKPOINT_DIR: '/beamline/checkpoints', BEAMLINE_RESUME_FROM: '', BEAMLINE_CHECKPOINT_KEEP: '3' });
    const claimName = claimOf(first)!;
    expect(first.spec!.containers[0].volumeMounts).toContainEqual({ name: 'beamline-checkpoints', mountPath: '/beamline/checkpoints' });
    const pvc = await core.readNamespacedPersistentVolumeClaim({ namespace, name: claimName });
    expect(pvc.spec).toMatchObject({ storageClassName: STORAGE_CLASS, accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '20Gi' } } });
    expect(pvc.metadata!.labels).toMatchObject({ 'beamline.dev/training-job': body.id });
    expect(pvc.metadata!.labels!['beamline.dev/attempt']).toBeUndefined(); // outlives the attempt

    // What the SDK does after renaming step-7 into place; then the worker crashes.
    const recorded = await api.post(`${base}/${body.id}/checkpoints`, { step: 7, sizeBytes: 1234, attempt: 0 });
    expect(recorded.status, recorded.text).toBe(201);
    await label(first, 'pod-container-running-failed.stage.kwok.x-k8s.io');

    const second = await runningAttempt(body.id, 1);
    expect(envOf(second)).toMatchObject({ BEAMLINE_ATTEMPT: '1', BEAMLINE_RESUME_FROM: '/beamline/checkpoints/step-7' });
    expect(claimOf(second)).toBe(claimName);
    await label(second, 'stage.beamline.dev/complete');
    await eventually(async () => (await api.get(`${base}/${body.id}`)).body.status === 'Succeeded' || undefined, 30_000, 'Succeeded');
    // Deleted (the pvc-protection finalizer may keep it a moment, marked for deletion).
    await eventually(async () => {
      const left = await core.readNamespacedPersistentVolumeClaim({ namespace, name: claimName }).catch(() => undefined);
      return !left || left.metadata?.deletionTimestamp !== undefined || undefined;
    }, 30_000, 'the checkpoint PVC deleted');
  });

  it('a cancelled job resumed by hand gets its last checkpoint on the new pod, the same PVC kept meanwhile', async () => {
    const { body } = await api.post(base, job('resumed'));
    const first = await runningAttempt(body.id, 0);
    for (const step of [1, 2]) expect((await api.post(`${base}/${body.id}/checkpoints`, { step, sizeBytes: 10 })).status).toBe(201);
    expect((await api.post(`${base}/${body.id}/cancel`)).status).toBe(200);
    const kept = await core.readNamespacedPersistentVolumeClaim({ namespace, name: claimOf(first)! });
    expect(kept.metadata?.deletionTimestamp).toBeUndefined();
    expect((await api.post(`${base}/${body.id}/resume`)).status).toBe(200);
    const second = await runningAttempt(body.id, 1);
    expect(envOf(second).BEAMLINE_RESUME_FROM).toBe('/beamline/checkpoints/step-2');
    await api.post(`${base}/${body.id}/cancel`);
  });
});

describe('job volumes on Kubernetes', () => {
  it('mounts an existing claim read-only and a memory-backed /dev/shm; an unknown claim is a 400 and creates nothing', async () => {
    await core.createNamespacedPersistentVolumeClaim({
      namespace,
      body: { metadata: { name: 'datasets' }, spec: { accessModes: ['ReadOnlyMany'], resources: { requests: { storage: '1Gi' } } } },
    });
    const volumes = [
      { name: 'data', mountPath: '/data', claim: 'datasets', readOnly: true },
      { name: 'shm', mountPath: '/dev/shm', scratch: { medium: 'Memory', sizeLimit: '512Mi' } },
    ];
    const { body } = await api.post(base, job('with-volumes', { volumes }));
    const pod = await runningAttempt(body.id, 0);
    expect(pod.spec!.volumes).toEqual(
      expect.arrayContaining([
        { name: 'v-data', persistentVolumeClaim: { claimName: 'datasets', readOnly: true } },
        { name: 'v-shm', emptyDir: { medium: 'Memory', sizeLimit: '512Mi' } },
      ]),
    );
    expect(pod.spec!.containers[0].volumeMounts).toEqual(expect.arrayContaining([{ name: 'v-data', mountPath: '/data', readOnly: true }, { name: 'v-shm', mountPath: '/dev/shm' }]));
    expect(envOf(pod)).toMatchObject({ BEAMLINE_VOLUME_DATA: '/data', BEAMLINE_VOLUME_SHM: '/dev/shm' });
    await api.post(`${base}/${body.id}/cancel`);

    const claimsBefore = (await core.listNamespacedPersistentVolumeClaim({ namespace })).items.length;
    const refused = await api.post(base, job('unknown-claim', { volumes: [{ name: 'data', mountPath: '/data', claim: 'missing' }] }));
    expect(refused.status).toBe(400);
    expect(refused.body.errors).toEqual([{ field: 'volumes.0.claim', message: expect.stringContaining("no claim 'missing'") }]);
    expect((await api.get(`${base}?namePrefix=unknown-claim`)).body.items).toEqual([]);
    expect((await core.listNamespacedPersistentVolumeClaim({ namespace })).items.length).toBe(claimsBefore); // no orphan PVC
  });
});
