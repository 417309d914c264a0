import { CoreV1Api, PatchStrategy, setHeaderOptions, type KubeConfig, type V1Pod } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LogSourceGone, type WorkerStatus, type WorkloadSpec } from '../../src/cluster/cluster-driver.js';
import { workloadSpec } from '../../src/cluster/testing/workload-spec.js';
import { KubernetesDriver } from '../../src/cluster/kubernetes/kubernetes-driver.js';
import { podName, serviceName } from '../../src/cluster/kubernetes/k8s-names.js';
import { masterService, workerPod } from '../../src/cluster/kubernetes/k8s-workload-objects.js';
import { adminKubeConfig, createTestNamespace, deleteTestNamespace, uniqueSuffix, untilDriver } from '../helpers/k8s-namespace.js';
import { createGpuNodes, deleteNodes } from '../helpers/k8s-nodes.js';

// Workloads through the real API server (validation, binding, label selectors) with KWOK
// playing the kubelets: pods go Running on their own; a label on a Running pod makes
// KWOK end it (tools/kwok/stages: `stage.beamline.dev/complete` → exit 0, the chaos
// stage → Failed with the annotated exit code).
const s = uniqueSuffix();
const NODE_A = `wl-${s}-a`;
const NODE_B = `wl-${s}-b`;
const MIG = `wl-${s}-mig`;
let kc: KubeConfig;
let core: CoreV1Api;
let ns: string;
let driver: KubernetesDriver;

const job = (id: string, over: Partial<WorkloadSpec> = {}): WorkloadSpec =>
  workloadSpec({
    jobId: `${id}-${s}`,
    name: id,
    args: ['--epochs', '1'],
    env: { LR: '0.1' },
    workingDir: 'work', // relative: inside the pod's /workspace
    cpuMilli: 4000,
    memoryMiB: 16384,
    gpuCount: 1,
    workers: [{ node: NODE_A, gpuIndexes: [3] }],
    ...over,
  });

const workersOf = (spec: WorkloadSpec) => driver.workloads().find((w) => w.jobId === spec.jobId && w.attempt === spec.attempt)?.workers;
const until = (spec: WorkloadSpec, ok: (w: WorkerStatus[]) => boolean) =>
  untilDriver(driver, () => {
    const w = workersOf(spec);
    return w && w.length === spec.workers.length && ok(w) ? w : undefined;
  });
const allRunning = (spec: WorkloadSpec) => until(spec, (w) => w.every((x) => x.phase === 'Running'));
const readPod = (spec: WorkloadSpec, worker = 0) => core.readNamespacedPod({ namespace: ns, name: podName(spec.jobId, spec.attempt, worker) });
const envOf = (pod: V1Pod) => Object.fromEntries((pod.spec!.containers[0].env ?? []).map((e) => [e.name, e.value]));
const label = (spec: WorkloadSpec, worker: number, labels: Record<string, string>, annotations: Record<string, string> = {}) =>
  core.patchNamespacedPod(
    { namespace: ns, name: podName(spec.jobId, spec.attempt, worker), body: { metadata: { labels, annotations } } },
    setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
  );

beforeAll(async () => {
  kc = adminKubeConfig();
  core = kc.makeApiClient(CoreV1Api);
  ns = await createTestNamespace(kc, 'wl');
  await createGpuNodes(kc, [
    { name: NODE_A, gpus: 8 },
    { name: NODE_B, gpus: 8 },
    { name: MIG, product: 'NVIDIA-A100-SXM4-80GB', gpus: 8, mig: { devices: 1, slices: { '1g.10gb': 7 } } },
  ]);
  driver = new KubernetesDriver({ namespace: ns, kubeConfig: kc });
  await driver.start();
});

afterAll(async () => {
  await driver?.stop();
  await deleteNodes(kc, [NODE_A, NODE_B, MIG]);
  await deleteTestNamespace(kc, ns);
});

