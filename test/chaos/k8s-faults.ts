import { CoreV1Api, PatchStrategy, setHeaderOptions, type KubeConfig, type V1Pod } from '@kubernetes/client-node';
import type { K8sCluster } from '../helpers/k8s-cluster.js';
import type { ChaosCluster } from './chaos-cluster.js';
import { endpointLeader } from './endpoint-faults.js';
import { FaultInjector, sleep, waitFor, type FaultKind, type FaultResult, type Random } from './fault-injector.js';
import { convergedOn, K8sEndpoint } from './k8s-endpoint.js';
import type { PodLedger } from './k8s-pod-ledger.js';
import type { InFlight } from './load-generator.js';

/** The local suite's kinds (fault-injector.ts) plus the Kubernetes driver's own. */
export type K8sFaultKind = FaultKind | 'kill-leader-unbound' | 'kill-leader-bound' | 'restart-apiserver' | 'crash-worker' | 'kill-leader-rollout';
const SHARED: ReadonlySet<string> = new Set<FaultKind>(['kill-leader', 'kill-api', 'restart-postgres', 'restart-redis', 'flush-redis', 'partition-leader', 'silence-leader']);

export interface K8sFaultResult extends Omit<FaultResult, 'kind'> {
  kind: K8sFaultKind;
  /** kill-leader-unbound: the pod that triggered it, and whether it was still unbound once the leader was dead. */
  pod?: string;
  unboundAtKill?: boolean;
  /** kill-leader-unbound: ms from the kill until another leader had bound that pod. */
  boundAfterMs?: number;
  /** kill-leader-unbound: the pod was deleted before any leader bound it; its job's status then (Cancelled: the load had cancelled it). */
  goneWithJob?: string;
  /** kill-leader-bound: the bound pod's job status in PostgreSQL read right after the kill (Scheduled: the window was hit). */
  statusAtKill?: string;
  /** kill-leader-bound: ms from the kill until that job's record had moved past Scheduled (absent: not within 60 s). */
  recordedAfterMs?: number;
  /** restart-apiserver: ms from the stop until /readyz answered again. */
  downMs?: number;
  /** crash-worker: the crashed pod's job. */
  job?: string;
  /** crash-worker: ms from the crash until the job's next attempt had a pod (absent: no retry seen within 60 s). */
  retriedAfterMs?: number;
  /** crash-worker: why no retry was waited for further (KWOK overwrote the failure, or the job ended). */
  noRetry?: string;
  /** kill-leader-rollout: the version rolled out, and the endpoint as an api answered it right after the kill. */
  version?: number;
  rolloutAtKill?: string;
  /** kill-leader-rollout: ms from the kill until the endpoint was Complete on that version (absent: not within 2 min). */
  convergedAfterMs?: number;
}

export interface PlannedK8sFault {
  kind: K8sFaultKind;
  pauseS: number;
}

/**
 * The run's faults in a seeded order: `leaderKills` plain kills, `unboundKills` kills between
 * create and bind, `boundKills` kills between bind and record, `rolloutKills` kills of the
 * endpoint controller's leader in the middle of a rollout, and one each of: kill -9 of an
 * api mid-request, API server, PostgreSQL and Redis restarts, Redis FLUSHALL, a partition of
 * the leader from PostgreSQL (connections reset), a silent one (packets dropped), a worker crash.
 */
export function planK8s(random: Random, leaderKills: number, unboundKills: number, boundKills: number, rolloutKills = 0): PlannedK8sFault[] {
  const kinds: K8sFaultKind[] = ['kill-api', 'restart-apiserver', 'restart-postgres', 'restart-redis', 'flush-redis', 'partition-leader', 'silence-leader', 'crash-worker'];
  for (let i = 0; i < rolloutKills; i++) kinds.push('kill-leader-rollout');
  for (let i = 0; i < leaderKills; i++) kinds.push('kill-leader');
  for (let i = 0; i < unboundKills; i++) kinds.push('kill-leader-unbound');
  for (let i = 0; i < boundKills; i++) kinds.push('kill-leader-bound');
  for (let i = kinds.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [kinds[i], kinds[j]] = [kinds[j], kinds[i]];
  }
  return kinds.map((kind) => ({ kind, pauseS: 2 + Math.round(random() * 4) }));
}

