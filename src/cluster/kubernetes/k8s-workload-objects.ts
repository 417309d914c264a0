import type { V1Pod, V1Service } from '@kubernetes/client-node';
import { workerEnv, type WorkloadSpec } from '../cluster-driver.js';
import { ANNOTATION, GPU_RESOURCE, LABEL, MANAGED_BY, MASTER_PORT, MIG_RESOURCE_PREFIX, SCHEDULER_NAME, WORKER_CONTAINER, labelValue, podName, serviceName } from './k8s-names.js';

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
 * - Whole GPUs are `nvidia.com/gpu` limits, a MIG slice is `nvidia.com/mig-<profile>: 1`,
 *   so the device plugin on a real node hands out those devices. A fractional share asks
 *   for no GPU resource: the device index travels in the annotation and in
 *   NVIDIA_VISIBLE_DEVICES, and the node must enforce the share (MPS or a sharing plugin).
 * - Memory limit = request: a training process that outgrows it should fail loudly, not
 *   push other workers off the node. No CPU limit (throttling slows data loaders).
 * - No service links and no API token: a trainer needs neither.
 */
export function workerPod(spec: WorkloadSpec, index: number, namespace: string): V1Pod {
  const placement = spec.workers[index];
  const env = workerEnv(spec, index, masterAddr(spec, namespace), MASTER_PORT);
  const limits: Record<string, string> = { memory: `${spec.memoryMiB}Mi` };
  if (spec.gpuCount > 0) limits[GPU_RESOURCE] = String(spec.gpuCount);
  const mig = placement.migProfile ?? spec.migProfile;
  if (mig) limits[`${MIG_RESOURCE_PREFIX}${mig}`] = '1';
  const annotations: Record<string, string> = {
    [ANNOTATION.jobId]: spec.jobId,
    [ANNOTATION.gpuIndexes]: placement.gpuIndexes.join(','),
  };
  if (placement.gpuMilli !== undefined) annotations[ANNOTATION.gpuMilli] = String(placement.gpuMilli);
  if (mig) annotations[ANNOTATION.migProfile] = mig;
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
      tolerations: [{ key: GPU_RESOURCE, operator: 'Exists', effect: 'NoSchedule' }],
      containers: [
        {
          name: WORKER_CONTAINER,
          image: spec.image,
          ...(spec.command.length ? { command: spec.command } : {}),
          ...(spec.args.length ? { args: spec.args } : {}),
          ...(spec.workingDir ? { workingDir: spec.workingDir } : {}),
          env: Object.entries(env)
            .sort(([a], [b]) => a.localeCompare(b))
            .map(([name, value]) => ({ name, value })),
          resources: { requests: { cpu: `${spec.cpuMilli}m`, memory: `${spec.memoryMiB}Mi` }, limits },
        },
      ],
    },
  };
}
