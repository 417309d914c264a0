import type { V1PersistentVolumeClaim, V1Volume, V1VolumeMount } from '@kubernetes/client-node';
import type { WorkloadSpec } from '../cluster-driver.js';
import { ANNOTATION, LABEL, MANAGED_BY, dnsLabel, labelValue } from './k8s-names.js';

/** BEAMLINE_CHECKPOINT_DIR in every worker container. */
export const CHECKPOINT_DIR = '/beamline/checkpoints';
const VOLUME = 'beamline-checkpoints';

/** One claim per job (not per attempt): every attempt mounts the same one. */
export const checkpointClaimName = (jobId: string) => dnsLabel(`bl-${jobId}-ckpt`);

/** Whether checkpoints outlive the pod: only with a per-job PVC. */
export const checkpointsPersist = (spec: WorkloadSpec) => Boolean(spec.checkpoint?.storageClass);

/**
 * The job's checkpoint PVC, when a StorageClass is configured. Labelled with the job but
 * not the attempt, so deleting an attempt's objects by label never takes it with them.
 * A gang's workers may sit on different nodes, so they need ReadWriteMany; one worker
 * asks only for ReadWriteOnce, which every provisioner offers.
 */
export function checkpointClaim(spec: WorkloadSpec, namespace: string): V1PersistentVolumeClaim | undefined {
  const cp = spec.checkpoint;
  if (!cp?.storageClass) return undefined;
  return {
    apiVersion: 'v1',
    kind: 'PersistentVolumeClaim',
    metadata: {
      name: checkpointClaimName(spec.jobId),
      namespace,
      labels: { [LABEL.managedBy]: MANAGED_BY, [LABEL.project]: labelValue(spec.project), [LABEL.job]: labelValue(spec.jobId) },
      annotations: { [ANNOTATION.jobId]: spec.jobId },
    },
    spec: {
      storageClassName: cp.storageClass,
      accessModes: [spec.workers.length > 1 ? 'ReadWriteMany' : 'ReadWriteOnce'],
      resources: { requests: { storage: cp.size } },
    },
  };
}

/**
 * The checkpoint volume of a worker: the job's PVC, or without a StorageClass an emptyDir,
 * which lives and dies with this pod. Then a retry, a preemption or a lost node starts
 * afresh (BEAMLINE_RESUME_FROM stays empty); only the job's own code sees its checkpoints.
 */
export function checkpointVolume(spec: WorkloadSpec): { volume: V1Volume; mount: V1VolumeMount } | undefined {
  if (!spec.checkpoint) return undefined;
  const volume: V1Volume = checkpointsPersist(spec)
    ? { name: VOLUME, persistentVolumeClaim: { claimName: checkpointClaimName(spec.jobId) } }
    : { name: VOLUME, emptyDir: {} };
  return { volume, mount: { name: VOLUME, mountPath: CHECKPOINT_DIR } };
}
