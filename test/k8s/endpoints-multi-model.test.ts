import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AppsV1Api, CoreV1Api, type V1Container } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { endpointObjectName } from '../../src/cluster/kubernetes/serving/serving-names.js';
import { linearModel } from '../helpers/onnx.js';
import { registry } from '../helpers/onnx-registry.js';
import { adminKubeConfig, createTestNamespace, deleteTestNamespace, uniqueSuffix } from '../helpers/k8s-namespace.js';
import { createGpuNodes, deleteNodes } from '../helpers/k8s-nodes.js';
import { client, eventually, seedToken, startTestApp, type TestApp } from '../helpers/test-app.js';

/**
 * A multi-model endpoint through the whole platform on the real control plane: the API
 * resolves the list, the endpoint controller applies it through the kubernetes serving
 * driver, and the real deployment controller and kube-scheduler put its pods on a KWOK
 * node. What is asserted is what a replica is given: every model's registry URL and the
 * memory budget in its env (the runtime downloads each as a single-model pod does), and
 * the resources the budget was checked against.
 */
const suffix = uniqueSuffix();
const nodes = [{ name: `mm-${suffix}`, gpus: 0 }];
const kc = adminKubeConfig();
const apps = kc.makeApiClient(AppsV1Api);
const core = kc.makeApiClient(CoreV1Api);
const PUBLIC = 'http://beamline-api.beamline.svc:8080';
const models = '/v1/projects/mm/models';
const base = '/v1/projects/mm/endpoints';
let namespace: string;
let artifacts: string;
let t: TestApp;
let token: string;

const send = (method: string, path: string, body?: unknown) => client(t.url, token).send(method, path, body);
const envOf = (c: V1Container) => Object.fromEntries((c.env ?? []).map((e) => [e.name, e.value ?? e.valueFrom]));
const versionUrl = (model: string, version: number) => `${PUBLIC}/v1/projects/mm/models/${model}/versions/${version}`;
const until = (what: string, ok: (e: { phase: string; desiredRevision: number; observed: { rollout?: string; readyReplicas?: number } }) => boolean) =>
  eventually(async () => {
    const e = (await send('GET', `${base}/pool`)).body;
    return ok(e) ? e : undefined;
  }, 60_000, what);

beforeAll(async () => {
  namespace = await createTestNamespace(kc, 'mm');
  await createGpuNodes(kc, nodes);
  process.env.KUBECONFIG = inject('k8sKubeconfig');
  artifacts = await mkdtemp(join(tmpdir(), 'beamline-k8s-mm-'));
  t = await startTestApp({
    env: { BEAMLINE_CLUSTER_DRIVER: 'kubernetes', BEAMLINE_PUBLIC_URL: PUBLIC, BEAMLINE_K8S_NAMESPACE: namespace, BEAMLINE_SCHEDULER_INTERVAL_MS: '300', BEAMLINE_ARTIFACT_DIR: artifacts },
  });
  token = await seedToken(t.app, 'MEMBER', ['mm']);
  const reg = registry(t.url, token);
  for (const name of ['alpha', 'beta', 'gamma']) {
    expect((await send('POST', models, { name })).status).toBe(201);
    for (const n of [1, 2]) expect((await reg.multipart(`${models}/${name}/versions`, linearModel([[n]], [name.length]))).status).toBe(201);
  }
}, 60_000);

afterAll(async () => {
  await t?.close();
  await deleteNodes(kc, nodes.map((n) => n.name));
  await deleteTestNamespace(kc, namespace);
  await rm(artifacts, { recursive: true, force: true });
});

describe('a multi-model endpoint on Kubernetes', () => {
  it('gives every replica the whole list as registry URLs and the memory budget', async () => {
    const created = await send('POST', base, {
      name: 'pool',
      models: [
        { model: 'alpha', version: 1 },
        { model: 'beta', version: 2 },
      ],
      memoryBudget: '768Mi',
      replicas: 2,
      resources: { cpu: '500m', memory: '1Gi' },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const e = await until('pool Complete', (x) => x.phase === 'Complete' && x.observed.readyReplicas === 2);
    expect(e).toMatchObject({ models: [{ model: 'alpha', version: 1 }, { model: 'beta', version: 2 }], memoryBudget: '768Mi' });

    const d = await apps.readNamespacedDeployment({ namespace, name: endpointObjectName({ project: 'mm', name: 'pool' }) });
    const container = d.spec!.template.spec!.containers[0];
    const env = envOf(container);
    expect(JSON.parse(env.BEAMLINE_RUNTIME_MODELS as string)).toEqual([
      { name: 'alpha', version: '1', model: versionUrl('alpha', 1) },
      { name: 'beta', version: '2', model: versionUrl('beta', 2) },
    ]);
    expect(env.BEAMLINE_RUNTIME_MEMORY_BUDGET).toBe('768Mi');
    // Not the single-model variables: the runtime refuses --model with --models.
    expect(env).not.toHaveProperty('BEAMLINE_RUNTIME_MODEL');
    expect(env).not.toHaveProperty('BEAMLINE_RUNTIME_NAME');
    // The registry token every model is downloaded with, and the replica token, from Secrets.
    expect(env.BEAMLINE_RUNTIME_TOKEN).toMatchObject({ secretKeyRef: { key: 'token' } });
    // The API server writes 1024Mi back as 1Gi.
    expect(container.resources).toEqual({ requests: { cpu: '500m', memory: '1Gi' }, limits: { cpu: '500m', memory: '1Gi' } });
    expect(container.readinessProbe?.httpGet?.path).toBe('/v2/health/ready');

    const pods = (await core.listNamespacedPod({ namespace, labelSelector: 'beamline.dev/endpoint=pool' })).items.filter((p) => !p.metadata?.deletionTimestamp);
    expect(pods).toHaveLength(2);
    for (const pod of pods) {
      expect(pod.spec!.nodeName).toBe(nodes[0].name);
      expect(envOf(pod.spec!.containers[0]).BEAMLINE_RUNTIME_MODELS).toBe(env.BEAMLINE_RUNTIME_MODELS);
    }
  }, 90_000);

  it('rolls a changed list out as a new ReplicaSet', async () => {
    const patched = await send('PATCH', `${base}/pool`, { models: [{ model: 'gamma', version: 1 }, { model: 'alpha', version: 2 }, { model: 'beta', version: 2 }] });
    expect(patched.status, JSON.stringify(patched.body)).toBe(200);
    await until('revision 2 Complete', (x) => x.phase === 'Complete' && x.desiredRevision === 2 && x.observed.rollout === 'Complete');
    const d = await apps.readNamespacedDeployment({ namespace, name: endpointObjectName({ project: 'mm', name: 'pool' }) });
    const models = JSON.parse(envOf(d.spec!.template.spec!.containers[0]).BEAMLINE_RUNTIME_MODELS as string) as Array<{ name: string; version: string }>;
    expect(models.map((m) => `${m.name}:${m.version}`)).toEqual(['gamma:1', 'alpha:2', 'beta:2']);
    const sets = (await apps.listNamespacedReplicaSet({ namespace, labelSelector: 'beamline.dev/endpoint=pool' })).items;
    expect(sets).toHaveLength(2);
  }, 90_000);
});
