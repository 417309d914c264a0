import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AppsV1Api } from '@kubernetes/client-node';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { CLUSTER_DRIVER, type ClusterDriver } from '../../src/cluster/cluster-driver.js';
import { endpointObjectName } from '../../src/cluster/kubernetes/serving/serving-names.js';
import { APP_CONFIG } from '../../src/common/config/config.js';
import type { AppConfig } from '../../src/common/config/config.schema.js';
import { statsKeys } from '../../src/serving/endpoints/endpoint-traffic-stats.js';
import { addSample, emptyStats, type TrackStats } from '../../src/serving/endpoints/traffic-split.js';
import { linearModel } from '../helpers/onnx.js';
import { registry } from '../helpers/onnx-registry.js';
import { adminKubeConfig, createTestNamespace, deleteTestNamespace, uniqueSuffix } from '../helpers/k8s-namespace.js';
import { createGpuNodes, deleteNodes } from '../helpers/k8s-nodes.js';
import { client, eventually, seedToken, startTestApp, type TestApp } from '../helpers/test-app.js';

/**
 * Canary and shadow through the kubernetes serving driver on the real control plane: each
 * runs as a Deployment of its own next to stable's, removed when it ends; a promotion rolls
 * stable's Deployment to the canary's template. KWOK pods run no runtime, so the counters an
 * API instance's infer proxy would publish are published here, in the same Redis keys
 * (endpoint-traffic-stats.ts).
 */
const suffix = uniqueSuffix();
const PRODUCT = `L4-${suffix}`;
const nodes = [{ name: `cn-1-${suffix}`, product: PRODUCT, gpus: 8 }];
const kc = adminKubeConfig();
const apps = kc.makeApiClient(AppsV1Api);
const base = '/v1/projects/k8s/endpoints';
let namespace: string;
let artifacts: string;
let t: TestApp;
let token: string;
let redis: Redis;

const send = (method: string, path: string, body?: unknown) => client(t.url, token).send(method, path, body);
const endpoint = async () => (await send('GET', `${base}/cny`)).body;
const deploymentOf = async (name: string) => {
  const list = await apps.listNamespacedDeployment({ namespace, labelSelector: `beamline.dev/endpoint=${name}` });
  return list.items[0];
};
const track = (requests: number, errors: number): TrackStats => {
  const s = emptyStats();
  for (let i = 0; i < requests; i++) addSample(s, i < errors ? 500 : 200, 0.004);
  return s;
};

/** What one API instance's proxy would have published for this canary round. */
async function publishStats(endpointId: string, round: number, stable: TrackStats, canary: TrackStats): Promise<void> {
  const keys = statsKeys(t.app.get<AppConfig>(APP_CONFIG));
  await redis.multi().set(keys.instance('k8s-test'), JSON.stringify({ [endpointId]: { [round]: { stable, canary } } }), 'EX', 60).sadd(keys.index, 'k8s-test').exec();
}

beforeAll(async () => {
  namespace = await createTestNamespace(kc, 'cn');
  await createGpuNodes(kc, nodes);
  process.env.KUBECONFIG = inject('k8sKubeconfig');
  artifacts = await mkdtemp(join(tmpdir(), 'beamline-k8s-cn-'));
  t = await startTestApp({
    env: { BEAMLINE_CLUSTER_DRIVER: 'kubernetes', BEAMLINE_PUBLIC_URL: 'http://beamline-api.beamline.svc:8080', BEAMLINE_K8S_NAMESPACE: namespace, BEAMLINE_SCHEDULER_INTERVAL_MS: '300', BEAMLINE_ARTIFACT_DIR: artifacts },
  });
  redis = new Redis(inject('redisUrl'));
  token = await seedToken(t.app, 'MEMBER', ['k8s']);
  expect((await send('POST', '/v1/projects/k8s/models', { name: 'surrogate' })).status).toBe(201);
  for (const w of [1, 2, 3]) expect((await registry(t.url, token).multipart('/v1/projects/k8s/models/surrogate/versions', linearModel([[w]], [0]))).status).toBe(201);
}, 60_000);

afterAll(async () => {
  redis?.disconnect();
  await t?.close();
  await deleteNodes(kc, nodes.map((n) => n.name));
  await deleteTestNamespace(kc, namespace);
  await rm(artifacts, { recursive: true, force: true });
});

