import type { V1Deployment, V1Pod, V1ReplicaSet } from '@kubernetes/client-node';
import { RUNTIME_PORT, type EndpointObservation, type EndpointRef, type RolloutState } from '../../serving-driver.js';
import { SERVING_ANNOTATION, SERVING_LABEL, serviceUrl } from './serving-names.js';

export interface ServingObjects {
  deployments: readonly V1Deployment[];
  replicaSets: readonly V1ReplicaSet[];
  pods: readonly V1Pod[];
}

/** The endpoint a Deployment belongs to, from its annotations; undefined when it is not one of ours. */
export function refOf(d: V1Deployment): EndpointRef | undefined {
  const a = d.metadata?.annotations ?? {};
  const [endpointId, project, name] = [a[SERVING_ANNOTATION.endpointId], a[SERVING_ANNOTATION.project], a[SERVING_ANNOTATION.endpointName]];
  return endpointId && project && name ? { endpointId, project, name } : undefined;
}

/** hash → revision from the Deployment's annotation; an unreadable one counts as empty. */
export function revisionsOf(d: V1Deployment | undefined): Record<string, number> {
  try {
    const parsed: unknown = JSON.parse(d?.metadata?.annotations?.[SERVING_ANNOTATION.revisions] ?? '{}');
    return parsed && typeof parsed === 'object' ? (parsed as Record<string, number>) : {};
  } catch {
    return {};
  }
}

const ownedBy = (obj: { metadata?: { ownerReferences?: { uid: string }[] } }, uid: string | undefined) =>
  uid !== undefined && (obj.metadata?.ownerReferences ?? []).some((o) => o.uid === uid);
const isReady = (pod: V1Pod) => pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
const live = (pod: V1Pod) => !pod.metadata?.deletionTimestamp && pod.status?.phase !== 'Succeeded';

export const restartsOf = (pod: V1Pod) => (pod.status?.containerStatuses ?? []).reduce((n, c) => n + (c.restartCount ?? 0), 0);

/** The last termination of a container, as "reason: message (exit code n)". */
export function lastTermination(pod: V1Pod): string | undefined {
  for (const c of pod.status?.containerStatuses ?? []) {
    const t = c.state?.terminated ?? c.lastState?.terminated;
    if (t) return `${[t.reason, t.message].filter(Boolean).join(': ') || 'terminated'} (exit code ${t.exitCode})`;
  }
  return undefined;
}

/** Why a replica is crash-looping, or undefined when it is not. */
export function crashOf(pod: V1Pod, crashLoopAfter: number): string | undefined {
  const statuses = pod.status?.containerStatuses ?? [];
  const looping = statuses.some((c) => c.state?.waiting?.reason === 'CrashLoopBackOff');
  if (pod.status?.phase !== 'Failed' && !looping && restartsOf(pod) < crashLoopAfter) return undefined;
  const what = pod.status?.phase === 'Failed' ? 'failed' : `crash-looping (${restartsOf(pod)} restarts)`;
  const last = lastTermination(pod) ?? pod.status?.message;
  return `replica ${pod.metadata?.name} is ${what}${last ? `; last termination: ${last}` : ''}`;
}

/** The scheduler's reason when the pod cannot be placed. */
export function unschedulableOf(pod: V1Pod): string | undefined {
  const c = pod.status?.conditions?.find((x) => x.type === 'PodScheduled' && x.status === 'False');
  return c ? `replica ${pod.metadata?.name} cannot be scheduled: ${c.message ?? c.reason ?? 'no node fits'}` : undefined;
}

/**
 * One observation per Deployment, from cached objects only. Pods and ReplicaSets are tied
 * to their Deployment by owner references; a ReplicaSet's Beamline revision comes from its
 * template-hash label through the Deployment's hash → revision map.
 */
