import { hostname } from 'node:os';
import { AppsV1Api, CoreV1Api, KubeConfig, PatchStrategy, setHeaderOptions, type V1Deployment, type V1Pod, type V1ReplicaSet } from '@kubernetes/client-node';
import { kubeEnv, loadKubeConfig } from '../kube-config.js';
import type { EndpointDeployment, EndpointObservation, EndpointRef, RolloutEvent, ServingDriver } from '../../serving-driver.js';
import { ENDPOINT_SELECTOR, FIELD_MANAGER, contentHash, endpointLabels, endpointObjectName, replicaSecretName, tokenSecretName } from './serving-names.js';
import { endpointDeployment, endpointService, podTemplate, tokenSecret } from './serving-objects.js';
import { type Cached, type InformerVerb, ignoring, selectedInformer, startOrThrow, statusOf } from './serving-informer.js';
import { PodEventTracker } from './serving-pod-events.js';
import { observeEndpoints, refOf, revisionsOf } from './serving-status.js';
import { Listeners } from '../../listeners.js';


export interface KubernetesServingDriverOptions {
  namespace: string;
  /** The Beamline image; its `beamline runtime` serves each replica. */
  image: string;
  /** Defaults to loadKubeConfig(): KUBECONFIG, else in-cluster, else ~/.kube/config. */
  kubeConfig?: KubeConfig;
  /** Restarts of a new revision's replica that count as a crash loop (default 3). */
  crashLoopAfter?: number;
}

/** Templates remembered per Deployment for mapping ReplicaSets to revisions: the history limit plus the current one. */
const REVISIONS_KEPT = 11;
const ssa = setHeaderOptions('Content-Type', PatchStrategy.ServerSideApply);

/**
 * The `kubernetes` ServingDriver: one apps/v1 Deployment + Service + two Secrets (the
 * registry token, the replica token) per
 * endpoint, written by server-side apply (idempotent: the same apply twice is a no-op).
 * Three namespace-scoped informers (Deployments, ReplicaSets, Pods of Beamline endpoints)
 * keep the cache that observe() reads. See README.md in this folder for the design.
 */
export class KubernetesServingDriver implements ServingDriver {
  readonly kind = 'kubernetes' as const;
  private readonly kc: KubeConfig;
  private readonly core: CoreV1Api;
  private readonly apps: AppsV1Api;
  private readonly namespace: string;
  private readonly crashLoopAfter: number;
  private readonly listeners = new Listeners();
  private readonly eventListeners = new Listeners<[EndpointRef, RolloutEvent]>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private deployments?: Cached<V1Deployment>;
  private replicaSets?: Cached<V1ReplicaSet>;
  private pods?: Cached<V1Pod>;
  private stopped = false;
  private readonly podEvents = new PodEventTracker();
  /** Endpoints whose token Secret is known to exist. */
  private readonly secrets = new Set<string>();
  /** hash → revision per Deployment as last applied by this process (the cache may lag behind our own write). */
  private readonly applied = new Map<string, Record<string, number>>();

  constructor(private readonly options: KubernetesServingDriverOptions) {
    this.namespace = options.namespace;
    this.crashLoopAfter = options.crashLoopAfter ?? 3;
    this.kc = options.kubeConfig ?? loadKubeConfig(kubeEnv({})).kc;
    this.core = this.kc.makeApiClient(CoreV1Api);
    this.apps = this.kc.makeApiClient(AppsV1Api);
  }

  async start(): Promise<void> {
    this.stopped = false;
    const namespace = this.namespace;
    const labelSelector = ENDPOINT_SELECTOR;
    const informer = <T extends V1Deployment | V1ReplicaSet | V1Pod>(path: string, list: () => Promise<{ items: T[] }>, on = (_o: T, _v: InformerVerb) => {}) =>
      selectedInformer<T>(this.kc, path, list, labelSelector, (o, v) => (on(o, v), this.changed()), this.timers, () => this.stopped);
    this.deployments = informer(`/apis/apps/v1/namespaces/${namespace}/deployments`, () => this.apps.listNamespacedDeployment({ namespace, labelSelector }));
    this.replicaSets = informer(`/apis/apps/v1/namespaces/${namespace}/replicasets`, () => this.apps.listNamespacedReplicaSet({ namespace, labelSelector }));
    this.pods = informer(`/api/v1/namespaces/${namespace}/pods`, () => this.core.listNamespacedPod({ namespace, labelSelector }), (p, v) => this.podEvent(p, v));
    try {
      await Promise.all([startOrThrow(this.deployments), startOrThrow(this.replicaSets), startOrThrow(this.pods)]);
    } catch (e) {
      await this.stop();
      throw e;
    }
    this.changed();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    await Promise.all([this.deployments?.stop(), this.replicaSets?.stop(), this.pods?.stop()]);
    this.listeners.clear();
    this.eventListeners.clear();
  }

  onChange(listener: () => void): () => void {
    return this.listeners.add(listener);
  }

  onEvent(listener: (ref: EndpointRef, event: RolloutEvent) => void): () => void {
    return this.eventListeners.add(listener);
  }

  observe(): EndpointObservation[] {
    const [deployments, replicaSets, pods] = [this.deployments?.list() ?? [], this.replicaSets?.list() ?? [], this.pods?.list() ?? []];
    return observeEndpoints({ deployments, replicaSets, pods }, this.namespace, this.crashLoopAfter);
  }

