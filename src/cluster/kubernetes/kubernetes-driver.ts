import { PassThrough } from 'node:stream';
import { createInterface } from 'node:readline';
import { CoreV1Api, KubeConfig, Log, makeInformer, StorageV1Api, type Informer, type ObjectCache, type V1Node, type V1PersistentVolumeClaim, type V1Pod } from '@kubernetes/client-node';
import { kubeEnv, loadKubeConfig } from './kube-config.js';
import type { WorkerPlacement } from '../../gpu-scheduler/engine/model.js';
import { LogSourceGone, type BatchOptions, type ClusterDriver, type ClusterInventory, type JobClaim, type WorkloadOutcome, type WorkloadSpec, type WorkloadStatus } from '../cluster-driver.js';
import { ignoring, startOrThrow, statusOf } from './k8s-calls.js';
import { buildInventory, isOwnPod, nodeSignature } from './k8s-inventory.js';
import { ANNOTATION, LABEL, MANAGED_BY, WORKER_CONTAINER, podName, workloadSelector } from './k8s-names.js';
import { checkpointClaim, checkpointClaimName } from './k8s-checkpoint-volume.js';
import { CLAIM_LABEL, jobClaims } from './k8s-job-claims.js';
import { envSecret, hasSecretEnv, masterService, needsMasterService, workerPod } from './k8s-workload-objects.js';
import { workloadsOf } from './k8s-workload-status.js';
import { bindPod, createClaim, deleteAttempt } from './k8s-workload-calls.js';
import { createWorkloadBatch } from './k8s-batch.js';
import { KeepAliveAuth, makeKeepAliveClient } from './k8s-keep-alive.js';
import { Listeners } from '../listeners.js';


export interface KubernetesDriverOptions {
  /** Namespace of Beamline's pods and services. */
  namespace: string;
  /** Defaults to loadKubeConfig(): KUBECONFIG, else in-cluster, else ~/.kube/config. */
  kubeConfig?: KubeConfig;
  /** First delay before an informer that failed is restarted (doubles up to 30 s). */
  restartDelayMs?: number;
  /** false: a new connection per API call, as client-node does alone (benchmarks compare; default true). */
  keepAlive?: boolean;
}

type Cached<T extends object> = Informer<T & { metadata?: object }> & ObjectCache<T>;


/**
 * The `kubernetes` ClusterDriver: two informers (all Nodes; all Pods, since foreign pods in
 * any namespace hold GPUs too) keep a cache current through list + watch; reads come only
 * from it. Writes are idempotent through deterministic names (AlreadyExists and NotFound
 * count as success).
 */
export class KubernetesDriver implements ClusterDriver {
  readonly kind = 'kubernetes' as const;
  private readonly kc: KubeConfig;
  private readonly core: CoreV1Api;
  private readonly storage: StorageV1Api;
  private readonly auth: KeepAliveAuth;
  private readonly namespace: string;
  private readonly listeners = new Listeners();
  private nodes?: Cached<V1Node>;
  private pods?: Cached<V1Pod>;
  /** The jobs' own claims (newClaim volumes) in the namespace: what the controller deletes when a job ends. */
  private claims?: Cached<V1PersistentVolumeClaim>;
  private stopped = false;
  /** True once both informers have listed the cluster: before that their caches are empty, not the cluster. */
  private synced = false;
  private inventoryCache?: ClusterInventory;
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly nodeSignatures = new Map<string, string>();
  /** Device guesses for foreign pods, kept so that a guess does not move while its pod runs. */
  private readonly foreignGuesses = new Map<string, WorkerPlacement>();

  constructor(private readonly options: KubernetesDriverOptions) {
    this.namespace = options.namespace;
    this.kc = options.kubeConfig ?? loadKubeConfig(kubeEnv({})).kc;
    this.auth = new KeepAliveAuth(this.kc);
    // Connections kept alive and shared by all calls: client-node alone opens one per call (k8s-keep-alive.ts).
    const keepAlive = options.keepAlive ?? true;
    this.core = keepAlive ? makeKeepAliveClient(this.kc, this.auth, CoreV1Api) : this.kc.makeApiClient(CoreV1Api);
    this.storage = keepAlive ? makeKeepAliveClient(this.kc, this.auth, StorageV1Api) : this.kc.makeApiClient(StorageV1Api);
  }

  async start(): Promise<void> {
    this.stopped = false;
    this.nodes = this.watch<V1Node>('/api/v1/nodes', () => this.core.listNode(), (node, verb) => this.nodeMatters(node, verb));
    this.pods = this.watch<V1Pod>('/api/v1/pods', () => this.core.listPodForAllNamespaces());
    const namespace = this.namespace;
    const claimSelector = `${LABEL.managedBy}=${MANAGED_BY},${CLAIM_LABEL.volume}`;
    this.claims = this.watch<V1PersistentVolumeClaim>(
      `/api/v1/namespaces/${namespace}/persistentvolumeclaims`,
      () => this.core.listNamespacedPersistentVolumeClaim({ namespace, labelSelector: claimSelector }),
      () => false, // a claim's change needs no scheduling cycle
      claimSelector,
    );
    try {
      await Promise.all([startOrThrow(this.nodes), startOrThrow(this.pods), startOrThrow(this.claims)]);
      this.synced = true;
    } catch (e) {
      await this.stop();
      throw e;
    }
    this.changed();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.synced = false;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    await Promise.all([this.nodes?.stop(), this.pods?.stop(), this.claims?.stop()]);
    this.listeners.clear();
    this.auth.destroy();
  }

