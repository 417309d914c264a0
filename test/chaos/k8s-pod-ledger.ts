import { CoreV1Api, Watch, type KubeConfig, type V1Pod } from '@kubernetes/client-node';

/** One pod (one uid) as the ledger saw it; times are the ledger's sequence numbers, not clocks. */
export interface PodRecord {
  uid: string;
  name: string;
  jobId: string;
  attempt: string;
  /** Every node name the pod was seen with (more than one would be a pod bound twice). */
  nodes: Set<string>;
  /** First event with phase Running, and the first with the pod ended (terminal phase, deleted, or gone at a relist). */
  runningAt?: number;
  endedAt?: number;
  phase?: string;
  /** Every phase seen, in order, repeats dropped. */
  phases: string[];
}

const ENDED = new Set(['Succeeded', 'Failed']);

/** What one event changed, as far as a fault trigger needs it. */
export interface PodChange {
  /** A MODIFIED event that shows a node for a pod the ledger had seen without one: its binding just landed. */
  boundNow: boolean;
}

export type PodListener = (type: string, pod: V1Pod, change: PodChange) => void;

/**
 * Every pod of one namespace as the API server reported it, by list then watch, listing
 * again whenever the watch ends (an API server restart ends it): the evidence of the
 * Kubernetes checker. Events are numbered in the order seen; a pod that vanished while the
 * watch was down ends at the relist, before any pod the relist shows for the first time
 * starts, so a gap never invents an overlap. `onPod` sees each event as it comes (the fault
 * injector's triggers for "created, not yet bound" and "bound, not yet recorded").
 */
export class PodLedger {
  readonly pods = new Map<string, PodRecord>();
  /** Watch sessions that ended and were resumed by a relist. */
  relists = 0;
  private seq = 0;
  private stopped = false;
  private abort?: () => void;
  private listeners = new Set<PodListener>();

  constructor(
    private readonly kc: KubeConfig,
    private readonly namespace: string,
  ) {}

  async start(): Promise<void> {
    await this.session();
  }

  stop(): void {
    this.stopped = true;
    this.abort?.();
  }

  /** Calls `listener` for each pod event until the returned function is called. */
  onPod(listener: PodListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Pods of the namespace now (a fresh list, not the ledger). */
  async list(): Promise<V1Pod[]> {
    return (await this.kc.makeApiClient(CoreV1Api).listNamespacedPod({ namespace: this.namespace })).items;
  }

  private async session(): Promise<void> {
    const list = await this.kc.makeApiClient(CoreV1Api).listNamespacedPod({ namespace: this.namespace });
    const present = new Set(list.items.map((p) => p.metadata!.uid!));
    const at = ++this.seq;
    for (const record of this.pods.values()) if (!present.has(record.uid) && record.endedAt === undefined) record.endedAt = at;
    for (const pod of list.items) this.apply('LISTED', pod);
    const ctrl = await new Watch(this.kc).watch(
      `/api/v1/namespaces/${this.namespace}/pods`,
      { resourceVersion: list.metadata?.resourceVersion, allowWatchBookmarks: false },
      (type: string, pod: V1Pod) => this.apply(type, pod),
      () => void this.resume(),
    );
    this.abort = () => ctrl.abort();
  }

  /** The watch ended (API server restart, timeout, 410 Gone): list and watch again until it works. */
  private async resume(): Promise<void> {
    while (!this.stopped) {
      try {
        await this.session();
        this.relists++;
        return;
      } catch {
        await new Promise((r) => setTimeout(r, 500));
      }
    }
  }

  private apply(type: string, pod: V1Pod): void {
    const uid = pod.metadata?.uid;
    if (!uid) return;
    const at = ++this.seq;
    let record = this.pods.get(uid);
    if (!record) {
      record = {
        uid,
        name: pod.metadata!.name!,
        jobId: pod.metadata?.annotations?.['beamline.dev/training-job-id'] ?? '',
        attempt: pod.metadata?.labels?.['beamline.dev/attempt'] ?? '',
        nodes: new Set(),
        phases: [],
      };
      this.pods.set(uid, record);
    }
    const boundNow = type === 'MODIFIED' && Boolean(pod.spec?.nodeName) && record.nodes.size === 0;
    if (pod.spec?.nodeName) record.nodes.add(pod.spec.nodeName);
    record.phase = pod.status?.phase;
    if (record.phase && record.phases.at(-1) !== record.phase) record.phases.push(record.phase);
    if (record.phase === 'Running' && record.runningAt === undefined) record.runningAt = at;
    if (record.endedAt === undefined && (type === 'DELETED' || ENDED.has(record.phase ?? ''))) record.endedAt = at;
    for (const listener of this.listeners) listener(type, pod, { boundNow });
  }
}
