import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { CoreV1Api, type V1Pod } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startS3, type TestS3 } from '../helpers/s3.js';
import { client, eventually, seedToken, startTestApp, type TestApp } from '../helpers/test-app.js';
import { createGpuNodes, deleteNodes } from '../helpers/k8s-nodes.js';
import { adminKubeConfig, createTestNamespace, deleteTestNamespace, uniqueSuffix } from '../helpers/k8s-namespace.js';

/**
 * Issue 15, item 2: an s3:// dataset version with the Kubernetes driver (real API server,
 * a KWOK node: pods do not run). The API fetches the prefix at registration (s3rver) into a
 * tar snapshot; the pod gets it as it gets an uploaded archive, from the API through the
 * init container with the attempt's token, so no S3 credential is anywhere in the pod.
 */
const suffix = uniqueSuffix();
const nodes = [{ name: `cpu-ds3-${suffix}`, product: `H100-ds3-${suffix}`, gpus: 1 }];
const kc = adminKubeConfig();
const core = kc.makeApiClient(CoreV1Api);
let namespace: string;
let s3: TestS3;
let t: TestApp;
let api: ReturnType<typeof client>;
let home: string;
const P = '/v1/projects/k8s-ds3';

beforeAll(async () => {
  namespace = await createTestNamespace(kc, 'ds3');
  await createGpuNodes(kc, nodes);
  process.env.KUBECONFIG = inject('k8sKubeconfig');
  s3 = await startS3();
  const raw = new S3Client({ endpoint: s3.endpoint, region: 'us-east-1', forcePathStyle: true, credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } });
  await raw.send(new CreateBucketCommand({ Bucket: 'lab-data' }));
  await raw.send(new PutObjectCommand({ Bucket: 'lab-data', Key: 'digits/train/x.csv', Body: 'a,b\n' }));
  raw.destroy();
  home = mkdtempSync(join(tmpdir(), 'beamline-k8s-ds3-'));
  t = await startTestApp({
    home,
    env: {
      ...s3.env('beamline-artifacts'),
      BEAMLINE_CLUSTER_DRIVER: 'kubernetes',
      BEAMLINE_PUBLIC_URL: 'http://beamline-api.beamline.svc:8080',
      BEAMLINE_K8S_NAMESPACE: namespace,
      BEAMLINE_SCHEDULER_INTERVAL_MS: '300',
      BEAMLINE_DATASET_FETCH_IMAGE: 'registry.lab/curl:8',
    },
  });
  api = client(t.url, await seedToken(t.app, 'MEMBER', ['k8s-ds3']));
});
afterAll(async () => {
  await t?.close();
  await s3?.stop();
  await deleteNodes(kc, nodes.map((n) => n.name));
  await deleteTestNamespace(kc, namespace);
  rmSync(home, { recursive: true, force: true });
});

describe('an s3:// dataset on Kubernetes', () => {
  it('is a snapshot that the init container fetches from the API, with no S3 credential in the pod', async () => {
    expect((await api.post(`${P}/datasets`, { name: 'digits' })).status).toBe(201);
    const version = await api.post(`${P}/datasets/digits/versions`, { uri: 's3://lab-data/digits' });
    expect(version.status, version.text).toBe(201);
    expect(version.body).toMatchObject({ kind: 's3', sizeBytes: 4, fileCount: 1, digest: expect.stringMatching(/^[0-9a-f]{64}$/) });
    const submitted = await api.post(`${P}/training-jobs`, {
      name: 'reads-s3',
      image: 'ghcr.io/lab/train:1.0',
      command: ['python', 'train.py'],
      resources: { cpu: '1', memory: '1Gi' },
      volumes: [{ name: 'digits', mountPath: '/data/digits', dataset: { name: 'digits', version: 1 } }],
    });
    expect(submitted.status, submitted.text).toBe(201);
    const pod = await eventually(async () => {
      const list = await core.listNamespacedPod({ namespace, labelSelector: `beamline.dev/training-job=${submitted.body.id}` });
      return list.items[0] as V1Pod | undefined;
    }, 30_000, 'the pod');
    expect(pod.spec!.volumes).toEqual(expect.arrayContaining([{ name: 'v-digits', emptyDir: {} }]));
    expect(pod.spec!.containers[0].volumeMounts).toEqual(expect.arrayContaining([{ name: 'v-digits', mountPath: '/data/digits', readOnly: true }]));
    const [init] = pod.spec!.initContainers!;
    expect(init).toMatchObject({ name: 'dataset-digits', image: 'registry.lab/curl:8' });
    expect(init.env).toEqual(expect.arrayContaining([{ name: 'DATASET_SHA256', value: version.body.archive.sha256 }]));
    const everything = JSON.stringify(pod.spec);
    for (const secret of ['S3RVER', 'AWS_', s3.endpoint]) expect(everything).not.toContain(secret);
    await api.post(`${P}/training-jobs/${submitted.body.id}/cancel`);
  });
});