  inventory(): ClusterInventory {
    this.assertSynced();
    this.inventoryCache ??= buildInventory(this.nodes?.list() ?? [], this.pods?.list() ?? [], this.namespace, this.foreignGuesses);
    return this.inventoryCache;
  }

  workloads(): WorkloadStatus[] {
    this.assertSynced();
    return workloadsOf((this.pods?.list(this.namespace) ?? []).filter((p) => isOwnPod(p, this.namespace)));
  }

  /** From the cache; a claim being deleted is left out (its deletion was asked for already). */
  listJobClaims(): JobClaim[] {
    return (this.claims?.list(this.namespace) ?? []).flatMap((pvc) => {
      const jobId = pvc.metadata?.annotations?.[ANNOTATION.jobId];
      return jobId && !pvc.metadata?.deletionTimestamp ? [{ jobId, claim: pvc.metadata!.name! }] : [];
    });
  }

  onChange(listener: () => void): () => void {
    return this.listeners.add(listener);
  }

  /**
   * 1. The job's claims (its checkpoint PVC, its `newClaim` volumes): made once per job, so
   *    an existing one (an earlier attempt's, or this one's before a restart) is kept.
   * 2. In parallel: the headless Service for MASTER_ADDR (gangs only), and per worker: create
   *    the pod, then bind it to its node (pods/binding).
   * Repeating any step after a crash is harmless: an existing object counts as created, and
   * a pod already bound to the same node counts as bound. If a step fails, the claims this
   * call made are deleted, with the attempt's pods (which could never start without them):
   * nothing is left half-made, and the next reconcile pass starts the attempt afresh.
   */
  async createWorkload(spec: WorkloadSpec): Promise<void> {
    if (spec.workers.length === 0) throw new Error(`workload ${spec.jobId}/${spec.attempt} has no workers`);
    const made: string[] = [];
    try {
      // 1.
      const cp = checkpointClaim(spec, this.namespace);
      for (const claim of [...(cp ? [cp] : []), ...jobClaims(spec, this.namespace)]) {
        if (await createClaim(this.core, this.namespace, claim)) made.push(claim.metadata!.name!);
      }
      // 2.
      await this.createWorkers(spec);
    } catch (error) {
      if (made.length > 0) {
        await this.deleteWorkload(spec.jobId, spec.attempt).catch(() => undefined);
        await this.deleteJobClaims(spec.jobId, made).catch(() => undefined);
      }
      throw error;
    }
  }

  private async createWorkers(spec: WorkloadSpec): Promise<void> {
    const namespace = this.namespace;
    const service = needsMasterService(spec) ? ignoring(409, this.core.createNamespacedService({ namespace, body: masterService(spec, namespace) })) : undefined;
    const createPod = async (index: number) => {
      const pod = workerPod(spec, index, namespace);
      await ignoring(409, this.core.createNamespacedPod({ namespace, body: pod }));
      await bindPod(this.core, namespace, pod.metadata!.name!, spec.workers[index].node);
    };
    // With secret env, pod 0 comes first: it owns the Secret, so deleting the pods deletes it too.
    if (hasSecretEnv(spec)) {
      await createPod(0);
      const owner = await this.core.readNamespacedPod({ namespace, name: podName(spec.jobId, spec.attempt, 0) });
      await ignoring(409, this.core.createNamespacedSecret({ namespace, body: envSecret(spec, namespace, { name: owner.metadata!.name!, uid: owner.metadata!.uid! }) }));
    }
    await Promise.all([service, ...spec.workers.map((_, index) => (index === 0 && hasSecretEnv(spec) ? undefined : createPod(index)))]);
  }

  /**
   * The workloads of one scheduling cycle: every claim and object first, then every binding,
   * each call paced by options.pacer; each workload succeeds or fails on its own (k8s-batch.ts).
   */
  async createWorkloads(specs: WorkloadSpec[], options: BatchOptions): Promise<WorkloadOutcome[]> {
    return createWorkloadBatch(this.core, this.namespace, specs, options);
  }

  async deleteWorkload(jobId: string, attempt?: number): Promise<void> {
    await deleteAttempt(this.core, this.namespace, jobId, attempt);
  }

  async claimExists(name: string): Promise<boolean> {
    try {
      await this.core.readNamespacedPersistentVolumeClaim({ namespace: this.namespace, name });
      return true;
    } catch (e) {
      if (statusOf(e) === 404) return false;
      throw e;
    }
  }