/**
 * The local suite's injector (kill -9 of the leader or of an api mid-request, PostgreSQL and
 * Redis restarts, FLUSHALL, a partition of the leader from PostgreSQL through its TcpProxy,
 * waiting for the cluster to be whole) plus the faults of the Kubernetes driver:
 * - kill-leader-unbound: kill -9 of the leading controller the moment the pod watch shows a
 *   pod of ours created with no nodeName, i.e. after the leader's create and before its
 *   binding; the next leader must bind it (or delete it), never bind it twice;
 * - kill-leader-bound: kill -9 of the leading controller the moment the pod watch shows one
 *   of our pods get its nodeName, i.e. after the binding is stored on the API server and
 *   before the controller records what follows (the job is still Scheduled; Running is
 *   recorded once the reconciler sees the pod run): the next leader must adopt the bound pod,
 *   neither bind it again nor create another;
 * - restart-apiserver: kube-apiserver stopped and started on the same etcd and port;
 * - crash-worker: a Running first-attempt pod is reported Failed with exit code 1 (the test
 *   as its kubelet), so its job (maxRetries 1) runs a second attempt: what the checker's "no
 *   two attempts running at once" needs to be more than vacuous.
 */
export class K8sFaultInjector extends FaultInjector {
  constructor(
    cluster: ChaosCluster,
    private readonly k8s: K8sCluster,
    private readonly kc: KubeConfig,
    private readonly namespace: string,
    private readonly ledger: PodLedger,
    private readonly pick: Random,
    private readonly say: (line: string) => void,
    load: { inFlight: ReadonlySet<InFlight> },
    /** The run's endpoint, for kill-leader-rollout. */
    private readonly endpoint?: K8sEndpoint,
  ) {
    super(cluster, pick, say, load);
  }

  async inject(kind: K8sFaultKind): Promise<K8sFaultResult> {
    if (SHARED.has(kind)) return this.apply(kind as FaultKind);
    const started = Date.now();
    let result: K8sFaultResult;
    if (kind === 'restart-apiserver') {
      const downMs = await this.k8s.restartApiServer();
      result = { kind, at: started, target: 'kube-apiserver', downMs };
    } else if (kind === 'crash-worker') {
      result = await this.crashWorker();
    } else if (kind === 'kill-leader-bound') {
      result = await this.killAfterBind();
    } else if (kind === 'kill-leader-rollout') {
      result = await this.killMidRollout();
    } else {
      result = await this.killBeforeBind();
    }
    if (this.starting.length === 0) await this.recovered();
    result.recoveredMs = this.starting.length === 0 ? Date.now() - started : undefined;
    this.say(`fault ${JSON.stringify(result)}`);
    return result;
  }

  /** Waits (at most 60 s) for a pod created without a node, kills the leader at once from the watch callback. */
  private async killBeforeBind(): Promise<K8sFaultResult> {
    await this.settled();
    const leader = await this.leader();
    const armed = Date.now();
    let killedAt = armed;
    const seen = await new Promise<V1Pod | undefined>((resolve) => {
      const timer = setTimeout(() => (off(), resolve(undefined)), 60_000);
      const off = this.ledger.onPod((type, pod) => {
        if (type !== 'ADDED' || pod.spec?.nodeName || !pod.metadata?.labels?.['beamline.dev/training-job']) return;
        leader.platform?.child.kill('SIGKILL'); // now, in the callback: every await here is time for the bind
        killedAt = Date.now();
        clearTimeout(timer);
        off();
        resolve(pod);
      });
    });
    await this.cluster.kill(leader); // kill -9 when no pod came; otherwise waits for the exit only
    const at = seen ? killedAt : Date.now();
    const name = seen?.metadata?.name;
    const core = this.kc.makeApiClient(CoreV1Api);
    await sleep(200); // a binding the dead leader had in flight lands now or never
    const after = name ? await core.readNamespacedPod({ name, namespace: this.namespace }).catch(() => undefined) : undefined;
    const failoverMs = await this.failover(leader, at);
    this.starting.push(this.cluster.launch(leader));
    let boundAfterMs: number | undefined;
    let goneWithJob: string | undefined;
    if (name && after && !after.spec?.nodeName) {
      const until = Date.now() + 60_000;
      while (Date.now() < until) {
        const pod = await core.readNamespacedPod({ name, namespace: this.namespace }).catch(() => undefined);
        if (!pod) {
          // Deleted (its job cancelled, or the attempt given up): the checker judges the rest; the job's status says which.
          goneWithJob = await this.jobStatus(seen?.metadata?.annotations?.['beamline.dev/training-job-id']).catch(() => 'unread');
          break;
        }
        if (pod.spec?.nodeName) {
          boundAfterMs = Date.now() - at;
          break;
        }
        await sleep(100);
      }
    }
    return { kind: 'kill-leader-unbound', at, target: seen ? leader.name : `${leader.name} (no unbound pod within 60 s)`, failoverMs, pod: name, unboundAtKill: name ? Boolean(after && !after.spec?.nodeName) : undefined, boundAfterMs, goneWithJob };
  }

