import type { V1EnvVar, V1Pod, V1Secret, V1Service } from '@kubernetes/client-node';
import { checkpointEnv, workerEnv, type WorkloadSpec } from '../cluster-driver.js';
import { CHECKPOINT_DIR, checkpointsPersist, checkpointVolume } from './k8s-checkpoint-volume.js';
import { userVolumes } from './k8s-job-volumes.js';
import { SECRET_DIR, containerSecurityContext, jobVolumes, podSecurityContext, workingDirOf, workspaceOf } from './k8s-pod-security.js';
import { podGpuRequest } from './k8s-gpu-devices.js';
import { ANNOTATION, GPU_RESOURCE, LABEL, MANAGED_BY, MASTER_PORT, SCHEDULER_NAME, WORKER_CONTAINER, labelValue, podName, serviceName } from './k8s-names.js';

/** The Secret of one attempt's secretEnv: named after its first pod, which owns it (deleted with it). */
export const secretName = (spec: WorkloadSpec) => `${podName(spec.jobId, spec.attempt, 0)}-env`;
export const hasSecretEnv = (spec: WorkloadSpec) => Object.keys(spec.secretEnv ?? {}).length > 0;

export function envSecret(spec: WorkloadSpec, namespace: string, owner: { name: string; uid: string }): V1Secret {
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    type: 'Opaque',
    metadata: {
      name: secretName(spec),
      namespace,
      labels: labelsOf(spec),
      ownerReferences: [{ apiVersion: 'v1', kind: 'Pod', name: owner.name, uid: owner.uid }],
    },
    stringData: spec.secretEnv ?? {},
  };
}

function labelsOf(spec: WorkloadSpec): Record<string, string> {
  return {
    [LABEL.managedBy]: MANAGED_BY,
    [LABEL.project]: labelValue(spec.project),
    [LABEL.job]: labelValue(spec.jobId),
    [LABEL.attempt]: String(spec.attempt),
  };
}

/** The headless Service whose DNS name is MASTER_ADDR: it selects worker 0 of the attempt. */
export function masterService(spec: WorkloadSpec, namespace: string): V1Service {
  const labels = labelsOf(spec);
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: serviceName(spec.jobId, spec.attempt), namespace, labels, annotations: { [ANNOTATION.jobId]: spec.jobId } },
    spec: {
      clusterIP: 'None',
      selector: { ...labels, [LABEL.worker]: '0' },
      ports: [{ name: 'master', port: MASTER_PORT, targetPort: MASTER_PORT, protocol: 'TCP' }],
      // Rank 0 must be resolvable before it is Ready: the other ranks dial it while it starts.
      publishNotReadyAddresses: true,
    },
  };
}

/** A single worker is its own master: no Service (one API call less per job), MASTER_ADDR is loopback. */
export const needsMasterService = (spec: WorkloadSpec) => spec.workers.length > 1;
export const masterAddr = (spec: WorkloadSpec, namespace: string) =>
  needsMasterService(spec) ? `${serviceName(spec.jobId, spec.attempt)}.${namespace}.svc` : '127.0.0.1';

/**
 * Worker `index` of one attempt. Notes on the choices:
 * - `schedulerName` keeps kube-scheduler away; Beamline binds it itself (pods/binding).
 * - GPUs (whole, MIG slice, fractional share): see podGpuRequest in k8s-gpu-devices.ts. The
 *   device plugin picks the devices; no CUDA_VISIBLE_DEVICES with a host index.
 * - Memory limit = request: a training process that outgrows it should fail loudly, not
 *   push other workers off the node. No CPU limit (throttling slows data loaders).
 * - No service links and no service-account token: a trainer needs neither. Its Beamline
 *   API token (secretEnv) comes from a Secret, never as a plain value in the pod spec: as
 *   env (secretKeyRef: the SDKs read BEAMLINE_TOKEN) and as read-only files under
 *   SECRET_DIR (BEAMLINE_TOKEN_FILE), for code that must not keep it in its environment.
 * - Restricted security context, writable /tmp and workspace: see k8s-pod-security.ts.
 * - Checkpoints (issue 15): the job's PVC, or an emptyDir, at CHECKPOINT_DIR; see k8s-checkpoint-volume.ts.
 *   The spec's own volumes (claims, scratch, /dev/shm): k8s-job-volumes.ts.
 */
export function workerPod(spec: WorkloadSpec, index: number, namespace: string): V1Pod {
  const placement = spec.workers[index];
  const secret = hasSecretEnv(spec) ? secretName(spec) : undefined;
  const gpu = podGpuRequest(spec, placement);
  const env: Record<string, string> = {
    HOME: workspaceOf(spec),
    ...workerEnv(spec, index, masterAddr(spec, namespace), MASTER_PORT, false),
    ...gpu.env,
    ...(secret && spec.secretEnv?.BEAMLINE_TOKEN ? { BEAMLINE_TOKEN_FILE: `${SECRET_DIR}/BEAMLINE_TOKEN` } : {}),
    ...checkpointEnv(spec, CHECKPOINT_DIR, checkpointsPersist(spec)),
  };
  const own = userVolumes(spec, secret);
  Object.assign(env, own.env);
  const { volumes, mounts } = jobVolumes(spec, secret);
  const checkpoints = checkpointVolume(spec);
  if (checkpoints) {
    volumes.push(checkpoints.volume);
    mounts.push(checkpoints.mount);
  }
  volumes.push(...own.volumes);
  mounts.push(...own.mounts);
  const workingDir = workingDirOf(spec);
  const fromSecret: V1EnvVar[] = Object.keys(spec.secretEnv ?? {})
    .sort()
    .map((name) => ({ name, valueFrom: { secretKeyRef: { name: secretName(spec), key: name } } }));
  const limits: Record<string, string> = { memory: `${spec.memoryMiB}Mi`, ...gpu.limits };
  const annotations: Record<string, string> = { [ANNOTATION.jobId]: spec.jobId, ...gpu.annotations };
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: podName(spec.jobId, spec.attempt, index),
      namespace,
      labels: { ...labelsOf(spec), [LABEL.worker]: String(index) },
      annotations,
    },
    spec: {
      schedulerName: SCHEDULER_NAME,
      restartPolicy: 'Never',
      enableServiceLinks: false,
      automountServiceAccountToken: false,
      securityContext: podSecurityContext(spec),
      volumes,
      // Dataset archives are fetched into their emptyDirs before the worker starts (k8s-job-volumes.ts).
      ...(own.initContainers.length ? { initContainers: own.initContainers } : {}),
      tolerations: [{ key: GPU_RESOURCE, operator: 'Exists', effect: 'NoSchedule' }],
      containers: [
        {
          name: WORKER_CONTAINER,
          image: spec.image,
          ...(spec.command.length ? { command: spec.command } : {}),
          ...(spec.args.length ? { args: spec.args } : {}),
          ...(workingDir ? { workingDir } : {}),
          securityContext: containerSecurityContext(),
          volumeMounts: mounts,
          env: [
            ...Object.entries(env)
              .sort(([a], [b]) => a.localeCompare(b))
              .map(([name, value]) => ({ name, value })),
            ...fromSecret,
          ],
          resources: { requests: { cpu: `${spec.cpuMilli}m`, memory: `${spec.memoryMiB}Mi` }, limits },
        },
      ],
    },
  };
}
