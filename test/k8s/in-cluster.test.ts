import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { copyFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import { networkInterfaces, tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { AuthenticationV1Api, CoreV1Api, KubernetesObjectApi, PatchStrategy, setHeaderOptions, type KubeConfig, type KubernetesObject } from '@kubernetes/client-node';
import type { Request, Response } from 'express';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { freePort } from '../../src/common/embedded/free-port.js';
import type { ClusterDriver } from '../../src/cluster/cluster-driver.js';
import { clusterDriverProvider, servingDriverProvider } from '../../src/cluster/cluster.providers.js';
import { kubeEnv, loadKubeConfig } from '../../src/cluster/kubernetes/kube-config.js';
import { ApiServerProxyAccess } from '../../src/cluster/kubernetes/serving/api-server-proxy.js';
import type { ServingDriver } from '../../src/cluster/serving-driver.js';
import { workloadSpec } from '../../src/cluster/testing/workload-spec.js';
import { loadConfig } from '../../src/common/config/config.js';
import type { AppConfig } from '../../src/common/config/config.schema.js';
import { AppError, ErrorCode } from '../../src/common/errors/app-error.js';
import { isAlive } from '../../src/common/process-alive.js';
import { EndpointProxy } from '../../src/serving/endpoints/endpoint-proxy.js';
import type { EndpointRouter, Route } from '../../src/serving/endpoints/endpoint-router.js';
import type { EndpointsMetrics } from '../../src/serving/endpoints/endpoints.metrics.js';
import type { ReplicaTokens } from '../../src/serving/endpoints/replica-tokens.js';
import { loadRuntimeConfig } from '../../src/serving/runtime/runtime.config.js';
import { startRuntime, type RunningRuntime } from '../../src/serving/runtime/runtime.js';
import { REPO_ROOT } from '../helpers/k8s-cluster.js';
import { adminKubeConfig, createTestNamespace, deleteTestNamespace, uniqueSuffix, untilDriver } from '../helpers/k8s-namespace.js';
import { createGpuNodes, deleteNodes } from '../helpers/k8s-nodes.js';
import { deployRbacObjects, impersonating } from '../helpers/k8s-rbac.js';
import { linearModel } from '../helpers/onnx.js';
import { writeModel } from '../helpers/runtime.js';
import { eventually, migratedDatabase } from '../helpers/test-app.js';

// Issue 13, item 3: the platform inside the cluster (service-account token file, CA file,
// KUBERNETES_SERVICE_HOST/PORT) and the infer proxy outside it (the API server's service
// proxy), both against the real kube-apiserver. The service account is deploy/rbac's
// `beamline-controller`, with a token from the TokenRequest API, as the kubelet mounts it.
const s = uniqueSuffix();
const SA = 'beamline-controller';
const NODE = `incl-${s}-gpu`;
let admin: KubeConfig;
let ns: string;
let other: string;
let saDir: string;
let inCluster: Record<string, string>;
const applied: KubernetesObject[] = [];
const savedKubeconfig = process.env.KUBECONFIG;

beforeAll(async () => {
  delete process.env.KUBECONFIG; // the loader must find the in-cluster environment alone
  admin = adminKubeConfig();
  [ns, other] = await Promise.all([createTestNamespace(admin, 'incl'), createTestNamespace(admin, 'incl-other')]);
  const objects = admin.makeApiClient(KubernetesObjectApi);
  // One namespace plays both of deploy/rbac's: the platform's (the service account) and the workloads'.
  for (const o of deployRbacObjects(ns, ns, s)) applied.push(await objects.create(o));
  await createGpuNodes(admin, [{ name: NODE, gpus: 2 }]);

  // What the kubelet mounts: a bound token (TokenRequest) and the cluster CA.
  const request = await admin.makeApiClient(CoreV1Api).createNamespacedServiceAccountToken({
    name: SA,
    namespace: ns,
    body: { spec: { audiences: ['https://kubernetes.default.svc'], expirationSeconds: 3600 } },
  });
  saDir = mkdtempSync(join(tmpdir(), 'incl-sa-'));
  writeFileSync(join(saDir, 'token'), request.status!.token);
  copyFileSync(inject('k8sCaFile'), join(saDir, 'ca.crt'));
  writeFileSync(join(saDir, 'namespace'), ns);
  inCluster = { KUBERNETES_SERVICE_HOST: '127.0.0.1', KUBERNETES_SERVICE_PORT: new URL(inject('k8sServer')).port, BEAMLINE_K8S_SERVICE_ACCOUNT_DIR: saDir };
});

afterAll(async () => {
  if (savedKubeconfig !== undefined) process.env.KUBECONFIG = savedKubeconfig;
  const objects = admin.makeApiClient(KubernetesObjectApi);
  for (const o of applied) if (!o.metadata?.namespace) await objects.delete(o).catch(() => undefined);
  await deleteNodes(admin, [NODE]);
  await Promise.all([deleteTestNamespace(admin, ns), deleteTestNamespace(admin, other)]);
});

const configFor = (extra: Record<string, string> = {}): AppConfig =>
  loadConfig({ BEAMLINE_CLUSTER_DRIVER: 'kubernetes', BEAMLINE_K8S_NAMESPACE: ns, BEAMLINE_HOME: mkdtempSync(join(tmpdir(), 'incl-home-')), ...inCluster, ...extra });
const factory = <T>(p: unknown) => (p as { useFactory: (c: AppConfig) => Promise<T> }).useFactory;

describe('in the cluster: the service account from the token file', () => {
  it('the drivers the providers build run as the service account: inventory, a workload, the serving informers; nothing outside its namespace', async () => {
    const config = configFor();
    const { kc, source } = loadKubeConfig(kubeEnv(config));
    expect(source).toBe('in-cluster');
    const review = await kc.makeApiClient(AuthenticationV1Api).createSelfSubjectReview({ body: {} });
    expect(review.status!.userInfo!.username).toBe(`system:serviceaccount:${ns}:${SA}`);

    const driver = await factory<ClusterDriver>(clusterDriverProvider)(config);
    const serving = await factory<ServingDriver>(servingDriverProvider)(config);
    await Promise.all([driver.start(), serving.start()]);
    try {
      await untilDriver(driver, () => driver.inventory().nodes.some((n) => n.name === NODE));
      const spec = workloadSpec({ jobId: `incl-${s}`, gpuCount: 1, workers: [{ node: NODE, gpuIndexes: [0] }] });
      await driver.createWorkload(spec);
      const running = await untilDriver(driver, () => driver.workloads().find((w) => w.jobId === spec.jobId && w.workers[0]?.phase === 'Running'));
      expect(running.workers[0].node).toBe(NODE);
      expect(serving.observe()).toEqual([]);
      await driver.deleteWorkload(spec.jobId);
    } finally {
      await Promise.all([driver.stop(), serving.stop()]);
    }
    // The same credentials cannot create pods in another namespace.
    const denied = await kc
      .makeApiClient(CoreV1Api)
      .createNamespacedPod({ namespace: other, body: { metadata: { name: 'x' }, spec: { containers: [{ name: 'x', image: 'x' }] } } })
      .catch((e: { code?: number }) => e);
    expect((denied as { code?: number }).code).toBe(403);
  });
});

describe('in the cluster: the built platform (node dist/src/main.js), as the image runs it', () => {
  const children: ChildProcess[] = [];
  let base: Record<string, string>;
  beforeAll(async () => {
    const built = spawnSync(process.execPath, ['scripts/build.mjs'], { cwd: REPO_ROOT, stdio: ['ignore', 'inherit', 'inherit'], timeout: 540_000 });
    if (built.status !== 0) throw new Error(`scripts/build.mjs failed with ${built.status ?? built.signal}`);
    const env: Record<string, string> = {};
    for (const [k, v] of Object.entries(process.env)) if (v !== undefined && k !== 'KUBECONFIG' && !k.startsWith('BEAMLINE_')) env[k] = v;
    base = {
      ...env,
      ...inCluster,
      DATABASE_URL: await migratedDatabase(),
      REDIS_URL: inject('redisUrl'),
      BEAMLINE_QUEUE_PREFIX: `incl-${s}`,
      BEAMLINE_REPLICA_SECRET: randomBytes(32).toString('hex'),
      BEAMLINE_CLUSTER_DRIVER: 'kubernetes',
      BEAMLINE_K8S_NAMESPACE: ns,
      BEAMLINE_BOOTSTRAP: 'off',
      BEAMLINE_LOG_LEVEL: 'info',
    };
  }, 600_000);
  afterAll(() => {
    for (const c of children) if (c.pid && isAlive(c.pid)) c.kill('SIGKILL');
  });

  function run(role: string, env: Record<string, string>) {
    const child = spawn(process.execPath, ['dist/src/main.js', '--role', role], { cwd: REPO_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    children.push(child);
    let out = '';
    let err = '';
    child.stdout!.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr!.on('data', (c: Buffer) => (err += c.toString()));
    const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
    return { child, out: () => out, err: () => err, exited };
  }

  it('controller and api boot with in-cluster credentials, and the api reaches replicas directly', async () => {
    const procs = await Promise.all(
      ['controller', 'api'].map(async (role) => {
        const port = await freePort();
        return { role, port, ...run(role, { ...base, BEAMLINE_PORT: String(port), BEAMLINE_HOME: mkdtempSync(join(tmpdir(), `incl-${role}-`)) }) };
      }),
    );
    for (const p of procs) {
      await eventually(
        async () => {
          if (p.child.exitCode !== null) throw new Error(`${p.role} exited with ${p.child.exitCode}:\n${p.out()}\n${p.err()}`);
          return (await fetch(`http://127.0.0.1:${p.port}/readyz`).catch(() => undefined))?.status === 200;
        },
        90_000,
        `${p.role} ready`,
      );
      expect(p.out()).toContain(`Kubernetes credentials: in-cluster service account (${saDir})`);
    }
    const api = procs.find((p) => p.role === 'api')!;
    expect(api.out()).toMatch(/infer proxy reaches replicas directly .*auto: in the cluster/);
    for (const p of procs) p.child.kill('SIGTERM');
    expect(await Promise.all(procs.map((p) => p.exited))).toEqual([0, 0]);
  });

  it('a half in-cluster environment (no token file) exits 78 with one line naming it', async () => {
    const half = mkdtempSync(join(tmpdir(), 'incl-half-'));
    copyFileSync(join(saDir, 'ca.crt'), join(half, 'ca.crt'));
    const p = run('controller', { ...base, BEAMLINE_K8S_SERVICE_ACCOUNT_DIR: half, BEAMLINE_PORT: String(await freePort()), BEAMLINE_HOME: half });
    expect(await p.exited).toBe(78);
    expect(p.err()).toContain(`BEAMLINE_K8S_SERVICE_ACCOUNT_DIR: KUBERNETES_SERVICE_HOST is set (in-cluster) but the service-account token ${join(half, 'token')} is missing`);
    expect(p.err().trim().split('\n')).toHaveLength(1);
    expect(p.out()).toBe(''); // checked before Nest starts: no provider's stack trace on stdout
  });
});

/** This machine's first non-loopback IPv4 address: the API server refuses to proxy to loopback. */
function externalIPv4(): string | undefined {
  return Object.values(networkInterfaces())
    .flat()
    .find((a) => a && a.family === 'IPv4' && !a.internal)?.address;
}
const IP = externalIPv4();

describe.skipIf(!IP)(`outside the cluster: the infer proxy through the API server's service proxy (replica at ${IP ?? 'none: no non-loopback IPv4 address, skipped'})`, () => {
  const TOKEN = 'replica-token-of-the-doubler';
  let runtime: RunningRuntime;
  const svc = `ep-incl-${s}`;
  const empty = `ep-incl-${s}-empty`;
  const HOST_NODE = `incl-${s}-host`;
  const POD = `replica-${s}`;

  beforeAll(async () => {
    const config = loadRuntimeConfig(['--port', '0', '--host', IP!, '--drain-seconds', '0', '--model', await writeModel(linearModel([[2]], [1])), '--name', 'doubler', '--replica-token', TOKEN], {});
    runtime = await startRuntime(config, pino({ level: 'silent' }));
    await runtime.loaded;
    const port = Number(new URL(runtime.url).port);
    // The replica is this process, at IP:port. The API server proxies only to an endpoint
    // address that is a Pod with that IP: a Pod on a Node no kubelet (nor KWOK) manages,
    // whose status says so, and a selector-less Service with its Endpoints by hand.
    const core = admin.makeApiClient(CoreV1Api);
    await core.createNode({ body: { metadata: { name: HOST_NODE } } });
    await core.createNamespacedPod({ namespace: ns, body: { metadata: { name: POD }, spec: { nodeName: HOST_NODE, containers: [{ name: 'runtime', image: 'beamline:test' }] } } });
    await core.patchNamespacedPodStatus(
      { namespace: ns, name: POD, body: { status: { phase: 'Running', podIP: IP, podIPs: [{ ip: IP! }] } } },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    );
    const address = { ip: IP!, targetRef: { kind: 'Pod', namespace: ns, name: POD } };
    for (const [name, ready] of [
      [svc, true],
      [empty, false],
    ] as const) {
      await core.createNamespacedService({ namespace: ns, body: { metadata: { name }, spec: { ports: [{ name: 'http', port: 8080, targetPort: port, protocol: 'TCP' }] } } });
      const subset = { ...(ready ? { addresses: [address] } : { notReadyAddresses: [address] }), ports: [{ name: 'http', port, protocol: 'TCP' }] };
      await core.createNamespacedEndpoints({ namespace: ns, body: { metadata: { name }, subsets: [subset] } });
    }
  });
  afterAll(async () => {
    await runtime?.shutdown('test done');
    await deleteNodes(admin, [HOST_NODE]);
  });

  /** The API's proxy with strict fakes around it (one route, the replica token) and the api-proxy access. */
  function proxyThrough(kc: KubeConfig, service: string, token = TOKEN): EndpointProxy {
    const route: Route = { endpointId: 'e1', modelName: 'doubler', upstreams: [`http://${service}.${ns}.svc:8080`] };
    const router = { route: async () => route, pick: (r: Route, skip: Set<string>) => r.upstreams.find((u) => !skip.has(u)), invalidate: () => undefined } as unknown as EndpointRouter;
    const metrics = { proxyRequests: { inc: () => undefined }, proxyDuration: { observe: () => undefined } } as unknown as EndpointsMetrics;
    const tokens = { forEndpoint: async () => token } as unknown as ReplicaTokens;
    const proxy = new EndpointProxy({ BEAMLINE_BODY_LIMIT: 1024 * 1024 } as AppConfig, router, metrics, tokens);
    proxy.access = new ApiServerProxyAccess(kc);
    proxy.waitMs = 1500;
    return proxy;
  }
  async function infer(proxy: EndpointProxy, x: number): Promise<{ status: number; body: string }> {
    const req = Object.assign(new PassThrough(), { method: 'POST', originalUrl: '/v1/projects/p/endpoints/e/infer', headers: { 'content-type': 'application/json' } });
    req.end(JSON.stringify({ inputs: [{ name: 'x', shape: [1, 1], datatype: 'FP32', data: [x] }] }));
    const res = Object.assign(new PassThrough(), {
      statusCode: 0,
      status(code: number) {
        res.statusCode = code;
        return res;
      },
      setHeader: () => undefined,
    });
    await proxy.forward({ id: 'p', name: 'p' } as never, 'e', undefined, req as unknown as Request, res as unknown as Response);
    let body = '';
    for await (const c of res) body += String(c);
    return { status: res.statusCode, body };
  }
  const unavailable = (reason: RegExp) => expect.objectContaining({ code: ErrorCode.Unavailable, message: expect.stringMatching(reason) });

  it("a V2 infer request reaches the replica through the API server and returns the model's output", async () => {
    const got = await eventually(async () => infer(proxyThrough(admin, svc), 3).catch(() => undefined), 30_000, 'the service proxy to answer');
    expect(got.status).toBe(200);
    expect(JSON.parse(got.body).outputs[0]).toMatchObject({ name: 'y', datatype: 'FP32', shape: [1, 1], data: [7] });
  });

  it('the replica token reaches the replica (a wrong one is refused by the replica, a 503 that says so)', async () => {
    const error = await infer(proxyThrough(admin, svc, 'not-the-replica-token'), 3).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AppError);
    expect(error).toEqual(unavailable(/refused the platform's replica token/));
  });

  it('a Service with no ready endpoint is a 503 naming the reason', async () => {
    const error = await infer(proxyThrough(admin, empty), 3).catch((e: unknown) => e);
    expect(error).toEqual(unavailable(new RegExp(`has no ready replica .*${empty}.*the Kubernetes API server could not reach a replica \\(503 ServiceUnavailable: no endpoints available`)));
  });

  it("an identity without services/proxy is a 503 at once naming the permission (deploy/rbac's controller has none)", async () => {
    const asController = impersonating(admin, `system:serviceaccount:${ns}:${SA}`);
    const error = await infer(proxyThrough(asController, svc), 3).catch((e: unknown) => e);
    expect(error).toEqual(unavailable(/refused to proxy to it \(403 Forbidden: .*services\/proxy/));
  });
});

