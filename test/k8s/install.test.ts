import { spawn } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CoreV1Api, loadAllYaml, type KubeConfig, type KubernetesObject, type V1Container, type V1PodTemplateSpec } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { configSchema } from '../../src/common/config/config.schema.js';
import { K8S_BIN_DIR, REPO_ROOT } from '../helpers/k8s-cluster.js';
import { adminKubeConfig, uniqueSuffix, waitForObject } from '../helpers/k8s-namespace.js';
import { createGpuNodes, deleteNodes } from '../helpers/k8s-nodes.js';

// The kustomize install (deploy/base, deploy/overlays/*) on the real control plane, with
// the same kubectl a lab admin runs: rendered, accepted by a server-side dry run (schema,
// Pod Security admission of the namespaces' `restricted` level), applied for real with
// its pods scheduled onto KWOK nodes, and its service accounts' RBAC probed with
// `kubectl auth can-i --as`. This file alone uses the fixed namespaces `beamline` and
// `beamline-jobs` (every other k8s test makes uniquely named ones).
const s = uniqueSuffix();
const NODES = [`install-${s}-cpu-0`, `install-${s}-cpu-1`];
/** Volumes for the dev overlay's three claims (PostgreSQL, Redis, models): the test cluster has no provisioner. */
const VOLUMES = [0, 1, 2].map((i) => `install-${s}-pv-${i}`);
const PLATFORM = 'beamline';
const JOBS = 'beamline-jobs';
const CONTROLLER = `system:serviceaccount:${PLATFORM}:beamline-controller`;
const API = `system:serviceaccount:${PLATFORM}:beamline-api`;

let kc: KubeConfig;
let kubeconfig: string;
const rendered: Record<string, KubernetesObject[]> = {};
const renderedText: Record<string, string> = {};

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** The test cluster's kubectl with the admin kubeconfig; `input` goes to stdin. */
function kubectl(args: string[], input?: string): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(join(K8S_BIN_DIR, 'kubectl'), [`--kubeconfig=${kubeconfig}`, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(input ?? '');
  });
}

async function ok(args: string[], input?: string): Promise<string> {
  const r = await kubectl(args, input);
  if (r.code !== 0) throw new Error(`kubectl ${args.join(' ')} exited ${r.code}\n${r.stderr}`);
  return r.stdout;
}

const parse = (yaml: string) => loadAllYaml(yaml) as KubernetesObject[];
const ofKind = (objects: KubernetesObject[], kind: string) => objects.filter((o) => o.kind === kind);
const names = (objects: KubernetesObject[]) => objects.map((o) => o.metadata!.name!).sort();
type Workload = KubernetesObject & { spec: { template: V1PodTemplateSpec; replicas?: number } };
const workloads = (objects: KubernetesObject[]) => objects.filter((o) => o.kind === 'Deployment' || o.kind === 'StatefulSet') as Workload[];
const containersOf = (w: Workload): V1Container[] => [...(w.spec.template.spec!.initContainers ?? []), ...w.spec.template.spec!.containers];
const deployment = (objects: KubernetesObject[], name: string) => workloads(objects).find((w) => w.kind === 'Deployment' && w.metadata!.name === name)!;
const envValue = (c: V1Container, name: string) => c.env?.find((e) => e.name === name)?.value;

/**
 * `kubectl auth can-i` as a service account: exit 0 is yes, 1 is no. `pods/log` is passed as
 * `pods --subresource=log`: can-i reads `pods/log` as the pod named "log".
 */
async function can(user: string, verb: string, resource: string, namespace?: string): Promise<boolean> {
  const where = namespace === undefined ? [] : namespace === '*' ? ['--all-namespaces'] : ['-n', namespace];
  const [type, subresource] = resource.split('/');
  const sub = subresource ? [`--subresource=${subresource}`] : [];
  const r = await kubectl(['auth', 'can-i', verb, type, ...sub, ...where, `--as=${user}`]);
  if (r.code !== 0 && r.code !== 1) throw new Error(`kubectl auth can-i exited ${r.code}: ${r.stderr}`);
  return r.code === 0;
}

