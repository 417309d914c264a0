import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AppsV1Api, CoreV1Api, type V1Deployment } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { CLUSTER_DRIVER, type ClusterDriver } from '../../src/cluster/cluster-driver.js';
import { endpointObjectName } from '../../src/cluster/kubernetes/serving/serving-names.js';
import { linearModel } from '../helpers/onnx.js';
import { registry } from '../helpers/onnx-registry.js';
import { adminKubeConfig, createTestNamespace, deleteTestNamespace, uniqueSuffix } from '../helpers/k8s-namespace.js';
import { createGpuNodes, deleteNodes } from '../helpers/k8s-nodes.js';
import { client, eventually, seedToken, startTestApp, type TestApp } from '../helpers/test-app.js';

/**
 * Endpoints through the whole platform on the real control plane: the API records
 * revisions, the endpoint controller applies them through the kubernetes serving driver,
 * the real deployment controller rolls them out onto KWOK GPU nodes (placed by the real
 * kube-scheduler), and a revision whose pods crash-loop (tools/kwok/stages:
 * beamline-pod-crash-loop, selected by KWOK_SIMULATE=crash-loop in the env) is rolled back
 * by Beamline on its own.
 */
const suffix = uniqueSuffix();
const PRODUCT = `L40S-${suffix}`;
const nodes = [
  { name: `ep-1-${suffix}`, product: PRODUCT, gpus: 4 },
  { name: `ep-2-${suffix}`, product: PRODUCT, gpus: 4 },
];
const kc = adminKubeConfig();
const apps = kc.makeApiClient(AppsV1Api);
const core = kc.makeApiClient(CoreV1Api);
const models = '/v1/projects/k8s/models';
const base = '/v1/projects/k8s/endpoints';
let namespace: string;
let artifacts: string;
let t: TestApp;
let token: string;

const send = (method: string, path: string, body?: unknown) => client(t.url, token).send(method, path, body);

const until = (what: string, ok: (e: { phase: string; goodRevision: number | null; desiredRevision: number; observed: { rollout?: string } }) => boolean, timeoutMs = 60_000) =>
  eventually(async () => {
    const e = (await send('GET', `${base}/inj`)).body;
    return ok(e) ? e : undefined;
  }, timeoutMs, what);

const name = () => endpointObjectName({ project: 'k8s', name: 'inj' });
const deployment = () => apps.readNamespacedDeployment({ namespace, name: name() });
const replicaSets = async () => (await apps.listNamespacedReplicaSet({ namespace, labelSelector: 'beamline.dev/endpoint=inj' })).items;
const envOf = (d: V1Deployment) => Object.fromEntries((d.spec!.template.spec!.containers[0].env ?? []).map((e) => [e.name, e.value]));

beforeAll(async () => {
  namespace = await createTestNamespace(kc, 'ep');
  await createGpuNodes(kc, nodes);
  process.env.KUBECONFIG = inject('k8sKubeconfig');
  artifacts = await mkdtemp(join(tmpdir(), 'beamline-k8s-ep-'));
  t = await startTestApp({
    env: { BEAMLINE_CLUSTER_DRIVER: 'kubernetes', BEAMLINE_PUBLIC_URL: 'http://beamline-api.beamline.svc:8080', BEAMLINE_K8S_NAMESPACE: namespace, BEAMLINE_SCHEDULER_INTERVAL_MS: '300', BEAMLINE_ARTIFACT_DIR: artifacts },
  });
  token = await seedToken(t.app, 'MEMBER', ['k8s']);
  expect((await send('POST', models, { name: 'surrogate' })).status).toBe(201);
  const reg = registry(t.url, token);
  for (const n of [1, 2]) expect((await reg.multipart(`${models}/surrogate/versions`, linearModel([[n]], [0]))).status).toBe(201);
}, 60_000);

afterAll(async () => {
  await t?.close();
  await deleteNodes(kc, nodes.map((n) => n.name));
  await deleteTestNamespace(kc, namespace);
  await rm(artifacts, { recursive: true, force: true });
});