  async deleteCheckpoints(jobId: string): Promise<void> {
    await ignoring(404, this.core.deleteNamespacedPersistentVolumeClaim({ namespace: this.namespace, name: checkpointClaimName(jobId) }));
  }

  /** Only claims of this job are deleted: the names come from jobClaimName, never from user input. */
  async deleteJobClaims(jobId: string, claims: string[]): Promise<void> {
    const foreign = claims.find((name) => !name.startsWith(`bl-${jobId}-`));
    if (foreign) throw new Error(`${foreign} is not a claim of job ${jobId}`);
    await Promise.all(claims.map((name) => ignoring(404, this.core.deleteNamespacedPersistentVolumeClaim({ namespace: this.namespace, name }))));
  }

  /** A 403 (the role may not read StorageClasses) means "cannot tell", not "missing". */
  async storageClassExists(name: string): Promise<boolean | undefined> {
    try {
      await this.storage.readStorageClass({ name });
      return true;
    } catch (e) {
      if (statusOf(e) === 404) return false;
      if (statusOf(e) === 403) return undefined;
      throw e;
    }
  }

  /**
   * Deletes the attempt's pods with the grace left until `deadline`: the kubelet sends
   * SIGTERM and kills after it. The informer keeps a pod (with its deletionTimestamp, so
   * `terminating`) until the kubelet confirms its containers stopped. A repeat is harmless:
   * the API server only ever shortens a pod's grace, and a gone pod is not matched.
   */
  async stopWorkload(jobId: string, attempt: number, deadline: Date): Promise<void> {
    const labelSelector = workloadSelector(jobId, attempt);
    const gracePeriodSeconds = Math.max(0, Math.ceil((deadline.getTime() - Date.now()) / 1000));
    await this.core.deleteCollectionNamespacedPod({ namespace: this.namespace, labelSelector, gracePeriodSeconds });
  }

  /** The pod log API. On KWOK nodes no container runs, so the API server has no kubelet to ask and this fails. */
  async *logs(jobId: string, attempt: number, worker: number, options: { follow: boolean; signal?: AbortSignal }): AsyncIterable<string> {
    const stream = new PassThrough();
    const request = await new Log(this.kc)
      .log(this.namespace, podName(jobId, attempt, worker), WORKER_CONTAINER, stream, { follow: options.follow })
      .catch((error: unknown) => {
        // The pod is deleted: its log went with it (issue 15: the archive has it).
        if ((error as { code?: number }).code === 404) throw new LogSourceGone(`pod ${podName(jobId, attempt, worker)}`);
        throw error;
      });
    const abort = () => {
      request.abort();
      stream.end();
    };
    options.signal?.addEventListener('abort', abort, { once: true });
    try {
      // Lines with their newline: callers write the text as it is (it was lost before issue 15).
      for await (const line of createInterface({ input: stream, crlfDelay: Infinity })) yield `${line}\n`;
    } finally {
      options.signal?.removeEventListener('abort', abort);
      request.abort();
    }
  }

  /** An informer that restarts itself (with backoff) after a watch or list error, until stop(). */
  private watch<T extends V1Node | V1Pod | V1PersistentVolumeClaim>(path: string, list: () => Promise<{ items: T[] }>, matters: (obj: T, verb: string) => boolean = () => true, labelSelector?: string): Cached<T> {
    const informer = makeInformer<T>(this.kc, path, list as never, labelSelector) as Cached<T>;
    const firstDelay = this.options.restartDelayMs ?? 500;
    let delay = firstDelay;
    for (const verb of ['add', 'update', 'delete'] as const) {
      informer.on(verb, (obj) => {
        delay = firstDelay; // events flow again: the next failure starts the backoff anew
        if (matters(obj, verb)) this.changed();
      });
    }
    informer.on('error', () => {
      if (this.stopped) return;
      const t = setTimeout(() => {
        this.timers.delete(t);
        if (!this.stopped) void informer.start().catch(() => undefined);
      }, delay);
      this.timers.add(t);
      delay = Math.min(delay * 2, 30_000);
    });
    return informer;
  }

  /**
   * Node heartbeats (every few seconds per node) change only conditions and timestamps:
   * they must not wake the scheduler. A node update matters when what NodeSpec is built
   * from changed.
   */
  private nodeMatters(node: V1Node, verb: string): boolean {
    const name = node.metadata?.name ?? '';
    if (verb === 'delete') {
      this.nodeSignatures.delete(name);
      return true;
    }
    const signature = nodeSignature(node);
    if (this.nodeSignatures.get(name) === signature) return false;
    this.nodeSignatures.set(name, signature);
    return true;
  }

  /**
   * A controller cycle can run while start() is still listing (a queue message arrives first):
   * empty caches read as "every node and pod is gone", which failed or requeued every running
   * job. Refusing the read makes that cycle fail and retry once the lists are in.
   */
  private assertSynced(): void {
    if (!this.synced) throw new Error('the Kubernetes driver has not listed nodes and pods yet');
  }

  private changed(): void {
    this.inventoryCache = undefined;
    this.listeners.emit();
  }
}