describe('kubernetes driver workloads', () => {
  it('creates a 1-GPU worker bound to the chosen node, and it runs, then succeeds', async () => {
    const spec = job('one');
    await driver.createWorkload(spec);
    expect(await allRunning(spec)).toEqual([{ index: 0, node: NODE_A, phase: 'Running', restarts: 0 }]);

    const pod = await readPod(spec);
    expect(pod.spec).toMatchObject({ nodeName: NODE_A, schedulerName: 'beamline-gpu-scheduler', restartPolicy: 'Never' });
    expect(pod.metadata!.labels).toMatchObject({
      'app.kubernetes.io/managed-by': 'beamline',
      'beamline.dev/project': 'vision',
      'beamline.dev/training-job': spec.jobId,
      'beamline.dev/attempt': '1',
      'beamline.dev/worker': '0',
    });
    expect(pod.metadata!.annotations).toMatchObject({ 'beamline.dev/gpu-indexes': '3' });
    // The API server defaults the request of an extended resource to its limit.
    expect(pod.spec!.containers[0].resources).toEqual({
      requests: { cpu: '4', memory: '16Gi', 'nvidia.com/gpu': '1' },
      limits: { memory: '16Gi', 'nvidia.com/gpu': '1' },
    });
    expect(pod.spec!.tolerations).toContainEqual({ key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' });
    // Issue 22: the restricted security context as the real API server stored it.
    expect(pod.spec!.securityContext).toEqual({ runAsNonRoot: true, runAsUser: 1000, runAsGroup: 1000, fsGroup: 1000, seccompProfile: { type: 'RuntimeDefault' } });
    expect(pod.spec!.containers[0].securityContext).toEqual({ allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] }, privileged: false, readOnlyRootFilesystem: false });
    expect(pod.spec!.containers[0].workingDir).toBe('/workspace/work');
    expect(pod.spec!.containers[0].volumeMounts).toEqual([
      { name: 'tmp', mountPath: '/tmp' },
      { name: 'workspace', mountPath: '/workspace/work' },
    ]);
    expect(envOf(pod)).toMatchObject({
      LR: '0.1',
      WORLD_SIZE: '1',
      RANK: '0',
      MASTER_ADDR: "127.0.0.1", // a single worker is its own master: no Service
      MASTER_PORT: '29500',
    });
    // Issue 20: the device plugin picks the GPU and it is index 0 inside the container, so
    // no host index in the env; Beamline's index is only the advisory annotation above.
    expect(envOf(pod).CUDA_VISIBLE_DEVICES).toBeUndefined();
    expect(envOf(pod).NVIDIA_VISIBLE_DEVICES).toBeUndefined();

    await label(spec, 0, { 'stage.beamline.dev/complete': 'true' });
    const done = await until(spec, (w) => w[0].phase === 'Succeeded');
    expect(done[0]).toMatchObject({ phase: 'Succeeded', exitCode: 0 });
  });

  it('reports a failed worker with its exit code (KWOK chaos stage)', async () => {
    const spec = job('chaos');
    await driver.createWorkload(spec);
    await allRunning(spec);
    await label(spec, 0, { 'pod-container-running-failed.stage.kwok.x-k8s.io': 'true' }, { 'pod-container-running-failed.stage.kwok.x-k8s.io/exit-code': '137' });
    const failed = await until(spec, (w) => w[0].phase === 'Failed');
    expect(failed[0]).toMatchObject({ phase: 'Failed', exitCode: 137, restarts: 0 });
  });

  it('creates every worker of a gang and the headless service for rank 0', async () => {
    const spec = job('gang', {
      gpuCount: 8,
      workers: [
        { node: NODE_A, gpuIndexes: [0, 1, 2, 3, 4, 5, 6, 7] },
        { node: NODE_B, gpuIndexes: [0, 1, 2, 3, 4, 5, 6, 7] },
        { node: NODE_B, gpuIndexes: [0, 1, 2, 3, 4, 5, 6, 7] },
      ],
    });
    // (The API server does not check capacity at bind time: over-commit is the scheduler's job to avoid.)
    await driver.createWorkload(spec);
    const running = await allRunning(spec);
    expect(running.map((w) => w.node)).toEqual([NODE_A, NODE_B, NODE_B]);
    for (const i of [0, 1, 2]) expect(envOf(await readPod(spec, i))).toMatchObject({ RANK: String(i), WORLD_SIZE: '3' });
    const svc = await core.readNamespacedService({ namespace: ns, name: serviceName(spec.jobId, 1) });
    expect(svc.spec).toMatchObject({ clusterIP: 'None', selector: { 'beamline.dev/training-job': spec.jobId, 'beamline.dev/worker': '0' } });
  });

  it('is idempotent: a repeated create changes nothing, a repeated delete succeeds', async () => {
    const spec = job('idem', { workers: [{ node: NODE_A, gpuIndexes: [4] }, { node: NODE_B, gpuIndexes: [4] }] });
    await driver.createWorkload(spec);
    await driver.createWorkload(spec);
    await allRunning(spec);
    const pods = await core.listNamespacedPod({ namespace: ns, labelSelector: `beamline.dev/training-job=${spec.jobId}` });
    expect(pods.items.map((p) => p.metadata!.name).sort()).toEqual([podName(spec.jobId, 1, 0), podName(spec.jobId, 1, 1)]);

    await driver.deleteWorkload(spec.jobId);
    await driver.deleteWorkload(spec.jobId);
    await untilDriver(driver, () => !workersOf(spec));
    const left = await core.listNamespacedService({ namespace: ns, labelSelector: `beamline.dev/training-job=${spec.jobId}` });
    expect(left.items).toEqual([]);
  });

  it('passes secretEnv through a Secret owned by worker 0, never as a plain value, and it goes with the pods', async () => {
    const spec = job('secret', { secretEnv: { BEAMLINE_TOKEN: 'bl_not-for-pod-specs' }, workers: [{ node: NODE_A, gpuIndexes: [6] }, { node: NODE_B, gpuIndexes: [6] }] });
    await driver.createWorkload(spec);
    await driver.createWorkload(spec); // idempotent with the Secret too
    await allRunning(spec);
    const name = `${podName(spec.jobId, 1, 0)}-env`;
    const secret = await core.readNamespacedSecret({ namespace: ns, name });
    expect(Buffer.from(secret.data!.BEAMLINE_TOKEN, 'base64').toString()).toBe('bl_not-for-pod-specs');
    expect(secret.metadata!.ownerReferences).toEqual([expect.objectContaining({ kind: 'Pod', name: podName(spec.jobId, 1, 0) })]);
    for (const worker of [0, 1]) {
      const pod = await readPod(spec, worker);
      expect(JSON.stringify(pod.spec)).not.toContain('bl_not-for-pod-specs');
      expect(pod.spec!.containers[0].env).toContainEqual({ name: 'BEAMLINE_TOKEN', valueFrom: { secretKeyRef: { name, key: 'BEAMLINE_TOKEN' } } });
      // Also a read-only file for code that keeps secrets out of its environment.
      expect(pod.spec!.volumes).toContainEqual({ name: 'beamline-secrets', secret: { secretName: name, defaultMode: 0o440 } });
      expect(pod.spec!.containers[0].volumeMounts).toContainEqual({ name: 'beamline-secrets', mountPath: '/var/run/secrets/beamline', readOnly: true });
    }
    await driver.deleteWorkload(spec.jobId);
    await untilDriver(driver, () => !workersOf(spec));
    // The garbage collector of the real controller-manager removes the owned Secret.
    await expect.poll(async () => core.readNamespacedSecret({ namespace: ns, name }).then(() => 'present', () => 'gone'), { timeout: 30_000, interval: 500 }).toBe('gone');
  });

  it('deletes one attempt and keeps the others', async () => {
    const first = job('attempts', { attempt: 1 });
    const second = job('attempts', { attempt: 2, workers: [{ node: NODE_B, gpuIndexes: [5] }] });
    await driver.createWorkload(first);
    await driver.createWorkload(second);
    await allRunning(first);
    await allRunning(second);
    await driver.deleteWorkload(first.jobId, 1);
    await untilDriver(driver, () => !workersOf(first));
    expect(workersOf(second)).toHaveLength(1);
  });

  it('refuses to re-create a worker onto another node than the one it is bound to', async () => {
    const spec = job('moved');
    await driver.createWorkload(spec);
    await expect(driver.createWorkload({ ...spec, workers: [{ node: NODE_B, gpuIndexes: [3] }] })).rejects.toThrow(/already bound to/);
  });

  it('places a fractional share and a MIG slice with the right resources', async () => {
    const share = job('share', { gpuCount: 0, workers: [{ node: NODE_A, gpuIndexes: [5], gpuMilli: 500 }] });
    // The profile on the job only (not per worker): the old code then put the host index in CUDA_VISIBLE_DEVICES.
    const mig = job('mig', { gpuCount: 0, migProfile: '1g.10gb', workers: [{ node: MIG, gpuIndexes: [7] }] });
    await Promise.all([driver.createWorkload(share), driver.createWorkload(mig)]);
    await Promise.all([allRunning(share), allRunning(mig)]);
    const sharePod = await readPod(share);
    expect(sharePod.spec!.containers[0].resources!.limits).toEqual({ memory: '16Gi' });
    expect(sharePod.metadata!.annotations).toMatchObject({ 'beamline.dev/gpu-indexes': '5', 'beamline.dev/gpu-milli': '500' });
    // Pinned by the toolkit's variable (nothing enforces the share: docs/gpu-nodes.md); the
    // pinned device is index 0 inside, so a CUDA_VISIBLE_DEVICES of 5 would hide it.
    expect(envOf(sharePod)).toMatchObject({ NVIDIA_VISIBLE_DEVICES: '5', BEAMLINE_GPU_MILLI: '500' });
    expect(envOf(sharePod).CUDA_VISIBLE_DEVICES).toBeUndefined();
    const migPod = await readPod(mig);
    expect(migPod.spec!.containers[0].resources!.limits).toEqual({ memory: '16Gi', 'nvidia.com/mig-1g.10gb': '1' });
    expect(migPod.metadata!.annotations).toMatchObject({ 'beamline.dev/gpu-indexes': '7', 'beamline.dev/mig-profile': '1g.10gb' });
    expect(envOf(migPod).NVIDIA_VISIBLE_DEVICES).toBeUndefined();
    expect(envOf(migPod).CUDA_VISIBLE_DEVICES).toBeUndefined();
  });

  it('builds objects that strict server-side field validation accepts', async () => {
    // Strict turns unknown or duplicate fields into errors instead of warnings.
    const spec = job('strict', { workers: [{ node: NODE_A, gpuIndexes: [0] }, { node: NODE_B, gpuIndexes: [1] }] });
    await core.createNamespacedService({ namespace: ns, body: masterService(spec, ns), dryRun: 'All', fieldValidation: 'Strict' });
    await core.createNamespacedPod({ namespace: ns, body: workerPod(spec, 1, ns), dryRun: 'All', fieldValidation: 'Strict' });
  });

  it('cannot stream logs from a KWOK node (no kubelet, no container)', async () => {
    const spec = job('logs');
    await driver.createWorkload(spec);
    await allRunning(spec);
    const read = async () => {
      for await (const line of driver.logs(spec.jobId, 1, 0, { follow: false })) return line;
    };
    const error = (await read().then(
      () => undefined,
      (e: unknown) => e,
    )) as { code?: number; body?: { message?: string } } | undefined;
    // Not 403 (RBAC) nor 404 (wrong pod name): the API server found the pod and failed to reach its kubelet.
    expect(error?.code).toBe(500);
    expect(error?.body?.message).toContain('/containerLogs/');
  });

  it('says a deleted pod\'s log is gone (404 from the API server), so the api serves the archive (issue 15)', async () => {
    const spec = job('logs-gone');
    await driver.createWorkload(spec);
    await allRunning(spec);
    await driver.deleteWorkload(spec.jobId);
    await expect
      .poll(async () => readPod(spec).then(() => 'present', () => 'gone'), { timeout: 30_000, interval: 500 })
      .toBe('gone');
    const read = async () => {
      for await (const line of driver.logs(spec.jobId, spec.attempt, 0, { follow: false })) return line;
    };
    await expect(read()).rejects.toBeInstanceOf(LogSourceGone);
  });
});