  /**
   * kill -9 of the endpoint controller's leader in the middle of a rollout: the endpoint is
   * told the other version, and the leader is killed from the watch callback the moment the
   * first pod of the new template is created (the Deployment has the new template, the
   * deployment controller is rolling, nothing is Complete). The next leader must adopt the
   * rollout where it stands and record it Complete on that version, neither rolling it back
   * nor starting it over; the sampler holds the cluster to maxUnavailable 0 meanwhile.
   */
  private async killMidRollout(): Promise<K8sFaultResult> {
    const endpoint = this.endpoint!;
    await this.settled();
    const leader = await waitFor(async () => endpointLeader(this.cluster), 30_000, 'a leader of the endpoint controller');
    const before = await endpoint.templateHashes();
    let killedAt = Date.now();
    let off: () => void = () => undefined;
    const seen = new Promise<V1Pod | undefined>((resolve) => {
      const timer = setTimeout(() => (off(), resolve(undefined)), 60_000);
      off = this.ledger.onPod((type, pod) => {
        if (type !== 'ADDED' || !K8sEndpoint.isOurs(pod) || before.has(K8sEndpoint.templateHash(pod))) return;
        leader.platform?.child.kill('SIGKILL'); // now, in the callback: the rollout has begun and is far from Complete
        killedAt = Date.now();
        clearTimeout(timer);
        off();
        resolve(pod);
      });
    });
    const version = await endpoint.rollout().catch((e: Error) => (off(), Promise.reject(e)));
    const pod = await seen;
    await this.cluster.kill(leader); // kill -9 when no new pod came; otherwise waits for the exit only
    const at = pod ? killedAt : Date.now();
    const state = await endpoint.read();
    const rolloutAtKill = state ? `${state.phase}, revision ${state.observed.revision ?? '-'} of ${state.desiredRevision} ${state.observed.rollout ?? '-'}, ${state.observed.readyReplicas ?? 0} ready` : 'unread';
    this.starting.push(this.cluster.launch(leader));
    const done = await endpoint.until(convergedOn(version), 120_000);
    const convergedAfterMs = convergedOn(version)(done) ? Date.now() - at : undefined;
    return { kind: 'kill-leader-rollout', at, target: pod ? leader.name : `${leader.name} (no pod of the new template within 60 s)`, pod: pod?.metadata?.name, version, rolloutAtKill, convergedAfterMs };
  }

  /** One job's status in PostgreSQL, read on a connection of its own. */
  private async jobStatus(id: string | undefined): Promise<string> {
    if (!id) return 'no job annotation';
    const db = await this.cluster.database();
    try {
      return (await db.query<{ status: string }>('SELECT status::text AS status FROM training_jobs WHERE id = $1', [id])).rows[0]?.status ?? 'missing';
    } finally {
      await db.end().catch(() => undefined);
    }
  }