describe('canary and shadow on Kubernetes', () => {
  it('a canary is a Deployment of its own; healthy figures promote it, failing ones roll it back; a shadow comes and goes', async () => {
    const driver = t.app.get<ClusterDriver>(CLUSTER_DRIVER);
    await eventually(async () => (driver.inventory().nodes.some((n) => n.name === nodes[0].name) ? true : undefined), 30_000, 'inventory has the node');
    const resources = { cpu: '1', memory: '1Gi', gpu: { count: 1, product: PRODUCT } };
    const created = await send('POST', base, { name: 'cny', model: 'surrogate', version: 1, resources, progressDeadlineSeconds: 60 });
    expect(created.status).toBe(201);
    const id = created.body.id as string;
    await eventually(async () => ((await endpoint()).phase === 'Complete' ? true : undefined), 60_000, 'Complete');

    // 1. The canary's Deployment: its own name and label, one replica, next to stable's.
    const started = await send('PATCH', `${base}/cny`, { canary: { version: 2, percent: 20, analysis: { minRequests: 10, minSeconds: 0 } } });
    expect(started.status, JSON.stringify(started.body)).toBe(200);
    const round = started.body.canary.revision as number;
    const canaryDeployment = await eventually(async () => deploymentOf('cny.canary'), 30_000, 'canary Deployment');
    expect(canaryDeployment.metadata!.name).toBe(endpointObjectName({ project: 'k8s', name: 'cny.canary' }));
    expect(canaryDeployment.metadata!.name).not.toBe(endpointObjectName({ project: 'k8s', name: 'cny' }));
    expect(canaryDeployment.spec!.replicas).toBe(1);
    await eventually(async () => ((await endpoint()).observed.canary?.readyReplicas === 1 ? true : undefined), 60_000, 'canary ready');

    // 2. Healthy figures: promoted; stable's Deployment rolls to version 2, the canary's goes.
    await publishStats(id, round, track(40, 0), track(10, 0));
    const promoted = await eventually(async () => {
      const e = await endpoint();
      return e.canary === null && e.modelVersion === 2 ? e : undefined;
    }, 30_000, 'promoted');
    expect(promoted.reason).toBe('CanaryPromoted');
    await eventually(async () => ((await deploymentOf('cny.canary')) === undefined ? true : undefined), 30_000, 'canary Deployment deleted');
    await eventually(async () => ((await endpoint()).phase === 'Complete' ? true : undefined), 60_000, 'version 2 rolled out');
    const stable = await deploymentOf('cny');
    expect(JSON.stringify(stable!.spec!.template.spec!.containers[0].env)).toContain('"BEAMLINE_RUNTIME_VERSION","value":"2"');

    // 3. A canary that fails its requests: rolled back, stable untouched.
    const second = await send('PATCH', `${base}/cny`, { canary: { version: 3, percent: 20, analysis: { minRequests: 10, minSeconds: 0 } } });
    expect(second.status, JSON.stringify(second.body)).toBe(200);
    await eventually(async () => ((await endpoint()).observed.canary?.readyReplicas === 1 ? true : undefined), 60_000, 'second canary ready');
    await publishStats(id, second.body.canary.revision, track(40, 0), track(10, 10));
    await eventually(async () => ((await endpoint()).canary === null ? true : undefined), 30_000, 'rolled back');
    expect(await endpoint()).toMatchObject({ modelVersion: 2 });
    const events = (await send('GET', `${base}/cny/events`)).body.items as { reason: string; message: string }[];
    expect(events.find((e) => e.reason === 'CanaryRolledBack')?.message).toMatch(/error rate 100\.00 % > stable 0\.00 %/);
    await eventually(async () => ((await deploymentOf('cny.canary')) === undefined ? true : undefined), 30_000, 'second canary Deployment deleted');

    // 4. A shadow: its own Deployment while it runs.
    expect((await send('PATCH', `${base}/cny`, { shadow: { version: 3, percent: 10 } })).status).toBe(200);
    await eventually(async () => deploymentOf('cny.shadow'), 30_000, 'shadow Deployment');
    expect((await send('PATCH', `${base}/cny`, { shadow: null })).status).toBe(200);
    await eventually(async () => ((await deploymentOf('cny.shadow')) === undefined ? true : undefined), 30_000, 'shadow Deployment deleted');
  }, 300_000);
});
