import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { CoreV1Api, type V1Pod } from '@kubernetes/client-node';
import { pack, type Header } from 'tar-stream';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { client, eventually, seedToken, startTestApp, type TestApp } from '../helpers/test-app.js';
import { createGpuNodes, deleteNodes } from '../helpers/k8s-nodes.js';
import { adminKubeConfig, createTestNamespace, deleteTestNamespace, uniqueSuffix } from '../helpers/k8s-namespace.js';

/**
 * Issue 15, item 2 on the real API server with a KWOK node (pods do not run): a dataset in
 * a claim is the PVC read-only at its subPath; an uploaded one an emptyDir that an init
 * container fills from the API with the job's token, mounted read-only; the attempt's read
 * is recorded as lineage. The API cannot read inside a PVC, so that version has no digest.
 */
const suffix = uniqueSuffix();
const nodes = [{ name: `cpu-ds-${suffix}`, product: `H100-ds-${suffix}`, gpus: 1 }];
const kc = adminKubeConfig();
const core = kc.makeApiClient(CoreV1Api);
let namespace: string;
let t: TestApp;
let token: string;
let api: ReturnType<typeof client>;
let home: string;
const P = '/v1/projects/k8s-ds';

beforeAll(async () => {
  namespace = await createTestNamespace(kc, 'ds');
  await createGpuNodes(kc, nodes);
  process.env.KUBECONFIG = inject('k8sKubeconfig');
  home = mkdtempSync(join(tmpdir(), 'beamline-k8s-ds-'));
  t = await startTestApp({
    home,
    env: {
      BEAMLINE_CLUSTER_DRIVER: 'kubernetes',
      BEAMLINE_PUBLIC_URL: 'http://beamline-api.beamline.svc:8080',
      BEAMLINE_K8S_NAMESPACE: namespace,
      BEAMLINE_SCHEDULER_INTERVAL_MS: '300',
      BEAMLINE_DATASET_FETCH_IMAGE: 'registry.lab/curl:8',
    },
  });
  token = await seedToken(t.app, 'MEMBER', ['k8s-ds']);
  api = client(t.url, token);
});
afterAll(async () => {
  await t?.close();
  await deleteNodes(kc, nodes.map((n) => n.name));
  await deleteTestNamespace(kc, namespace);
  rmSync(home, { recursive: true, force: true });
});

async function archive(): Promise<Buffer> {
  const p = pack();
  p.entry({ name: 'train/x.csv', type: 'file' } as Header, 'a,b\n');
  p.finalize();
  const chunks: Buffer[] = [];
  for await (const c of p) chunks.push(c as Buffer);
  return gzipSync(Buffer.concat(chunks));
}

describe('datasets on Kubernetes', () => {
  it('mounts a claim dataset at its subPath and an uploaded one through an init container, both read-only, and records the read', async () => {
    await core.createNamespacedPersistentVolumeClaim({
      namespace,
      body: { metadata: { name: 'lab-data' }, spec: { accessModes: ['ReadOnlyMany'], resources: { requests: { storage: '1Gi' } } } },
    });
    for (const name of ['images', 'digits']) expect((await api.post(`${P}/datasets`, { name })).status).toBe(201);
    const pvc = await api.post(`${P}/datasets/images/versions`, { uri: 'pvc://lab-data/images/2026' });
    expect(pvc.status, pvc.text).toBe(201);
    expect(pvc.body).toMatchObject({ kind: 'pvc', sizeBytes: null, digest: null, digestNote: expect.stringContaining('does not read inside a PersistentVolumeClaim') });
    const missing = await api.post(`${P}/datasets/images/versions`, { uri: 'pvc://missing/x' });
    expect(missing.status).toBe(400);
    expect(missing.body.errors[0]).toMatchObject({ field: 'uri', message: expect.stringContaining("no claim 'missing'") });
    const form = new FormData();
    form.append('file', new Blob([await archive()]), 'digits.tar.gz');
    const uploaded = await fetch(`${t.url}${P}/datasets/digits/versions`, { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: form });
    const digits = (await uploaded.json()) as { archive: { sha256: string } };
    expect(uploaded.status, JSON.stringify(digits)).toBe(201);

    const submitted = await api.post(`${P}/training-jobs`, {
      name: 'reads-data',
      image: 'ghcr.io/lab/train:1.0',
      command: ['python', 'train.py'],
      resources: { cpu: '1', memory: '1Gi' },
      volumes: [
        { name: 'images', mountPath: '/data/images', dataset: { name: 'images', version: 1 } },
        { name: 'digits', mountPath: '/data/digits', dataset: { name: 'digits', version: 1 } },
      ],
    });
    expect(submitted.status, submitted.text).toBe(201);
    const id = submitted.body.id;
    const pod = await eventually(async () => {
      const list = await core.listNamespacedPod({ namespace, labelSelector: `beamline.dev/training-job=${id}` });
      return list.items[0] as V1Pod | undefined;
    }, 30_000, 'the pod');
    expect(pod.spec!.volumes).toEqual(
      expect.arrayContaining([
        { name: 'v-images', persistentVolumeClaim: { claimName: 'lab-data', readOnly: true } },
        { name: 'v-digits', emptyDir: {} },
      ]),
    );
    expect(pod.spec!.containers[0].volumeMounts).toEqual(
      expect.arrayContaining([
        { name: 'v-images', mountPath: '/data/images', subPath: 'images/2026', readOnly: true },
        { name: 'v-digits', mountPath: '/data/digits', readOnly: true },
      ]),
    );
    const [init] = pod.spec!.initContainers!;
    expect(init).toMatchObject({ name: 'dataset-digits', image: 'registry.lab/curl:8', volumeMounts: [{ name: 'v-digits', mountPath: '/dataset' }] });
    expect(init.env).toEqual(
      expect.arrayContaining([
        { name: 'BEAMLINE_URL', value: 'http://beamline-api.beamline.svc:8080' },
        { name: 'DATASET_SHA256', value: digits.archive.sha256 },
        { name: 'BEAMLINE_TOKEN', valueFrom: { secretKeyRef: { name: expect.any(String), key: 'BEAMLINE_TOKEN' } } },
      ]),
    );
    // The init container's token is the attempt's Secret, the same one the worker gets.
    const workerToken = pod.spec!.containers[0].env!.find((e) => e.name === 'BEAMLINE_TOKEN');
    expect(init.env!.find((e) => e.name === 'BEAMLINE_TOKEN')!.valueFrom).toEqual(workerToken!.valueFrom);

    const version = (await api.get(`${P}/datasets/digits/versions/1`)).body;
    expect(version.usedBy).toEqual([{ trainingJob: expect.objectContaining({ id, name: 'reads-data' }), attempts: [0] }]);
    expect((await api.get(`${P}/training-jobs/${id}`)).body.datasets.map((d: { dataset: string }) => d.dataset)).toEqual(['images', 'digits']);
    await api.post(`${P}/training-jobs/${id}/cancel`);
  });
});