  /**
   * Waits (at most 60 s) for one of our pods to get its nodeName in the watch (its binding is
   * stored), kills the leader at once from the watch callback, then reads the job's record:
   * Scheduled at the kill means the window was hit (bound on the cluster, not recorded past
   * Scheduled). Then times how long the next leader took to record it further.
   */
  private async killAfterBind(): Promise<K8sFaultResult> {
    await this.settled();
    const leader = await this.leader();
    let killedAt = Date.now();
    const seen = await new Promise<V1Pod | undefined>((resolve) => {
      const timer = setTimeout(() => (off(), resolve(undefined)), 60_000);
      const off = this.ledger.onPod((_type, pod, change) => {
        if (!change.boundNow || !pod.metadata?.labels?.['beamline.dev/training-job']) return;
        leader.platform?.child.kill('SIGKILL'); // now, in the callback: every await here is time for the record
        killedAt = Date.now();
        clearTimeout(timer);
        off();
        resolve(pod);
      });
    });
    await this.cluster.kill(leader);
    const at = seen ? killedAt : Date.now();
    const job = seen?.metadata?.annotations?.['beamline.dev/training-job-id'];
    const after = await this.afterKill(leader, at, job);
    return { kind: 'kill-leader-bound', at, target: seen ? leader.name : `${leader.name} (no pod bound within 60 s)`, pod: seen?.metadata?.name, job, ...after };
  }

  /**
   * One worker crashes: the first attempt-0 pod the watch shows Running (within 30 s) is
   * labelled for KWOK's chaos stage, which ends its container with exit code 1 and the pod
   * Failed, as a kubelet reports a crashed training process. The job (maxRetries 1) must run
   * attempt 1, after attempt 0. Waits (at most 60 s) for attempt 1's pod.
   */
  private async crashWorker(): Promise<K8sFaultResult> {
    const core = this.kc.makeApiClient(CoreV1Api);
    const armed = Date.now();
    const victim = await new Promise<V1Pod | undefined>((resolve) => {
      const timer = setTimeout(() => (off(), resolve(undefined)), 30_000);
      const off = this.ledger.onPod((type, pod) => {
        if (type === 'DELETED' || pod.status?.phase !== 'Running' || pod.metadata?.deletionTimestamp || pod.metadata?.labels?.['beamline.dev/attempt'] !== '0') return;
        clearTimeout(timer);
        off();
        resolve(pod);
      });
    });
    if (!victim) return { kind: 'crash-worker', at: armed, target: '(no Running pod within 30 s)' };
    const at = Date.now();
    const name = victim.metadata!.name!;
    const job = victim.metadata!.annotations!['beamline.dev/training-job-id'];
    // KWOK's chaos stage (tools/kwok/stages/pod-container-running-failed.yaml) fails it, not a
    // status patch from here: KWOK replaces a pod's pending stage only when a new one matches,
    // so a patched Failed pod still had its run-for stage fire and turn it Succeeded.
    const labels = { 'pod-container-running-failed.stage.kwok.x-k8s.io': 'true' };
    const annotations = { 'pod-container-running-failed.stage.kwok.x-k8s.io/message': 'crashed by the chaos test' };
    const crashed = await core
      .patchNamespacedPod({ name, namespace: this.namespace, body: { metadata: { labels, annotations } } }, setHeaderOptions('Content-Type', PatchStrategy.MergePatch))
      .then(() => true)
      .catch((e: Error) => (this.say(`crash-worker: ${name} could not be labelled: ${e.message}`), false)); // deleted meanwhile
    // Waits for attempt 1's pod, but not for one that cannot come: the pod ended Succeeded before
    // KWOK saw the label (its run-for stage fired first), or the job ended (a cancel).
    let retriedAfterMs: number | undefined;
    let noRetry: string | undefined;
    const until = Date.now() + 60_000;
    for (let i = 0; crashed && Date.now() < until && retriedAfterMs === undefined && !noRetry; i++) {
      const pods = [...this.ledger.pods.values()].filter((p) => p.jobId === job);
      if (pods.some((p) => p.attempt === '1')) retriedAfterMs = Date.now() - at;
      else if (pods.some((p) => p.name === name && p.phases.includes('Succeeded') && !p.phases.includes('Failed'))) noRetry = 'pod ended Succeeded before the crash';
      else if (i % 20 === 19 && ['Succeeded', 'Failed', 'Cancelled'].includes(await this.jobStatus(job).catch(() => ''))) noRetry = 'job ended';
      else await sleep(100);
    }
    return { kind: 'crash-worker', at, target: crashed ? name : `${name} (ended before the crash)`, pod: name, job, retriedAfterMs, noRetry };
  }
}
