/**
 * The port between the endpoint reconciler (src/serving/endpoints) and a cluster, for
 * long-running inference replicas. Two adapters, like ClusterDriver: `local`
 * (src/cluster/local/serving: `beamline runtime` processes on loopback ports) and
 * `kubernetes` (src/cluster/kubernetes/serving: an apps/v1 Deployment + Service each).
 *
 * Division of labour:
 * - the reconciler owns intent: which revision should run, how many replicas, and what
 *   to do when a rollout fails (roll back to the last good revision);
 * - the driver owns mechanics: a rolling update with maxUnavailable 0 (old replicas keep
 *   serving until new ones are ready), restarts, and *detecting* failure: a rollout that
 *   misses its progress deadline or whose replicas crash-loop is reported as
 *   `rollout: 'Failed'` with a reason; the driver never rolls back on its own.
 *
 * Rules for every adapter (as for ClusterDriver): reads come from a cache kept current by
 * watches; writes are idempotent, so a controller restart may repeat any of them;
 * `apply` with the revision that is already rolling out (or done) changes nothing but the
 * replica count.
 */
export interface ServingDriver {
  readonly kind: 'kubernetes' | 'local';
  start(): Promise<void>;
  stop(): Promise<void>;
  onChange(listener: () => void): () => void;
  /** Things the driver noticed on its own (a replica crashed and was restarted, a pod went unschedulable), for the endpoint's event log. */
  onEvent(listener: (ref: EndpointRef, event: RolloutEvent) => void): () => void;
  /** Rolls the endpoint to `deployment.revision` (or creates it). */
  apply(deployment: EndpointDeployment): Promise<void>;
  /** Every Beamline endpoint the driver sees, as last observed. */
  observe(): EndpointObservation[];
  /**
   * One endpoint's `upstreams` exactly as observe() would give them, without observing every
   * endpoint: the infer proxy asks on every request (endpoint-router.ts). Optional: without
   * it the router uses observe().
   */
  upstreamsOf?(endpointId: string): string[] | undefined;
  /** Removes every replica and object of the endpoint; succeeds when already gone. */
  delete(ref: EndpointRef): Promise<void>;
  /** A rollout step for people: the kubernetes driver writes a core/v1 Event on the Deployment; local does nothing. */
  recordEvent(ref: EndpointRef, event: RolloutEvent): Promise<void>;
}

export interface EndpointRef {
  endpointId: string;
  project: string;
  /** The endpoint's name, unique in its project (a DNS-1123 label, at most 40 chars). */
  name: string;
}

export interface EndpointTemplate {
  model: {
    /** Registered model name and version number, for labels, logs and the runtime's `--name/--version`. */
    name: string;
    version: number;
    /** The artifact's sha256: the runtime verifies what it downloads against it. */
    sha256: string;
    /** The registry URL of the version, `<publicUrl>/v1/projects/<p>/models/<m>/versions/<n>` (runtime `--model` in a pod). */
    url: string;
    /** A local file with the artifact, when the platform can see one (the local driver uses it instead of url). */
    path?: string;
    /** LUME variables JSON file path (local) — optional. */
    variablesPath?: string;
  };
  /**
   * A multi-model replica (the runtime's --models and --memory-budget): every model it may
   * load, each like `model` (which is then the first of them), and the bytes its loaded
   * models must stay within.
   */
  modelSet?: { models: Array<EndpointTemplate['model']>; memoryBudgetBytes: number };
  resources: {
    cpuMilli: number;
    memoryMiB: number;
    /** Whole GPUs per replica (limits nvidia.com/gpu); 0 for CPU-only. */
    gpuCount: number;
    /** GFD `nvidia.com/gpu.product` the replica must land on, when asked for. */
    gpuProduct?: string;
  };
  runtime: {
    batching: boolean;
    maxBatchSize: number;
    maxQueueDelayMicros: number;
    /** Absent: cpu. A GPU provider is started without CPU fallback (runtime --provider-fallback off). */
    executionProvider?: 'cpu' | 'cuda' | 'webgpu';
    /** Extra env for the runtime container/process (user-given). */
    env: Record<string, string>;
  };
}

export interface EndpointDeployment extends EndpointRef {
  /** 1, 2, 3… per endpoint; a rollback re-applies an older revision's template under its own number. */
  revision: number;
  template: EndpointTemplate;
  replicas: number;
  /** Extra replicas allowed during a rolling update (Deployment maxSurge); maxUnavailable is always 0. */
  maxSurge: number;
  /** Time for a revision to become fully available before the driver reports Failed/ProgressDeadlineExceeded. */
  progressDeadlineSeconds: number;
  /** How long a stopping replica keeps serving after it turns not-ready (runtime --drain-seconds). */
  drainSeconds: number;
  /**
   * The endpoint's replica token: replicas require it as `Authorization: Bearer` on their
   * V2 routes (BEAMLINE_RUNTIME_REPLICA_TOKEN), the API's proxy sends it. Local: passed in
   * the replica's env; kubernetes: kept in a Secret the pod reads it from.
   */
  replicaToken: string;
  /**
   * Kubernetes only: a registry token for the runtime to download the model. Called when
   * the driver needs one (for example when its Secret is missing); local never calls it.
   */
  runtimeToken?: () => Promise<string>;
}

export type RolloutState = 'Progressing' | 'Complete' | 'Failed';

export interface EndpointObservation extends EndpointRef {
  /** The revision the driver is rolling out or has rolled out (its last `apply`). */
  revision: number;
  /** Desired replicas of that apply. */
  replicas: number;
  /** Replicas of `revision` that passed readiness. */
  readyReplicas: number;
  /** Replicas running `revision`'s template (ready or not). */
  updatedReplicas: number;
  /** Replicas of any revision that are ready and serving. */
  availableReplicas: number;
  /** Container/process restarts of the replicas that exist now. */
  restarts: number;
  rollout: RolloutState;
  /**
   * Machine-readable cause when not Complete: `ProgressDeadlineExceeded`, `CrashLoop`,
   * `Unschedulable`, `ModelLoadFailed`, `ReplicaStarting`, … and a sentence in `message`.
   */
  reason?: string;
  message?: string;
  /** Ready replicas per revision number (old ones still serve during a rolling update). */
  readyByRevision: Record<number, number>;
  /**
   * Base URLs the API's proxy may send inference to. Local: each ready replica's
   * `http://127.0.0.1:<port>`, in-process (not stored); kubernetes: the Service URL
   * `http://<service>.<namespace>.svc:8080` when at least one replica is ready.
   */
  upstreams: string[];
}

export interface RolloutEvent {
  type: 'Normal' | 'Warning';
  /** CamelCase reason, e.g. RolloutStarted, ReplicaReady, RolloutComplete, RolloutFailed, RolledBack, ReplicaRestarted. */
  reason: string;
  message: string;
  revision?: number;
}

/** Nest injection token for the configured serving driver. */
export const SERVING_DRIVER = Symbol('SERVING_DRIVER');

/** The runtime's port inside every replica (pods; local replicas get a free loopback port instead). */
export const RUNTIME_PORT = 8080;
