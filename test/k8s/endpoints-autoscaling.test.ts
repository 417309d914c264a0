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
import { demandKeys } from '../../src/serving/endpoints/endpoint-demand.js';
import { linearModel } from '../helpers/onnx.js';
import { registry } from '../helpers/onnx-registry.js';
import { adminKubeConfig, createTestNamespace, deleteTestNamespace, uniqueSuffix } from '../helpers/k8s-namespace.js';
import { createGpuNodes, deleteNodes } from '../helpers/k8s-nodes.js';
import { client, eventually, seedToken, sleep, startTestApp, type TestApp } from '../helpers/test-app.js';

/**
 * Autoscaling through the kubernetes serving driver on the real control plane: the
 * Deployment's replicas follow the controller's decisions (1 at create, 0 when idle, N under
 * demand, 0 again). KWOK pods run no runtime, so the demand an API instance would publish
 * from its infer proxy is published here, in the same Redis keys (endpoint-demand.ts).
 */
const suffix = uniqueSuffix();
const PRODUCT = `L4-${suffix}`;
const nodes = [{ name: `as-1-${suffix}`, product: PRODUCT, gpus: 4 }];
const kc = adminKubeConfig();
const apps = kc.makeApiClient(AppsV1Api);
const base = '/v1/projects/k8s/endpoints';
let namespace: string;
let artifacts: string;
let t: TestApp;
let token: string;
let redis: Redis;

const send = (method: string, path: string, body?: unknown) => client(t.url, token).send(method, path, body);
const replicasOf = async () => (await apps.readNamespacedDeployment({ namespace, name: endpointObjectName({ project: 'k8s', name: 'auto' }) })).spec!.replicas;
const endpoint = async () => (await send('GET', `${base}/auto`)).body;

/** What an API instance holding `concurrency` requests for the endpoint publishes every 500 ms. */
function publishDemand(endpointId: string, concurrency: number) {
  const keys = demandKeys(t.app.get<AppConfig>(APP_CONFIG));
  let stop = false;
  const loop = (async () => {
    while (!stop) {
      await redis.multi().set(keys.instance('k8s-test'), JSON.stringify({ [endpointId]: concurrency }), 'EX', 3).sadd(keys.index, 'k8s-test').exec();
      await redis.publish(keys.wake, endpointId);
      await sleep(500);
    }
  })();
  return async () => ((stop = true), await loop, await redis.del(keys.instance('k8s-test')));
}

beforeAll(async () => {
  namespace = await createTestNamespace(kc, 'as');
  await createGpuNodes(kc, nodes);
  process.env.KUBECONFIG = inject('k8sKubeconfig');
  artifacts = await mkdtemp(join(tmpdir(), 'beamline-k8s-as-'));
  t = await startTestApp({
    env: { BEAMLINE_CLUSTER_DRIVER: 'kubernetes', BEAMLINE_PUBLIC_URL: 'http://beamline-api.beamline.svc:8080', BEAMLINE_K8S_NAMESPACE: namespace, BEAMLINE_SCHEDULER_INTERVAL_MS: '300', BEAMLINE_ARTIFACT_DIR: artifacts },
  });
  redis = new Redis(inject('redisUrl'));
  token = await seedToken(t.app, 'MEMBER', ['k8s']);
  expect((await send('POST', '/v1/projects/k8s/models', { name: 'surrogate' })).status).toBe(201);
  expect((await registry(t.url, token).multipart('/v1/projects/k8s/models/surrogate/versions', linearModel([[1]], [0]))).status).toBe(201);
}, 60_000);

afterAll(async () => {
  redis?.disconnect();
  await t?.close();
  await deleteNodes(kc, nodes.map((n) => n.name));
  await deleteTestNamespace(kc, namespace);
  await rm(artifacts, { recursive: true, force: true });
});

describe('autoscaling on Kubernetes', () => {
  it("the Deployment's replicas follow: 1 at create, 0 when idle, N under demand, 0 again", async () => {
    const driver = t.app.get<ClusterDriver>(CLUSTER_DRIVER);
    await eventually(async () => (driver.inventory().nodes.some((n) => n.name === nodes[0].name) ? true : undefined), 30_000, 'inventory has the node');
    const autoscaling = { minReplicas: 0, maxReplicas: 3, targetInFlight: 2, scaleDownDelaySeconds: 2 };
    const created = await send('POST', base, { name: 'auto', model: 'surrogate', version: 1, autoscaling, resources: { cpu: '1', memory: '1Gi', gpu: { count: 1, product: PRODUCT } }, progressDeadlineSeconds: 60 });
    expect(created.status).toBe(201);
    await eventually(async () => ((await endpoint()).phase === 'Complete' && (await replicasOf()) === 1 ? true : undefined), 60_000, 'Complete on 1');

    // Idle: to zero, and the rollout of zero replicas counts as Complete (the API server omits zero counts).
    const zero = await eventually(async () => {
      const e = await endpoint();
      return (await replicasOf()) === 0 && e.replicas === 0 && e.observed.rollout === 'Complete' && e.observed.availableReplicas === 0 ? e : undefined;
    }, 60_000, 'Deployment at 0');
    expect(zero).toMatchObject({ phase: 'Complete', reason: 'ScaledToZero', ready: true });

    // Demand of 5 in flight at target 2: ceil(5 / 2) = 3 replicas, at once.
    const stop = publishDemand(created.body.id, 5);
    try {
      await eventually(async () => ((await replicasOf()) === 3 && (await endpoint()).observed.availableReplicas === 3 ? true : undefined), 60_000, 'Deployment at 3, all ready');
    } finally {
      await stop();
    }
    await eventually(async () => ((await replicasOf()) === 0 ? true : undefined), 60_000, 'Deployment back at 0');
    const reasons = (await send('GET', `${base}/auto/events`)).body.items.map((e: { reason: string }) => e.reason);
    expect(reasons).toEqual(expect.arrayContaining(['ScaledToZero', 'ScaledFromZero']));
  }, 240_000);
});
