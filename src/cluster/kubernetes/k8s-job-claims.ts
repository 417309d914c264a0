import type { V1PersistentVolumeClaim } from '@kubernetes/client-node';
import type { WorkloadSpec } from '../cluster-driver.js';
import { jobClaimName } from '../../training/training-volumes.js';
import { ANNOTATION, LABEL, MANAGED_BY, labelValue } from './k8s-names.js';

/** On a job's own claim: the volume it backs, and `true` when it is kept after the job (retain). */
export const CLAIM_LABEL = { volume: 'beamline.dev/volume', retain: 'beamline.dev/retain' } as const;

/**
 * The PVCs a job makes for itself (`newClaim` volumes, issue 15), one per volume. Labelled
 * with the job but never the attempt, so deleting an attempt's objects by label (retry,
 * preemption, orphan clean-up) never takes them: every attempt mounts the same claims.
 * `storageClassName` is left out when none was asked for, so the cluster's default
 * StorageClass provisions it (an empty string would ask for no class at all).
 */
export function jobClaims(spec: WorkloadSpec, namespace: string): V1PersistentVolumeClaim[] {
  return (spec.volumes ?? []).flatMap((v) => {
    const c = v.newClaim;
    if (!c) return [];
    const claim: V1PersistentVolumeClaim = {
      apiVersion: 'v1',
      kind: 'PersistentVolumeClaim',
      metadata: {
        name: jobClaimName(spec.jobId, v.name),
        namespace,
        labels: {
          [LABEL.managedBy]: MANAGED_BY,
          [LABEL.project]: labelValue(spec.project),
          [LABEL.job]: labelValue(spec.jobId),
          [CLAIM_LABEL.volume]: v.name,
          [CLAIM_LABEL.retain]: String(c.retain),
        },
        annotations: { [ANNOTATION.jobId]: spec.jobId },
      },
      spec: {
        ...(c.storageClass !== undefined ? { storageClassName: c.storageClass } : {}),
        accessModes: [c.accessMode],
        resources: { requests: { storage: `${c.sizeMiB}Mi` } },
      },
    };
    return [claim];
  });
}
