import { AppsV1Api, CoreV1Api, type KubeConfig, type V1Pod } from '@kubernetes/client-node';
import { SERVING_LABEL } from '../../src/cluster/kubernetes/serving/serving-names.js';
import { linearModel } from '../helpers/onnx.js';
import { registry } from '../helpers/onnx-registry.js';
import type { ChaosCluster } from './chaos-cluster.js';
import type { FinalState } from './endpoint-checker.js';
import { sleep } from './fault-injector.js';

export const ENDPOINT = 'gain';
export const ENDPOINT_REPLICAS = 2;
const MODELS = '/v1/projects/default/models';
const PATH = `/v1/projects/default/endpoints/${ENDPOINT}`;
const SELECTOR = `${SERVING_LABEL.endpoint}=${ENDPOINT}`;

/** One read of the endpoint's pods on the API server: how many were Ready and not being deleted. */
export interface ReadySample {
  at: number;
  ready: number;
  pods: number;
}

/** The endpoint's view as GET .../endpoints/gain answers it. */
export type EndpointState = FinalState & { replicas: number };

export const convergedOn = (version: number) => (e: EndpointState | undefined) =>
  e !== undefined &&
  e.phase === 'Complete' &&
  e.modelVersion === version &&
  e.goodRevision === e.desiredRevision &&
  e.observed.revision === e.desiredRevision &&
  e.observed.rollout === 'Complete' &&
  e.observed.readyReplicas === ENDPOINT_REPLICAS;

/**
 * An endpoint in the Kubernetes chaos run: model `gain` (versions 1 and 2, one signature) on
 * 2 replicas, CPU only, placed by kube-scheduler on the KWOK nodes and rolled out by the
 * real deployment controller (KWOK marks its pods Ready; no replica process runs, so nothing
 * is inferred: what is checked is the rollout). A sampler lists its pods every 500 ms, so
 * the checker can hold the rollout to maxUnavailable 0 on the cluster itself, whatever the
 * platform records.
 */
export class K8sEndpoint {
  readonly samples: ReadySample[] = [];
  /** 5xx answers to the endpoint's own calls (a 500 is an anomaly; a 503 while PostgreSQL restarts is not). */
  readonly serverErrors: string[] = [];
  /** The version the endpoint was last told to serve. */
  version = 1;
  private sampling = false;

  constructor(
    private readonly cluster: ChaosCluster,
    private readonly kc: KubeConfig,
    private readonly namespace: string,
  ) {}

  /** Registers both versions, creates the endpoint on version 1, waits (2 min at most) until it is Complete. */
  async create(): Promise<EndpointState> {
    await this.send('POST', MODELS, { name: ENDPOINT }, [201]);
    const reg = registry(this.cluster.apis()[0].url, this.cluster.token);
    for (const v of [1, 2]) {
      const res = await reg.multipart(`${MODELS}/${ENDPOINT}/versions`, linearModel([[v]], [0]));
      if (res.status !== 201) throw new Error(`registering ${ENDPOINT} version ${v}: ${res.status} ${JSON.stringify(res.body)}`);
    }
    const body = { name: ENDPOINT, model: ENDPOINT, version: 1, replicas: ENDPOINT_REPLICAS, resources: { cpu: '100m', memory: '128Mi' }, progressDeadlineSeconds: 120 };
    await this.send('POST', '/v1/projects/default/endpoints', body, [201]);
    const state = await this.until(convergedOn(1), 120_000);
    if (!convergedOn(1)(state)) throw new Error(`the endpoint never became Complete on version 1: ${JSON.stringify(state)}`);
    return state!;
  }

  /** PATCHes the other version (retried on a network error or a 503 until acknowledged); answers it. */
  async rollout(): Promise<number> {
    const next = this.version === 1 ? 2 : 1;
    await this.send('PATCH', PATH, { version: next }, [200]);
    this.version = next;
    return next;
  }

  /** The endpoint as an api answers it now (undefined: no api answered 200). */
  async read(): Promise<EndpointState | undefined> {
    const res = await this.call('GET', PATH).catch(() => undefined);
    return res?.status === 200 ? (res.body as EndpointState) : undefined;
  }

  /** Polls until `ok` or `timeoutMs`; the last state read either way. */
  async until(ok: (e: EndpointState | undefined) => boolean, timeoutMs: number): Promise<EndpointState | undefined> {
    const deadline = Date.now() + timeoutMs;
    let last: EndpointState | undefined;
    while (Date.now() < deadline) {
      last = (await this.read()) ?? last;
      if (ok(last)) return last;
      await sleep(500);
    }
    return last;
  }

  /** The template hashes of the endpoint's pods now: a pod with another one belongs to a new rollout. */
  async templateHashes(): Promise<Set<string>> {
    const pods = await this.kc.makeApiClient(CoreV1Api).listNamespacedPod({ namespace: this.namespace, labelSelector: SELECTOR });
    return new Set(pods.items.map((p) => p.metadata?.labels?.[SERVING_LABEL.templateHash] ?? ''));
  }