export function observeEndpoints(objects: ServingObjects, namespace: string, crashLoopAfter: number): EndpointObservation[] {
  const out: EndpointObservation[] = [];
  for (const d of objects.deployments) {
    const ref = refOf(d);
    if (!ref) continue;
    const revisions = revisionsOf(d);
    const revision = Number(d.metadata?.annotations?.[SERVING_ANNOTATION.revision] ?? 0);
    const hash = d.metadata?.annotations?.[SERVING_ANNOTATION.templateHash];
    const sets = objects.replicaSets.filter((rs) => ownedBy(rs, d.metadata?.uid));
    const current = sets.find((rs) => rs.spec?.template?.metadata?.labels?.[SERVING_LABEL.templateHash] === hash);
    const pods = objects.pods.filter((p) => live(p) && sets.some((rs) => ownedBy(p, rs.metadata?.uid)));
    const currentPods = pods.filter((p) => ownedBy(p, current?.metadata?.uid));

    const readyByRevision: Record<number, number> = {};
    for (const rs of sets) {
      const ready = pods.filter((p) => ownedBy(p, rs.metadata?.uid) && isReady(p)).length;
      const rev = rs === current ? revision : revisions[rs.spec?.template?.metadata?.labels?.[SERVING_LABEL.templateHash] ?? ''];
      if (ready > 0 && rev !== undefined) readyByRevision[rev] = (readyByRevision[rev] ?? 0) + ready;
    }
    const availableReplicas = pods.filter(isReady).length;
    const readyReplicas = currentPods.filter(isReady).length;
    const replicas = d.spec?.replicas ?? 0;
    const obs: EndpointObservation = {
      ...ref,
      revision,
      replicas,
      readyReplicas,
      updatedReplicas: currentPods.length,
      availableReplicas,
      restarts: pods.reduce((n, p) => n + restartsOf(p), 0),
      rollout: 'Progressing',
      readyByRevision,
      // The Service's DNS name, not ready pod IPs: the controller stores upstreams in
      // PostgreSQL for the API replicas, and a name that outlives pod churn needs no write
      // per pod change (nor a pods watch, and its RBAC, in the api role); the Service's
      // EndpointSlices already follow readiness, so a draining or unready pod gets no new
      // connection. Cost: kube-proxy balances per connection, so one keep-alive socket stays
      // on one replica; concurrent requests open more sockets and spread. Outside the cluster
      // the same URL names the Service for the API server's proxy (api-server-proxy.ts).
      upstreams: availableReplicas > 0 ? [serviceUrl(ref, namespace, RUNTIME_PORT)] : [],
    };
    Object.assign(obs, rolloutOf(d, currentPods, readyReplicas, crashLoopAfter));
    out.push(obs);
  }
  return out.sort((a, b) => a.project.localeCompare(b.project) || a.name.localeCompare(b.name));
}

/**
 * Complete: the controller saw the latest spec and every replica runs it and is available,
 * with no old replica left. Failed: the controller's own deadline (ProgressDeadlineExceeded)
 * or a replica of the new revision crash-looping. An unschedulable replica may still be
 * placed once capacity frees, so it stays Progressing with the reason.
 */
function rolloutOf(d: V1Deployment, currentPods: V1Pod[], ready: number, crashLoopAfter: number): { rollout: RolloutState; reason?: string; message?: string } {
  const status = d.status ?? {};
  const fresh = (status.observedGeneration ?? 0) >= (d.metadata?.generation ?? 1);
  const replicas = d.spec?.replicas ?? 0;
  // `?? 0`: the API server leaves zero counts out, so a Deployment scaled to 0 (autoscaling) has no updatedReplicas.
  if (fresh && (status.updatedReplicas ?? 0) === replicas && (status.availableReplicas ?? 0) === replicas && (status.replicas ?? 0) === replicas) {
    return { rollout: 'Complete' };
  }
  const progressing = status.conditions?.find((c) => c.type === 'Progressing');
  if (fresh && progressing?.status === 'False' && progressing.reason === 'ProgressDeadlineExceeded') {
    return { rollout: 'Failed', reason: 'ProgressDeadlineExceeded', message: progressing.message ?? 'the rollout missed its progress deadline' };
  }
  for (const pod of currentPods) {
    const crash = crashOf(pod, crashLoopAfter);
    if (crash) return { rollout: 'Failed', reason: 'CrashLoop', message: crash };
  }
  for (const pod of currentPods) {
    const why = unschedulableOf(pod);
    if (why) return { rollout: 'Progressing', reason: 'Unschedulable', message: why };
  }
  return { rollout: 'Progressing', reason: 'ReplicaStarting', message: `${ready} of ${replicas} replicas of the new revision ready` };
}
