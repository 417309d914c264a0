import { CoreV1Api, PatchStrategy, setHeaderOptions, type V1Pod } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { client, eventually, seedToken, startTestApp, type TestApp } from '../helpers/test-app.js';
import { createGpuNodes, deleteNodes } from '../helpers/k8s-nodes.js';
import { adminKubeConfig, createTestNamespace, deleteTestNamespace, uniqueSuffix } from '../helpers/k8s-namespace.js';

/**
 * The whole platform (API + controller with the kubernetes driver) against the real
 * kube-apiserver, controller-manager and KWOK GPU nodes. Products carry a per-file suffix
 * so other files' nodes never satisfy these jobs.
 */
const suffix = uniqueSuffix();
const A100 = `A100-${suffix}`;
const H100 = `H100-${suffix}`;
const T4 = `T4-${suffix}`;
const A10 = `A10-${suffix}`;
const nodes = [
  { name: `a100-1-${suffix}`, product: A100, gpus: 8 },
  { name: `a100-2-${suffix}`, product: A100, gpus: 8 },
  { name: `a100-3-${suffix}`, product: A100, gpus: 8 },
  { name: `a100-4-${suffix}`, product: A100, gpus: 8 },
  { name: `h100-1-${suffix}`, product: H100, gpus: 4 },
  // A time-sliced pool (GFD's labels, the renamed resource): the only place a fraction can go.
  { name: `t4-ts-${suffix}`, product: T4, gpus: 2, sharing: { mode: 'time-slicing' as const, replicas: 4, renamed: true } },
  // An MPS pool: each GPU split two ways, each replica limited to half by the MPS daemon.
  { name: `a10-mps-${suffix}`, product: A10, gpus: 1, sharing: { mode: 'mps' as const, replicas: 2 } },
];
const kc = adminKubeConfig();
const core = kc.makeApiClient(CoreV1Api);
let namespace: string;
let t: TestApp;
let api: ReturnType<typeof client>;
const base = '/v1/projects/k8s/training-jobs';

beforeAll(async () => {
  namespace = await createTestNamespace(kc, 'loop');
  await createGpuNodes(kc, nodes);
  process.env.KUBECONFIG = inject('k8sKubeconfig');
  t = await startTestApp({
    env: { BEAMLINE_CLUSTER_DRIVER: 'kubernetes', BEAMLINE_PUBLIC_URL: 'http://beamline-api.beamline.svc:8080', BEAMLINE_K8S_NAMESPACE: namespace, BEAMLINE_SCHEDULER_INTERVAL_MS: '300', BEAMLINE_RETRY_BACKOFF_MS: '100' },
  });
  api = client(t.url, await seedToken(t.app, 'MEMBER', ['k8s']));
});
afterAll(async () => {
  await t?.close();
  await deleteNodes(kc, nodes.map((n) => n.name));
  await deleteTestNamespace(kc, namespace);
});

const job = (name: string, gpu: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
  name,
  image: 'ghcr.io/lab/train:1.0',
  command: ['python', 'train.py'],
  resources: { cpu: '4', memory: '16Gi', gpu },
  ...extra,
});

async function status(id: string, wanted: string[], timeoutMs = 30_000) {
  return eventually(async () => {
    const res = await api.get(`${base}/${id}`);
    return wanted.includes(res.body.status) ? res.body : undefined;
  }, timeoutMs, `${id} in ${wanted.join('/')}`);
}

/**
 * The field problem of a submission refused with 400. The controller publishes what the
 * nodes offer shortly after it sees them, so a submission may be accepted before that: it is
 * cancelled and tried again.
 */
async function refusedAtSubmit(body: object): Promise<{ field: string; message: string }> {
  return eventually(async () => {
    const r = await api.post(base, body);
    if (r.status === 201) {
      await api.post(`${base}/${r.body.id}/cancel`);
      return undefined;
    }
    expect(r.status).toBe(400);
    return (r.body.errors as { field: string; message: string }[])[0];
  }, 15_000, 'the submission to be refused');
}

async function podsOf(id: string): Promise<V1Pod[]> {
  const list = await core.listNamespacedPod({ namespace, labelSelector: `beamline.dev/training-job=${id}` });
  return list.items;
}

/** The job's first pod, once it exists: a job reads Scheduled as soon as its placement is recorded, before its pods are created. */
const firstPod = (id: string) => eventually(async () => (await podsOf(id))[0], 15_000, `a pod of ${id}`);

async function label(id: string, key: string): Promise<void> {
  for (const pod of await podsOf(id)) {
    if (pod.metadata?.deletionTimestamp) continue; // an earlier attempt on its way out
    await core
      .patchNamespacedPod({ name: pod.metadata!.name!, namespace, body: { metadata: { labels: { [key]: 'true' } } } }, setHeaderOptions('Content-Type', PatchStrategy.MergePatch))
      .catch(() => undefined);
  }
}