  static isOurs(pod: V1Pod): boolean {
    return pod.metadata?.labels?.[SERVING_LABEL.endpoint] === ENDPOINT;
  }

  static templateHash(pod: V1Pod): string {
    return pod.metadata?.labels?.[SERVING_LABEL.templateHash] ?? '';
  }

  /** Lists the endpoint's pods every 500 ms until stopSampling(); a failed list (the API server restarting) records nothing. */
  async sample(): Promise<void> {
    const core = this.kc.makeApiClient(CoreV1Api);
    this.sampling = true;
    while (this.sampling) {
      const at = Date.now();
      const pods = await core.listNamespacedPod({ namespace: this.namespace, labelSelector: SELECTOR }).catch(() => undefined);
      if (pods) {
        const live = pods.items.filter((p) => !p.metadata?.deletionTimestamp);
        const ready = live.filter((p) => p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True')).length;
        this.samples.push({ at, ready, pods: pods.items.length });
      }
      await sleep(500);
    }
  }

  stopSampling(): void {
    this.sampling = false;
  }

  /** Deletes the endpoint; answers what of it is left on the cluster 60 s later at most (nothing, when all went). */
  async deleteAndCount(): Promise<string[]> {
    await this.send('DELETE', PATH, undefined, [202, 404]); // 404: an earlier try was carried out although its answer was lost
    const apps = this.kc.makeApiClient(AppsV1Api);
    const core = this.kc.makeApiClient(CoreV1Api);
    const namespace = this.namespace;
    const left = async () => [
      ...(await apps.listNamespacedDeployment({ namespace, labelSelector: SELECTOR })).items.map((x) => `Deployment ${x.metadata?.name}`),
      ...(await apps.listNamespacedReplicaSet({ namespace, labelSelector: SELECTOR })).items.map((x) => `ReplicaSet ${x.metadata?.name}`),
      ...(await core.listNamespacedPod({ namespace, labelSelector: SELECTOR })).items.map((x) => `Pod ${x.metadata?.name}`),
      ...(await core.listNamespacedService({ namespace, labelSelector: SELECTOR })).items.map((x) => `Service ${x.metadata?.name}`),
    ];
    const deadline = Date.now() + 60_000;
    let found = await left();
    while (found.length > 0 && Date.now() < deadline) {
      await sleep(1000);
      found = await left();
    }
    return found;
  }

  /** One call with retries: a network error or a 503 is tried again (60 s at most); any other status must be one of `ok`. */
  private async send(method: string, path: string, body: unknown, ok: number[]): Promise<unknown> {
    const deadline = Date.now() + 60_000;
    for (;;) {
      const res = await this.call(method, path, body).catch(() => undefined);
      if (res && ok.includes(res.status)) return res.body;
      if (res && res.status !== 503) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(res.body)}`);
      if (Date.now() > deadline) throw new Error(`${method} ${path}: no answer within 60 s`);
      await sleep(250);
    }
  }

  private async call(method: string, path: string, body?: unknown): Promise<{ status: number; body: unknown }> {
    const apis = this.cluster.apis();
    if (apis.length === 0) throw new Error('no api up');
    const base = apis[Math.floor(Math.random() * apis.length)].url;
    const res = await fetch(`${base}${path}`, {
      method,
      headers: { authorization: `Bearer ${this.cluster.token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
      signal: AbortSignal.timeout(15_000),
    });
    const text = await res.text();
    if (res.status >= 500) this.serverErrors.push(`${res.status} ${method} ${path} at ${new Date().toISOString()}: ${text.slice(0, 200)}`);
    return { status: res.status, body: text ? JSON.parse(text) : undefined };
  }
}

/**
 * The endpoint's part of the checker:
 *   1. no 500 on its calls;
 *   2. after the faults it is Complete on the version it was last given, all replicas ready;
 *   3. never fewer Ready pods on the cluster than the rollout allows (replicas − maxUnavailable, which is 0);
 *   4. nothing of it (Deployment, ReplicaSet, Pod, Service) is left a minute after its deletion.
 */
export function checkK8sEndpoint(run: { serverErrors: string[]; final?: EndpointState; version: number; samples: ReadySample[]; left: string[] }): string[] {
  const anomalies: string[] = [];
  for (const e of run.serverErrors.filter((x) => x.startsWith('500'))) anomalies.push(`endpoint: ${e}`);
  if (!convergedOn(run.version)(run.final)) anomalies.push(`endpoint not converged on version ${run.version}: ${JSON.stringify(run.final)}`);
  for (const s of run.samples.filter((x) => x.ready < ENDPOINT_REPLICAS)) anomalies.push(`endpoint below its rollout budget: ${s.ready} Ready of ${s.pods} pods at ${new Date(s.at).toISOString()}`);
  for (const x of run.left) anomalies.push(`endpoint object left after its deletion: ${x}`);
  return anomalies;
}