  /** Secrets first (a pod whose Secret is missing cannot start), then Deployment and Service by server-side apply. */
  async apply(d: EndpointDeployment): Promise<void> {
    const namespace = this.namespace;
    const name = endpointObjectName(d);
    if (d.runtimeToken) await this.ensureSecret(d, tokenSecretName(d), d.runtimeToken);
    await this.ensureSecret(d, replicaSecretName(d), async () => d.replicaToken);
    const { hash } = podTemplate(d, this.options.image);
    const cached = this.deployments?.get(name, namespace);
    const revisions = { ...revisionsOf(cached), ...this.applied.get(name) };
    delete revisions[hash]; // re-inserted last: the map is ordered oldest → newest
    revisions[hash] = d.revision;
    const kept = Object.fromEntries(Object.entries(revisions).slice(-REVISIONS_KEPT));
    this.applied.set(name, kept);
    const common = { namespace, fieldManager: FIELD_MANAGER, force: true };
    await Promise.all([
      this.apps.patchNamespacedDeployment({ ...common, name, body: endpointDeployment(d, namespace, this.options.image, kept) }, ssa),
      this.core.patchNamespacedService({ ...common, name, body: endpointService(d, namespace) }, ssa),
    ]);
  }

  /**
   * Creates a token Secret when it is missing, minting the token only then. Whether it
   * exists is asked with a dry-run create rather than a get, so the controller's role can
   * create secrets without being able to read any secret of the namespace. (So an existing
   * Secret is never rewritten: the replica token is derived and stable, see replica-tokens.ts.)
   */
  private async ensureSecret(ref: EndpointRef, name: string, mint: () => Promise<string>): Promise<void> {
    if (this.secrets.has(name)) return;
    const namespace = this.namespace;
    try {
      await this.core.createNamespacedSecret({ namespace, body: tokenSecret(ref, namespace, 'dry-run', name), dryRun: 'All' });
      await ignoring([409], this.core.createNamespacedSecret({ namespace, body: tokenSecret(ref, namespace, await mint(), name) }));
    } catch (e) {
      if (statusOf(e) !== 409) throw e;
    }
    this.secrets.add(name);
  }

  /** Foreground: the Deployment stays visible (Deleting) until its pods are gone. NotFound is success. */
  async delete(ref: EndpointRef): Promise<void> {
    const namespace = this.namespace;
    const name = endpointObjectName(ref);
    this.secrets.delete(tokenSecretName(ref));
    this.secrets.delete(replicaSecretName(ref));
    this.applied.delete(name);
    await Promise.all([
      ignoring([404], this.apps.deleteNamespacedDeployment({ name, namespace, propagationPolicy: 'Foreground' })),
      ignoring([404], this.core.deleteNamespacedService({ name, namespace })),
      ignoring([404], this.core.deleteNamespacedSecret({ name: tokenSecretName(ref), namespace })),
      ignoring([404], this.core.deleteNamespacedSecret({ name: replicaSecretName(ref), namespace })),
    ]);
  }

  /**
   * A core/v1 Event on the Deployment (what `kubectl describe` shows). Its name is derived
   * from the content, so a repeated call meets AlreadyExists and changes nothing.
   */
  async recordEvent(ref: EndpointRef, event: RolloutEvent): Promise<void> {
    const namespace = this.namespace;
    const name = endpointObjectName(ref);
    const uid = this.deployments?.get(name, namespace)?.metadata?.uid;
    const now = new Date();
    const body = {
      metadata: { name: `${name}.${contentHash([event.type, event.reason, event.message, event.revision ?? null])}`, namespace, labels: endpointLabels(ref) },
      involvedObject: { apiVersion: 'apps/v1', kind: 'Deployment', name, namespace, ...(uid ? { uid } : {}) },
      type: event.type,
      reason: event.reason,
      message: event.revision === undefined ? event.message : `revision ${event.revision}: ${event.message}`,
      source: { component: FIELD_MANAGER },
      reportingComponent: `beamline.dev/${FIELD_MANAGER}`,
      reportingInstance: hostname(),
      firstTimestamp: now,
      lastTimestamp: now,
      count: 1,
    };
    await ignoring([409], this.core.createNamespacedEvent({ namespace, body }));
  }

  private podEvent(pod: V1Pod, verb: InformerVerb): void {
    const events = this.podEvents.update(pod, verb);
    const ref = events.length > 0 ? this.refOfPod(pod) : undefined;
    if (ref) for (const e of events) this.eventListeners.emit(ref, e);
  }

  /** Pod → its ReplicaSet → its Deployment, through owner references in the cache. */
  private refOfPod(pod: V1Pod): EndpointRef | undefined {
    const rsName = pod.metadata?.ownerReferences?.find((o) => o.kind === 'ReplicaSet')?.name;
    const rs = rsName ? this.replicaSets?.get(rsName, this.namespace) : undefined;
    const dName = rs?.metadata?.ownerReferences?.find((o) => o.kind === 'Deployment')?.name;
    const d = dName ? this.deployments?.get(dName, this.namespace) : undefined;
    return d ? refOf(d) : undefined;
  }

  private changed(): void {
    this.listeners.emit();
  }
}