beforeAll(async () => {
  kc = adminKubeConfig();
  kubeconfig = inject('k8sKubeconfig');
  const core = kc.makeApiClient(CoreV1Api);
  const existing = (await core.listNamespace()).items.map((n) => n.metadata!.name);
  if (existing.includes(PLATFORM) || existing.includes(JOBS)) throw new Error(`namespace ${PLATFORM} or ${JOBS} exists already: another test must not use these names`);
  await createGpuNodes(kc, NODES.map((name) => ({ name, gpus: 0, cpu: '8', memory: '32Gi' })));
  for (const name of VOLUMES) {
    await core.createPersistentVolume({
      body: {
        metadata: { name, labels: { 'beamline.dev/test': 'install' } },
        spec: { capacity: { storage: '20Gi' }, accessModes: ['ReadWriteOnce'], persistentVolumeReclaimPolicy: 'Retain', hostPath: { path: `/tmp/${name}` } },
      },
    });
  }
  for (const overlay of ['dev', 'production']) {
    renderedText[overlay] = await ok(['kustomize', join(REPO_ROOT, 'deploy/overlays', overlay)]);
    rendered[overlay] = parse(renderedText[overlay]);
  }
});

afterAll(async () => {
  if (!kc) return;
  // Namespaces (and all in them) and the cluster-wide RBAC; then what the test made itself.
  await kubectl(['delete', '-k', join(REPO_ROOT, 'deploy/overlays/dev'), '--ignore-not-found', '--wait=false']);
  const core = kc.makeApiClient(CoreV1Api);
  await Promise.all(VOLUMES.map((name) => core.deletePersistentVolume({ name }).catch(() => undefined)));
  await deleteNodes(kc, NODES);
});

