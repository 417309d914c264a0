import { CoreV1Api, Watch, type V1Pod } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { client, eventually, seedToken, startTestApp, type TestApp } from '../helpers/test-app.js';
import { createGpuNodes, deleteNodes } from '../helpers/k8s-nodes.js';
import { adminKubeConfig, createTestNamespace, deleteTestNamespace, uniqueSuffix } from '../helpers/k8s-namespace.js';

/**
 * Issue 14, item 3 on the Kubernetes driver: the whole platform against the real API server
 * with one KWOK node of one GPU. test/integration/preemption.test.ts shows the same with real
 * processes (the victim's SIGTERM handler runs there); here no container runs, so what is
 * checked is what the driver asks of Kubernetes: the victim's pod deleted with the grace
 * period, and the preemptor's pod created only once the victim's is gone.
 */
const suffix = uniqueSuffix();
const GPU = `P100-${suffix}`;
const NODE = `pre-1-${suffix}`;
const GRACE = 9;
const PROJECT = `kpre-${suffix}`;
const kc = adminKubeConfig();
const core = kc.makeApiClient(CoreV1Api);
let namespace: string;
let t: TestApp;
let admin: ReturnType<typeof client>;
let member: ReturnType<typeof client>;
let stopWatch: (() => void) | undefined;

/** Every pod change in the namespace, in the order the API server reported it. */
const seen: { type: string; name: string; job: string; attempt: string; node?: string; deleting: boolean; grace?: number }[] = [];

beforeAll(async () => {
  namespace = await createTestNamespace(kc, 'preempt');
  await createGpuNodes(kc, [{ name: NODE, product: GPU, gpus: 1 }]);
  const watching = await new Watch(kc).watch(
    `/api/v1/namespaces/${namespace}/pods`,
    {},
    (type: string, pod: V1Pod) =>
      seen.push({
        type,
        name: pod.metadata!.name!,
        job: pod.metadata?.annotations?.['beamline.dev/training-job-id'] ?? '',
        attempt: pod.metadata?.labels?.['beamline.dev/attempt'] ?? '',
        node: pod.spec?.nodeName,
        deleting: Boolean(pod.metadata?.deletionTimestamp),
        grace: pod.metadata?.deletionGracePeriodSeconds,
      }),
    () => undefined,
  );
  stopWatch = () => watching.abort();
  process.env.KUBECONFIG = inject('k8sKubeconfig');
  t = await startTestApp({
    env: {
      BEAMLINE_CLUSTER_DRIVER: 'kubernetes',
      BEAMLINE_PUBLIC_URL: 'http://beamline-api.beamline.svc:8080',
      BEAMLINE_K8S_NAMESPACE: namespace,
      BEAMLINE_SCHEDULER_INTERVAL_MS: '300',
      BEAMLINE_PREEMPTION_GRACE_SECONDS: String(GRACE),
    },
  });
  admin = client(t.url, await seedToken(t.app, 'ADMIN'));
  member = client(t.url, await seedToken(t.app, 'MEMBER', [PROJECT]));
});
afterAll(async () => {
  stopWatch?.();
  await t?.close();
  await deleteNodes(kc, [NODE]);
  await deleteTestNamespace(kc, namespace);
});

const base = `/v1/projects/${PROJECT}/training-jobs`;
const body = (name: string, priority: number, env: Record<string, string> = {}) => ({
  name,
  image: 'ghcr.io/lab/train:1.0',
  command: ['python', 'train.py'],
  queue: 'solo',
  priority,
  env,
  resources: { cpu: '1', memory: '1Gi', gpu: { count: 1, product: GPU } },
});
async function submit(b: Record<string, unknown>): Promise<string> {
  const res = await member.post(base, b);
  expect(res.status, res.text).toBe(201);
  return res.body.id as string;
}
const job = async (id: string) => (await member.get(`${base}/${id}`)).body;
const until = (id: string, ok: (j: Record<string, unknown>) => boolean, what: string, ms = 60_000) =>
  eventually(async () => {
    const j = await job(id);
    return ok(j) ? j : undefined;
  }, ms, what);
const podsOf = async (id: string, attempt: number) =>
  (await core.listNamespacedPod({ namespace, labelSelector: `beamline.dev/training-job=${id},beamline.dev/attempt=${attempt}` })).items;

describe('preemption on the Kubernetes driver', () => {
  it('deletes the victim pod with the grace period, binds the preemptor after it is gone, requeues the victim without a retry', async () => {
    // The queue's GPU line names a product the controller has seen on a node: retried until it has.
    await eventually(async () => (await admin.post('/v1/cluster-queues', { name: 'solo', quota: [{ resource: 'nvidia.com/gpu', flavor: GPU, nominal: 1 }], preemption: { minRuntimeSeconds: 0 } })).status === 201, 30_000, 'the cluster queue');
    expect((await member.post(`/v1/projects/${PROJECT}/queues`, { name: 'solo', clusterQueue: 'solo' })).status).toBe(201);

    const low = await submit(body('low', 0));
    await until(low, (j) => j.status === 'Running', 'low Running');
    const [victimPod] = await podsOf(low, 0);
    expect(victimPod.spec?.nodeName).toBe(NODE);

    // The preemptor "runs" for 2 s on KWOK (stage beamline-pod-run-for) and succeeds by itself.
    const high = await submit(body('high', 5, { KWOK_SIMULATE: 'run-for', KWOK_RUNTIME: '2s' }));
    const done = await until(high, (j) => j.status === 'Succeeded', 'high Succeeded');
    expect(done.attempt).toBe(0);

    // The victim's pod was deleted with the grace (the driver sends what is left of it at the
    // deadline counted from the cycle's start, so a slow cycle may send one second less), and
    // the preemptor's pod appeared only after the victim's was gone: no double booking of the GPU.
    const victimName = victimPod.metadata!.name!;
    const deleting = seen.find((e) => e.name === victimName && e.deleting);
    expect(deleting?.grace).toBeGreaterThanOrEqual(GRACE - 1);
    expect(deleting?.grace).toBeLessThanOrEqual(GRACE);
    const gone = seen.findIndex((e) => e.name === victimName && e.type === 'DELETED');
    const preemptorFirst = seen.findIndex((e) => e.job === high);
    expect(gone).toBeGreaterThanOrEqual(0);
    expect(preemptorFirst).toBeGreaterThan(gone);
    expect(seen.find((e) => e.job === high && e.node)?.node).toBe(NODE);

    // The victim is back as attempt 1, no retry used, and runs again on the freed GPU.
    const again = await until(low, (j) => j.status === 'Running' && j.attempt === 1, 'low Running again as attempt 1');
    expect(again.maxRetries).toBe(0);
    expect(again.preemptedBy).toBe(high);
    const [rerun] = await podsOf(low, 1);
    expect(rerun.spec?.nodeName).toBe(NODE);
    const events: { reason: string; message: string; to: string }[] = (await member.get(`${base}/${low}/events`)).body.items;
    expect(events.find((e) => e.reason === 'Preempting')?.message).toContain(`preempted by job ${high}`);
    const preempted = events.find((e) => e.reason === 'Preempted');
    expect(preempted).toMatchObject({ to: 'Queued' });
    expect(preempted?.message).toContain(`preempted by job ${high}`);
    expect(preempted?.message).toContain('no retry used');
    await member.post(`${base}/${low}/cancel`);
  });
});
