import type { CoreV1Api, V1PersistentVolumeClaim, V1Pod } from '@kubernetes/client-node';
import { statusOf } from './k8s-calls.js';
import { workloadSelector } from './k8s-names.js';

/**
 * The idempotent writes a workload is made of, shared by the per-workload path
 * (KubernetesDriver.createWorkload) and the batch (k8s-batch.ts). Each may be repeated after
 * a crash, a restart or a lost answer: an existing object counts as made, a pod already bound
 * to the same node counts as bound.
 */
export type WorkloadApi = Pick<
  CoreV1Api,
  | 'createNamespacedPersistentVolumeClaim'
  | 'readNamespacedPersistentVolumeClaim'
  | 'deleteNamespacedPersistentVolumeClaim'
  | 'createNamespacedPod'
  | 'readNamespacedPod'
  | 'createNamespacedPodBinding'
  | 'createNamespacedService'
  | 'createNamespacedSecret'
  | 'deleteCollectionNamespacedPod'
  | 'deleteCollectionNamespacedService'
>;

/**
 * True when this call made the claim; false when it was there. One being deleted (the job
 * ended and was resumed before the pvc-protection finalizer let it go) cannot be mounted: the
 * call fails, and the next reconcile pass makes it anew once it is gone.
 */
export async function createClaim(core: WorkloadApi, namespace: string, body: V1PersistentVolumeClaim): Promise<boolean> {
  try {
    await core.createNamespacedPersistentVolumeClaim({ namespace, body });
    return true;
  } catch (e) {
    if (statusOf(e) !== 409) throw e;
    const existing = await core.readNamespacedPersistentVolumeClaim({ namespace, name: body.metadata!.name! });
    if (existing.metadata?.deletionTimestamp) throw new Error(`the claim ${body.metadata!.name} is still being deleted; the attempt starts once it is gone`, { cause: e });
    return false;
  }
}

/** Creates a pod (409 AlreadyExists counts as created) and answers its name and uid, read back when it was there already. */
export async function createPod(core: WorkloadApi, namespace: string, body: V1Pod): Promise<{ name: string; uid: string }> {
  const name = body.metadata!.name!;
  try {
    const made = await core.createNamespacedPod({ namespace, body });
    if (made.metadata?.uid) return { name, uid: made.metadata.uid };
  } catch (e) {
    if (statusOf(e) !== 409) throw e;
  }
  const existing = await core.readNamespacedPod({ namespace, name });
  return { name, uid: existing.metadata!.uid! };
}

/**
 * Binds a pod to `node` (POST pods/{name}/binding, the subresource the RBAC grants). The API
 * answers with a Status (not the V1Binding the OpenAPI claims), so the body is not used. A
 * 409 means the pod has a node already: the same one counts as bound, another is an error.
 */
export async function bindPod(core: WorkloadApi, namespace: string, name: string, node: string): Promise<void> {
  const body = { apiVersion: 'v1', kind: 'Binding', metadata: { name }, target: { apiVersion: 'v1', kind: 'Node', name: node } };
  try {
    await core.createNamespacedPodBinding({ name, namespace, body });
  } catch (e) {
    if (statusOf(e) !== 409) throw e;
    const existing = await core.readNamespacedPod({ name, namespace });
    if (existing.spec?.nodeName !== node) throw new Error(`pod ${name} is already bound to ${existing.spec?.nodeName}, not ${node}`, { cause: e });
  }
}

/** Deletes every pod and Service of one attempt (all attempts without `attempt`); deleting what is gone succeeds. */
export async function deleteAttempt(core: WorkloadApi, namespace: string, jobId: string, attempt?: number): Promise<void> {
  const labelSelector = workloadSelector(jobId, attempt);
  await Promise.all([core.deleteCollectionNamespacedPod({ namespace, labelSelector }), core.deleteCollectionNamespacedService({ namespace, labelSelector })]);
}