describe('kubectl kustomize deploy/overlays/*', () => {
  it('renders the whole platform in both overlays; only dev ships Secrets and datastores', () => {
    const [dev, prod] = [rendered.dev, rendered.production];
    for (const objects of [dev, prod]) {
      expect(names(ofKind(objects, 'Namespace'))).toEqual([PLATFORM, JOBS]);
      for (const ns of ofKind(objects, 'Namespace')) expect(ns.metadata!.labels).toMatchObject({ 'pod-security.kubernetes.io/enforce': 'restricted' });
      expect(names(ofKind(objects, 'ServiceAccount'))).toEqual(['beamline-api', 'beamline-controller']);
      expect(names(ofKind(objects, 'PodDisruptionBudget'))).toEqual(['beamline-api', 'beamline-controller']);
      expect(names(ofKind(objects, 'NetworkPolicy'))).toEqual(['beamline-endpoint-replicas', 'beamline-postgres', 'beamline-redis', 'beamline-training-jobs']);
      expect(ofKind(objects, 'Role').map((r) => `${r.metadata!.namespace}/${r.metadata!.name}`).sort()).toEqual([
        `${JOBS}/beamline-api-workloads`,
        `${JOBS}/beamline-controller-workloads`,
      ]);
      expect(deployment(objects, 'beamline-controller').spec.replicas).toBe(2);
    }
    expect(deployment(prod, 'beamline-api').spec.replicas).toBe(2);
    expect(deployment(dev, 'beamline-api').spec.replicas).toBe(1); // one pod owns the models volume
    expect(names(ofKind(dev, 'StatefulSet'))).toEqual(['beamline-postgres', 'beamline-redis']);
    expect(ofKind(prod, 'StatefulSet')).toEqual([]);
    expect(ofKind(prod, 'Secret')).toEqual([]); // production reads the admin's Secrets, never ships any
    expect(ofKind(dev, 'Secret').map((x) => x.metadata!.name!.replace(/-[a-z0-9]{10}$/, '')).sort()).toEqual(['beamline-admin', 'beamline-datastores', 'beamline-replica-secret']);
  });

  it('runs every role from the one image, and hands that image to endpoints and jobs', () => {
    for (const [overlay, pinned] of [
      ['dev', /^ghcr\.io\/beamline\/beamline:0\.1\.0$/],
      ['production', /^ghcr\.io\/beamline\/beamline@sha256:[0-9a-f]{64}$/],
    ] as const) {
      const platform = ['beamline-api', 'beamline-controller'].map((n) => deployment(rendered[overlay], n));
      const containers = platform.flatMap(containersOf);
      expect(containers.map((c) => c.args!.join(' ')).sort()).toEqual(['--role api', '--role controller', '--role migrate', '--role migrate']);
      for (const c of containers) expect(c.image, `${overlay} ${c.name}`).toMatch(pinned);
      for (const d of platform) expect(envValue(d.spec.template.spec!.containers[0], 'BEAMLINE_RUNTIME_IMAGE')).toBe(d.spec.template.spec!.containers[0].image);
    }
  });

  it('the production overlay carries the digest the admin sets into every image and BEAMLINE_RUNTIME_IMAGE', async () => {
    // What `kustomize edit set image beamline=<registry>/beamline@sha256:<digest>` writes.
    const dir = mkdtempSync(join(tmpdir(), 'beamline-deploy-'));
    try {
      cpSync(join(REPO_ROOT, 'deploy'), dir, { recursive: true });
      const file = join(dir, 'overlays/production/kustomization.yaml');
      const digest = `sha256:${'ab'.repeat(32)}`;
      const edited = readFileSync(file, 'utf8')
        .replace(/newName: \S+/, 'newName: registry.example.org/lab/beamline')
        .replace(/digest: sha256:[0-9a-f]{64}/, `digest: ${digest}`);
      writeFileSync(file, edited);
      const objects = parse(await ok(['kustomize', join(dir, 'overlays/production')]));
      const platform = ['beamline-api', 'beamline-controller'].map((n) => deployment(objects, n));
      const images = [...platform.flatMap(containersOf).map((c) => c.image), ...platform.map((d) => envValue(d.spec.template.spec!.containers[0], 'BEAMLINE_RUNTIME_IMAGE'))];
      expect(images).toHaveLength(6);
      expect(new Set(images)).toEqual(new Set([`registry.example.org/lab/beamline@${digest}`]));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('meets the restricted Pod Security Standard with a read-only root, and sets requests and limits, in every container', () => {
    for (const overlay of ['dev', 'production']) {
      for (const w of workloads(rendered[overlay])) {
        const pod = w.spec.template.spec!;
        expect(pod.securityContext, w.metadata!.name).toMatchObject({ runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } });
        expect(pod.securityContext!.runAsUser).toBeGreaterThan(0);
        for (const c of containersOf(w)) {
          const where = `${overlay} ${w.metadata!.name}/${c.name}`;
          expect(c.securityContext, where).toMatchObject({ allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } });
          expect(Object.keys(c.resources?.requests ?? {}).sort(), where).toEqual(['cpu', 'memory']);
          expect(Object.keys(c.resources?.limits ?? {}).sort(), where).toEqual(['cpu', 'memory']);
        }
      }
    }
  });

  it('sets only variables the server knows (an unknown BEAMLINE_* makes it exit 78)', () => {
    const known = new Set(Object.keys(configSchema.shape));
    for (const overlay of ['dev', 'production']) {
      const objects = rendered[overlay];
      const fromConfigMap = ofKind(objects, 'ConfigMap').flatMap((cm) => Object.keys((cm as { data?: Record<string, string> }).data ?? {}));
      const fromEnv = ['beamline-api', 'beamline-controller'].flatMap((n) => deployment(objects, n).spec.template.spec!.containers[0].env!.map((e) => e.name));
      const unknown = [...fromConfigMap, ...fromEnv].filter((n) => !known.has(n));
      expect(unknown, overlay).toEqual([]);
      expect(fromEnv).toEqual(expect.arrayContaining(['DATABASE_URL', 'REDIS_URL', 'BEAMLINE_REPLICA_SECRET', 'BEAMLINE_ADMIN_TOKEN', 'BEAMLINE_RUNTIME_IMAGE']));
    }
    const s3 = (objects: KubernetesObject[]) => deployment(objects, 'beamline-api').spec.template.spec!.containers[0].env!.filter((e) => e.name.startsWith('BEAMLINE_S3_'));
    expect(s3(rendered.production).map((e) => e.valueFrom?.secretKeyRef?.name)).toEqual(['beamline-s3', 'beamline-s3', 'beamline-s3', 'beamline-s3']);
    expect(s3(rendered.dev)).toEqual([]);
  });

  it("the dev overlay's settings and throwaway Secrets pass the server's own config validation", () => {
    const objects = rendered.dev;
    const secrets = new Map(ofKind(objects, 'Secret').map((x) => [x.metadata!.name!, (x as { data: Record<string, string> }).data]));
    const [cm] = ofKind(objects, 'ConfigMap') as (KubernetesObject & { data: Record<string, string> })[];
    for (const name of ['beamline-api', 'beamline-controller']) {
      const env: Record<string, string> = { ...cm.data };
      for (const e of deployment(objects, name).spec.template.spec!.containers[0].env!) {
        const ref = e.valueFrom?.secretKeyRef;
        env[e.name] = ref ? Buffer.from(secrets.get(ref.name!)![ref.key], 'base64').toString() : e.value!;
      }
      const parsed = configSchema.safeParse(env);
      expect(parsed.error?.issues ?? [], name).toEqual([]);
    }
  });
});

describe('on the real API server', () => {
  it('deploy/rbac applies alone on a fresh cluster (it brings its namespaces)', async () => {
    await ok(['apply', '-k', join(REPO_ROOT, 'deploy/rbac')]);
    const core = kc.makeApiClient(CoreV1Api);
    for (const name of [PLATFORM, JOBS]) {
      expect((await core.readNamespace({ name })).metadata!.labels).toMatchObject({ 'pod-security.kubernetes.io/enforce': 'restricted' });
    }
  });

  it.each(['dev', 'production'])('accepts every object of the %s overlay in a server-side dry run, without a Pod Security warning', async (overlay) => {
    const r = await kubectl(['apply', '--dry-run=server', '--validate=strict', '-f', '-'], renderedText[overlay]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines).toHaveLength(rendered[overlay].length);
    for (const line of lines) expect(line).toMatch(/ \(server dry run\)$/);
  });

  it('enforces the restricted level in its namespaces (so the dry runs above did check it)', async () => {
    const api = deployment(rendered.production, 'beamline-api').spec.template;
    const container = { ...api.spec!.containers[0], securityContext: undefined };
    const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'as-root', namespace: PLATFORM }, spec: { ...api.spec, initContainers: [], containers: [container], securityContext: undefined } };
    const r = await kubectl(['apply', '--dry-run=server', '-f', '-'], JSON.stringify(pod));
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/violates PodSecurity "restricted:latest"/);
  });

  it('applies the dev overlay; kube-scheduler places api, controller and datastores on KWOK nodes and they run', async () => {
    const r = await kubectl(['apply', '-k', join(REPO_ROOT, 'deploy/overlays/dev')]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    type Ready = { metadata: { name: string }; spec: { replicas: number }; status?: { readyReplicas?: number; updatedReplicas?: number } };
    const ready = (o: Ready) => (o.status?.readyReplicas ?? 0) === o.spec.replicas && (o.status?.updatedReplicas ?? 0) === o.spec.replicas;
    const until = (kind: string, name: string) =>
      waitForObject<Ready>(kc, `/apis/apps/v1/namespaces/${PLATFORM}/${kind}`, (o) => o.metadata.name === name && ready(o));
    await Promise.all([
      until('deployments', 'beamline-api'),
      until('deployments', 'beamline-controller'),
      until('statefulsets', 'beamline-postgres'),
      until('statefulsets', 'beamline-redis'),
    ]);
    const pods = (await kc.makeApiClient(CoreV1Api).listNamespacedPod({ namespace: PLATFORM })).items;
    const byRole = (p: (typeof pods)[number]) => p.metadata!.labels!['app.kubernetes.io/component'] ?? p.metadata!.labels!['app.kubernetes.io/name'];
    expect(pods.map(byRole).sort()).toEqual(['api', 'beamline-postgres', 'beamline-redis', 'controller', 'controller']);
    for (const p of pods) {
      expect(p.status!.phase, p.metadata!.name).toBe('Running');
      expect(NODES).toContain(p.spec!.nodeName);
    }
    // The migration ran first in each platform pod (KWOK reports the init container as completed).
    for (const p of pods.filter((x) => x.spec!.initContainers?.length)) expect(p.status!.initContainerStatuses![0].state!.terminated!.exitCode).toBe(0);
  });
});