describe('endpoints on Kubernetes through the API', () => {
  it('refuses a GPU product the cluster lacks', async () => {
    const driver = t.app.get<ClusterDriver>(CLUSTER_DRIVER);
    await eventually(async () => (driver.inventory().nodes.some((n) => n.name === nodes[0].name) ? true : undefined), 30_000, 'inventory has the nodes');
    const res = await send('POST', base, { name: 'nope', model: 'surrogate', version: 1, resources: { gpu: { count: 1, product: 'TPU-v9' } } });
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([expect.objectContaining({ field: 'resources.gpu.product' })]);
  });

  it('creates a Deployment and a Service that the deployment controller rolls out to Ready', async () => {
    const created = await send('POST', base, {
      name: 'inj',
      model: 'surrogate',
      version: 1,
      replicas: 2,
      resources: { cpu: '1', memory: '1Gi', gpu: { count: 1, product: PRODUCT } },
      progressDeadlineSeconds: 30,
    });
    expect(created.status).toBe(201);
    const e = await until('Complete', (x) => x.phase === 'Complete');
    expect(e).toMatchObject({ goodRevision: 1, observed: { readyReplicas: 2, rollout: 'Complete' }, ready: true });
    const d = await deployment();
    expect(d.spec!.strategy).toMatchObject({ type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } });
    expect(d.spec!.progressDeadlineSeconds).toBe(30);
    const container = d.spec!.template.spec!.containers[0];
    expect(container.readinessProbe?.httpGet?.path).toBe('/v2/health/ready');
    expect(container.livenessProbe?.httpGet?.path).toBe('/v2/health/live');
    expect(container.resources?.limits?.['nvidia.com/gpu']).toBe('1');
    expect(envOf(d).BEAMLINE_RUNTIME_MODEL).toMatch(/\/v1\/projects\/k8s\/models\/surrogate\/versions\/1$/);
    const service = await core.readNamespacedService({ namespace, name: name() });
    expect(service.spec!.selector).toMatchObject({ 'beamline.dev/endpoint': 'inj' });
  }, 90_000);

  it('updates to version 2 with a new ReplicaSet', async () => {
    expect((await send('PATCH', `${base}/inj`, { version: 2 })).status).toBe(200);
    await until('revision 2 Complete', (x) => x.phase === 'Complete' && x.goodRevision === 2);
    const sets = await replicaSets();
    expect(sets).toHaveLength(2);
    expect(sets.map((s) => s.spec!.replicas).sort()).toEqual([0, 2]);
  }, 90_000);

  it('rolls back by itself when the new revision crash-loops', async () => {
    expect((await send('PATCH', `${base}/inj`, { env: { KWOK_SIMULATE: 'crash-loop' } })).status).toBe(200);
    // Waits for everything asserted below about the endpoint; the reconciler writes these
    // fields in one update, so they are never seen half-changed. No bound on the time taken
    // here (habit 12); until() gives up after a minute.
    const e = await until('RolledBack', (x) => x.phase === 'RolledBack' && x.observed.rollout === 'Complete' && x.desiredRevision === 4 && x.goodRevision === 4, 60_000);
    expect(e).toMatchObject({ reason: expect.stringMatching(/CrashLoop|ProgressDeadlineExceeded/), modelVersion: 2, goodRevision: 4 });
    expect(envOf(await deployment()).KWOK_SIMULATE).toBeUndefined();
    // The rollback re-used revision 2's ReplicaSet: three in all (v1, v2, the crashing one).
    const sets = await replicaSets();
    expect(sets).toHaveLength(3);
    const revisions = (await send('GET', `${base}/inj/revisions`)).body.items;
    expect(revisions.slice(0, 2)).toMatchObject([
      { revision: 4, cause: 'AutomaticRollback', sourceRevision: 2, status: 'Complete' },
      { revision: 3, status: 'Failed' },
    ]);
    const events = await core.listNamespacedEvent({ namespace, fieldSelector: `involvedObject.name=${name()}` });
    const reasons = events.items.map((x) => x.reason);
    expect(reasons).toEqual(expect.arrayContaining(['RolloutStarted', 'RolloutComplete', 'RolloutFailed', 'RolledBack']));
  }, 90_000);

  it('deletes the Deployment, the Service and the endpoint', async () => {
    expect((await send('DELETE', `${base}/inj`)).status).toBe(202);
    await eventually(async () => ((await send('GET', `${base}/inj`)).status === 404 ? true : undefined), 30_000, 'endpoint gone');
    await eventually(async () => ((await apps.listNamespacedDeployment({ namespace, labelSelector: 'beamline.dev/endpoint=inj' })).items.length === 0 ? true : undefined), 30_000, 'deployment gone');
    expect((await core.listNamespacedService({ namespace, labelSelector: 'beamline.dev/endpoint=inj' })).items).toHaveLength(0);
  }, 60_000);
});