describe('training jobs on a real Kubernetes control plane', () => {
  it('binds a 1-GPU job to a node of an allowed product; KWOK runs it; it succeeds', async () => {
    const { body } = await api.post(base, job('one-gpu', { count: 1, product: [H100] }));
    const running = await status(body.id, ['Running']);
    expect(running.placement[0].node).toBe(`h100-1-${suffix}`);
    const [pod] = await podsOf(body.id);
    expect(pod.spec?.nodeName).toBe(`h100-1-${suffix}`);
    expect(pod.spec?.schedulerName).toBe('beamline-gpu-scheduler');
    expect(pod.spec?.containers[0].resources?.limits?.['nvidia.com/gpu']).toBe('1');
    await label(body.id, 'stage.beamline.dev/complete');
    await status(body.id, ['Succeeded']);
  });

  it('binds a 4 × 8-GPU gang whole, one worker per node; a fifth such gang waits with a reason', async () => {
    const { body: gang } = await api.post(base, job('gang', { count: 8, product: A100 }, { workers: 4 }));
    const running = await status(gang.id, ['Running']);
    const placedNodes = running.placement.map((p: { node: string }) => p.node).sort();
    expect(placedNodes).toEqual(nodes.slice(0, 4).map((n) => n.name).sort());
    expect(await podsOf(gang.id)).toHaveLength(4);

    const { body: more } = await api.post(base, job('gang-2', { count: 8, product: A100 }, { workers: 1 }));
    const waiting = await eventually(async () => (await api.get(`${base}/${more.id}`)).body.pendingReason ?? undefined);
    expect(waiting).toMatch(/A100/);
    expect(await podsOf(more.id)).toHaveLength(0); // nothing half-bound

    // Cancelling the gang frees its GPUs at once and the waiting job is bound.
    await api.post(`${base}/${gang.id}/cancel`);
    await status(more.id, ['Running']);
    await api.post(`${base}/${more.id}/cancel`);
  });

  it('gives a fractional job one replica on the time-sliced pool, which the device plugin counts', async () => {
    const { body } = await api.post(base, job('quarter', { fraction: 0.25, product: T4 }));
    const running = await status(body.id, ['Running', 'Scheduled']);
    expect(running.placement[0]).toMatchObject({ node: `t4-ts-${suffix}`, gpuMilli: 250, sharedResource: 'nvidia.com/gpu.shared' });
    const pod = await firstPod(body.id);
    expect(pod.spec!.containers[0].resources!.limits).toMatchObject({ 'nvidia.com/gpu.shared': '1' });
    expect(pod.spec!.containers[0].env?.find((e) => e.name === 'NVIDIA_VISIBLE_DEVICES')).toBeUndefined();
    await api.post(`${base}/${body.id}/cancel`);
  });

  it('gives MPS shares of at most one replica each, and keeps a larger share Queued with the largest it could take', async () => {
    const { body: half } = await api.post(base, job('half-mps', { fraction: 0.5, product: A10 }));
    const running = await status(half.id, ['Running', 'Scheduled']);
    expect(running.placement[0]).toMatchObject({ node: `a10-mps-${suffix}`, gpuMilli: 500, sharedResource: 'nvidia.com/gpu' });
    const pod = await firstPod(half.id);
    expect(pod.spec!.containers[0].resources!.limits).toMatchObject({ 'nvidia.com/gpu': '1' });
    // Refused at submit once the controller has published what the nodes offer (engine/sharing.ts says the same as a pending reason).
    const refused = await refusedAtSubmit(job('big-mps', { fraction: 0.6, product: A10 }));
    expect(refused).toEqual({ field: 'resources.gpu.fraction', message: expect.stringContaining(`no node here can enforce a share of 0.6 (${A10}: shares up to 0.5)`) });
    await api.post(`${base}/${half.id}/cancel`);
  });

  it('refuses at submit a fraction of a product whose nodes do not share GPUs, and a MIG profile nobody offers', async () => {
    const fraction = await refusedAtSubmit(job('half-h100', { fraction: 0.5, product: H100 }));
    expect(fraction).toEqual({ field: 'resources.gpu.fraction', message: expect.stringContaining(`(${H100}: whole GPUs only); a fraction needs a node pool with time-slicing or MPS`) });
    const mig = await refusedAtSubmit(job('mig-h100', { migProfile: '2g.20gb', product: H100 }));
    expect(mig).toEqual({ field: 'resources.gpu.migProfile', message: 'no node offers MIG profile 2g.20gb (no MIG-partitioned GPU here)' });
  });

  it('keeps a job that needs a product the cluster lacks Queued, with a reason', async () => {
    const { body } = await api.post(base, job('b200', { count: 1, product: `B200-${suffix}` }));
    const reason = await eventually(async () => (await api.get(`${base}/${body.id}`)).body.pendingReason ?? undefined);
    expect(reason).toContain(`B200-${suffix}`);
    expect((await api.get(`${base}/${body.id}`)).body.status).toBe('Queued');
  });

  it('retries a job whose pod fails (KWOK chaos stage), then fails it', async () => {
    const { body } = await api.post(base, job('chaos', { count: 1, product: H100 }, { maxRetries: 1 }));
    for (let attempt = 0; attempt <= 1; attempt++) {
      await eventually(async () => {
        const res = await api.get(`${base}/${body.id}`);
        return res.body.status === 'Running' && res.body.attempt === attempt;
      }, 30_000, `attempt ${attempt} Running`);
      await label(body.id, 'pod-container-running-failed.stage.kwok.x-k8s.io');
    }
    const failed = await status(body.id, ['Failed']);
    expect(failed.attempt).toBe(1);
    const reasons = (await api.get(`${base}/${body.id}/events`)).body.items.map((e: { reason: string }) => e.reason);
    expect(reasons).toEqual(expect.arrayContaining(['Retry 1 of 1', 'RetriesExhausted']));
  });

  it('fails a job whose image never pulls after its start deadline, with the pod\'s own reason', async () => {
    const image = 'registry.invalid/lab/never:1';
    const { body } = await api.post(base, { ...job('no-image', { count: 1, product: H100 }), image, env: { KWOK_SIMULATE: 'image-pull-backoff' }, startTimeoutSeconds: 3 });
    expect(body.startTimeoutSeconds).toBe(3);
    const failed = await status(body.id, ['Failed']);
    expect(failed.statusReason).toBe('StartTimeout');
    const events = (await api.get(`${base}/${body.id}/events`)).body.items as { reason: string; message: string }[];
    expect(events.at(-1)?.message).toContain(`ImagePullBackOff: Back-off pulling image "${image}"`);
    expect(events.map((e) => e.reason)).not.toContain('Started');
  });

  it('refuses a start deadline of 0 s, naming the field', async () => {
    const res = await api.post(base, { ...job('zero', { count: 1, product: H100 }), startTimeoutSeconds: 0 });
    expect(res.status).toBe(400);
    expect(JSON.stringify(res.body)).toContain('startTimeoutSeconds');
  });

  it('retries a whole gang when one worker is deleted while the others run', async () => {
    const { body } = await api.post(base, job('gang-loss', { count: 1, product: A100 }, { workers: 2, maxRetries: 1 }));
    await eventually(async () => {
      const res = await api.get(`${base}/${body.id}`);
      return res.body.status === 'Running' && res.body.attempt === 0;
    }, 30_000, 'attempt 0 Running');
    await core.deleteNamespacedPod({ namespace, name: (await podsOf(body.id)).find((p) => p.metadata?.labels?.['beamline.dev/worker'] === '1')!.metadata!.name! });
    const retried = await eventually(async () => {
      const res = await api.get(`${base}/${body.id}`);
      return res.body.status === 'Running' && res.body.attempt === 1 ? res.body : undefined;
    }, 30_000, 'attempt 1 Running');
    expect(retried.restarts).toBe(1);
    const live = (await podsOf(body.id)).filter((p) => !p.metadata?.deletionTimestamp && p.metadata?.labels?.['beamline.dev/attempt'] === '1');
    expect(live.map((p) => p.metadata?.labels?.['beamline.dev/worker']).sort()).toEqual(['0', '1']);
    const events = (await api.get(`${base}/${body.id}/events`)).body.items as { reason: string; message: string }[];
    expect(events.find((e) => e.reason === 'WorkersLost')?.message).toMatch(/worker 1 of 2 is gone.*retry 1 of 1/);
    await api.post(`${base}/${body.id}/cancel`);
  });

  it('requeues the job of a deleted node onto another node, without using a retry', async () => {
    const L4 = `L4-${suffix}`;
    const l4 = [
      { name: `l4-1-${suffix}`, product: L4, gpus: 1 },
      { name: `l4-2-${suffix}`, product: L4, gpus: 1 },
    ];
    await createGpuNodes(kc, l4);
    try {
      const { body } = await api.post(base, job('node-loss', { count: 1, product: L4 }));
      const first = await status(body.id, ['Running']);
      const lost = first.placement[0].node as string;
      await deleteNodes(kc, [lost]);
      const moved = await eventually(async () => {
        const res = await api.get(`${base}/${body.id}`);
        return res.body.status === 'Running' && res.body.attempt === 1 ? res.body : undefined;
      }, 30_000, 'attempt 1 Running elsewhere');
      expect(moved.placement[0].node).not.toBe(lost);
      expect(moved.excludedNodes).toEqual([lost]);
      const events = (await api.get(`${base}/${body.id}/events`)).body.items as { reason: string; message: string }[];
      expect(events.find((e) => e.reason === 'NodeLost')?.message).toContain(`node ${lost} is gone`);
      await api.post(`${base}/${body.id}/cancel`);
    } finally {
      await deleteNodes(kc, l4.map((n) => n.name));
    }
  });
});