describe('RBAC of the installed service accounts (kubectl auth can-i --as)', () => {
  it('the controller may do every call of the kubernetes drivers in the workload namespace', async () => {
    const allowed: [string, string, string?][] = [
      // Inventory informers and the bind-conflict check: every node and every pod, cluster-wide.
      ['get', 'nodes'],
      ['list', 'nodes'],
      ['watch', 'nodes'],
      ['list', 'pods', '*'],
      ['watch', 'pods', '*'],
      ['get', 'pods', JOBS],
      // Training (kubernetes-driver.ts).
      ['create', 'pods', JOBS],
      ['delete', 'pods', JOBS],
      ['deletecollection', 'pods', JOBS],
      ['create', 'pods/binding', JOBS],
      ['get', 'pods/log', JOBS],
      ['create', 'services', JOBS],
      ['deletecollection', 'services', JOBS],
      ['create', 'secrets', JOBS],
      // Serving (kubernetes-serving-driver.ts): informers, server-side apply, token Secrets, events.
      ['list', 'deployments.apps', JOBS],
      ['watch', 'deployments.apps', JOBS],
      ['create', 'deployments.apps', JOBS],
      ['patch', 'deployments.apps', JOBS],
      ['delete', 'deployments.apps', JOBS],
      ['list', 'replicasets.apps', JOBS],
      ['watch', 'replicasets.apps', JOBS],
      ['list', 'pods', JOBS],
      ['watch', 'pods', JOBS],
      ['patch', 'services', JOBS],
      ['delete', 'services', JOBS],
      ['delete', 'secrets', JOBS],
      ['create', 'events', JOBS],
    ];
    const denied: string[] = [];
    for (const [verb, resource, ns] of allowed) if (!(await can(CONTROLLER, verb, resource, ns))) denied.push(`${verb} ${resource} in ${ns ?? 'cluster'}`);
    expect(denied).toEqual([]);
  });

  it('the api may read worker logs in the workload namespace, and nothing the controller does', async () => {
    expect(await can(API, 'get', 'pods/log', JOBS)).toBe(true);
    const refused: [string, string, string?][] = [
      ['create', 'pods', JOBS],
      ['list', 'pods', JOBS],
      ['watch', 'nodes'],
      ['patch', 'deployments.apps', JOBS],
      ['create', 'secrets', JOBS],
      // In the cluster the infer proxy dials replicas directly (deploy/rbac/role.yaml).
      ['create', 'services/proxy', JOBS],
      ['get', 'pods/log', PLATFORM],
    ];
    const allowed: string[] = [];
    for (const [verb, resource, ns] of refused) if (await can(API, verb, resource, ns)) allowed.push(`${verb} ${resource} in ${ns ?? 'cluster'}`);
    expect(allowed).toEqual([]);
  });

  it('neither may read Secrets, write outside its two namespaces, create pods outside beamline-jobs, or edit namespaces', async () => {
    const refused: [string, string, string?][] = [
      ['list', 'secrets', '*'],
      ['get', 'secrets', PLATFORM], // the database, Redis and admin credentials
      ['list', 'secrets', PLATFORM],
      ['get', 'secrets', JOBS],
      ['list', 'secrets', JOBS],
      ['create', 'pods', PLATFORM],
      ['create', 'pods', 'default'],
      ['create', 'pods', 'kube-system'],
      ['create', 'pods/binding', 'default'],
      ['create', 'deployments.apps', PLATFORM],
      ['patch', 'deployments.apps', 'default'],
      ['create', 'services', 'default'],
      ['delete', 'pods', 'default'],
      ['create', 'secrets', 'default'],
      ['get', 'configmaps', 'default'],
      ['create', 'namespaces'],
      ['delete', 'namespaces'],
      ['patch', 'namespaces'],
      ['delete', 'nodes'],
      ['patch', 'nodes'],
      ['update', 'pods', JOBS],
      ['create', 'pods/exec', JOBS],
      ['patch', 'replicasets.apps', JOBS],
      ['create', 'rolebindings.rbac.authorization.k8s.io', JOBS],
      ['escalate', 'roles.rbac.authorization.k8s.io', JOBS],
    ];
    const allowed: string[] = [];
    for (const user of [CONTROLLER, API]) {
      for (const [verb, resource, ns] of refused) if (await can(user, verb, resource, ns)) allowed.push(`${user}: ${verb} ${resource} in ${ns ?? 'cluster'}`);
    }
    expect(allowed).toEqual([]);
  });
});
