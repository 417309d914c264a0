import type { V1Deployment, V1EnvVar, V1PodSecurityContext, V1PodTemplateSpec, V1Probe, V1Secret, V1SecurityContext, V1Service } from '@kubernetes/client-node';
import { RUNTIME_PORT, type EndpointDeployment, type EndpointRef } from '../../serving-driver.js';
import { GFD, GPU_RESOURCE } from '../k8s-names.js';
import {
  RUNTIME_CONTAINER,
  SERVING_ANNOTATION,
  SERVING_LABEL,
  TOKEN_KEY,
  contentHash,
  endpointLabels,
  endpointObjectName,
  replicaSecretName,
  tokenSecretName,
} from './serving-names.js';

/** Time the runtime gives its longest request after draining, before it exits on its own. */
export const REQUEST_MARGIN_SECONDS = 25;
/** The kubelet's SIGKILL must come after the runtime's own deadline, never before it. */
const KILL_MARGIN_SECONDS = 5;
const CACHE_DIR = '/var/cache/beamline';
/** A model download plus session creation and warm-up may take minutes: 120 × 5 s before the kubelet gives up. */
const STARTUP_PROBE: V1Probe = { httpGet: { path: '/v2/health/ready', port: RUNTIME_PORT }, periodSeconds: 5, failureThreshold: 120, timeoutSeconds: 3 };
const READINESS_PROBE: V1Probe = { httpGet: { path: '/v2/health/ready', port: RUNTIME_PORT }, periodSeconds: 5, failureThreshold: 2, timeoutSeconds: 3 };
/** onnxruntime's run blocks the event loop, so a big batch delays /live: be patient before a restart. */
const LIVENESS_PROBE: V1Probe = { httpGet: { path: '/v2/health/live', port: RUNTIME_PORT }, periodSeconds: 10, failureThreshold: 3, timeoutSeconds: 5 };

/**
 * Kubernetes' "restricted" Pod Security Standard. The runtime is a Node process that reads
 * its image and writes only the model cache and /tmp (both emptyDirs), so it needs no root,
 * no capability and no writable root filesystem. runAsUser is set because runAsNonRoot
 * alone refuses an image whose USER is root or a name; 65532 is the usual "nonroot".
 */
const NON_ROOT = 65532;
const POD_SECURITY: V1PodSecurityContext = {
  runAsNonRoot: true,
  runAsUser: NON_ROOT,
  runAsGroup: NON_ROOT,
  fsGroup: NON_ROOT,
  seccompProfile: { type: 'RuntimeDefault' },
};
const CONTAINER_SECURITY: V1SecurityContext = {
  runAsNonRoot: true,
  allowPrivilegeEscalation: false,
  readOnlyRootFilesystem: true,
  capabilities: { drop: ['ALL'] },
  seccompProfile: { type: 'RuntimeDefault' },
};

/** The runtime's settings as its BEAMLINE_RUNTIME_* variables (docs/runtime.md); ours win over user env of the same name. */
function runtimeEnv(d: EndpointDeployment): V1EnvVar[] {
  const { runtime } = d.template;
  const ours: Record<string, string> = {
    ...modelEnv(d),
    BEAMLINE_RUNTIME_PORT: String(RUNTIME_PORT),
    BEAMLINE_RUNTIME_CACHE_DIR: CACHE_DIR,
    BEAMLINE_RUNTIME_BATCHING: runtime.batching ? 'on' : 'off',
    BEAMLINE_RUNTIME_MAX_BATCH_SIZE: String(runtime.maxBatchSize),
    BEAMLINE_RUNTIME_MAX_QUEUE_DELAY_MICROS: String(runtime.maxQueueDelayMicros),
    BEAMLINE_RUNTIME_DRAIN_SECONDS: String(d.drainSeconds),
    BEAMLINE_RUNTIME_GRACE_SECONDS: String(d.drainSeconds + REQUEST_MARGIN_SECONDS),
    // Only for a GPU provider: a cpu endpoint's pod template (and its hash) stays as it was.
    ...(runtime.executionProvider && runtime.executionProvider !== 'cpu'
      ? { BEAMLINE_RUNTIME_EXECUTION_PROVIDERS: runtime.executionProvider, BEAMLINE_RUNTIME_PROVIDER_FALLBACK: 'off' }
      : {}),
  };
  // Sorted and unique by name: the env list is keyed by name under server-side apply, and a
  // stable order keeps the template hash stable.
  const merged = { ...runtime.env, ...ours };
  const env: V1EnvVar[] = Object.keys(merged)
    .sort()
    .map((name) => ({ name, value: merged[name] }));
  if (d.runtimeToken) {
    const valueFrom = { secretKeyRef: { name: tokenSecretName(d), key: TOKEN_KEY } };
    env.push({ name: 'BEAMLINE_RUNTIME_TOKEN', valueFrom });
  }
  // From a Secret, never a plain value: a Deployment's spec is readable by far more people
  // (and tools) than a Secret, and the token is what keeps other pods off the replicas.
  env.push({ name: 'BEAMLINE_RUNTIME_REPLICA_TOKEN', valueFrom: { secretKeyRef: { name: replicaSecretName(d), key: TOKEN_KEY } } });
  return env;
}

/**
 * One model (its registry URL, name, version), or a multi-model replica's list of registry
 * URLs and memory budget: the runtime downloads each with the same token and sha256 check.
 */
function modelEnv({ template: { model, modelSet } }: EndpointDeployment): Record<string, string> {
  if (!modelSet) return { BEAMLINE_RUNTIME_MODEL: model.url, BEAMLINE_RUNTIME_NAME: model.name, BEAMLINE_RUNTIME_VERSION: String(model.version) };
  const models = modelSet.models.map((m) => ({ name: m.name, version: String(m.version), model: m.url }));
  return { BEAMLINE_RUNTIME_MODELS: JSON.stringify(models), BEAMLINE_RUNTIME_MEMORY_BUDGET: `${Math.floor(modelSet.memoryBudgetBytes / 2 ** 20)}Mi` };
}

/**
 * The pod template, and its content hash (which it also carries as a label). Nothing in it
 * depends on the Beamline revision number: re-applying an older revision's template gives a
 * byte-identical template, so the deployment controller scales that revision's ReplicaSet
 * back up instead of starting a new one, which is what makes a rollback fast.
 *
 * Placement: the default kube-scheduler places endpoint pods (no `schedulerName`), by the
 * `nvidia.com/gpu` limit, the GPU taint's toleration and a required node affinity on GFD's
 * product label. Beamline's own GPU scheduler counts them as foreign GPU pods; it never
 * binds them, so serving does not wait on the training queue.
 *
 * No preStop hook: on SIGTERM the runtime itself turns not-ready and keeps serving for
 * `drainSeconds` (with `Connection: close`) while Services and proxies drop the pod, which
 * is what a `sleep` preStop would be for. The grace period covers drain + the runtime's
 * request margin + a little, so the kubelet never kills a replica that is still finishing.
 */
export function podTemplate(d: EndpointDeployment, image: string): { template: V1PodTemplateSpec; hash: string } {
  const { resources } = d.template;
  const quantities: Record<string, string> = { cpu: `${resources.cpuMilli}m`, memory: `${resources.memoryMiB}Mi` };
  const limits = { ...quantities, ...(resources.gpuCount > 0 ? { [GPU_RESOURCE]: String(resources.gpuCount) } : {}) };
  const spec: V1PodTemplateSpec['spec'] = {
    enableServiceLinks: false,
    automountServiceAccountToken: false,
    terminationGracePeriodSeconds: d.drainSeconds + REQUEST_MARGIN_SECONDS + KILL_MARGIN_SECONDS,
    securityContext: POD_SECURITY,
    containers: [
      {
        name: RUNTIME_CONTAINER,
        image,
        command: ['beamline', 'runtime'],
        ports: [{ name: 'http', containerPort: RUNTIME_PORT, protocol: 'TCP' }],
        env: runtimeEnv(d),
        resources: { requests: quantities, limits },
        startupProbe: STARTUP_PROBE,
        readinessProbe: READINESS_PROBE,
        livenessProbe: LIVENESS_PROBE,
        securityContext: CONTAINER_SECURITY,
        // The root filesystem is read-only: the cache and /tmp (Node's and onnxruntime's scratch) are the writable places.
        volumeMounts: [
          { name: 'model-cache', mountPath: CACHE_DIR },
          { name: 'tmp', mountPath: '/tmp' },
        ],
      },
    ],
    volumes: [
      { name: 'model-cache', emptyDir: {} },
      { name: 'tmp', emptyDir: {} },
    ],
  };
  if (resources.gpuCount > 0) spec.tolerations = [{ key: GPU_RESOURCE, operator: 'Exists', effect: 'NoSchedule' }];
  if (resources.gpuProduct) {
    const term = { matchExpressions: [{ key: GFD.product, operator: 'In', values: [resources.gpuProduct] }] };
    spec.affinity = { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [term] } } };
  }
  const template: V1PodTemplateSpec = { metadata: { labels: endpointLabels(d), annotations: { [SERVING_ANNOTATION.endpointId]: d.endpointId } }, spec };
  const hash = contentHash(template);
  template.metadata!.labels![SERVING_LABEL.templateHash] = hash;
  return { template, hash };
}

/** Annotations that name the endpoint as given (labels may be shortened). */
export const refAnnotations = (ref: EndpointRef) => ({
  [SERVING_ANNOTATION.endpointId]: ref.endpointId,
  [SERVING_ANNOTATION.project]: ref.project,
  [SERVING_ANNOTATION.endpointName]: ref.name,
});

/** `revisions` is the hash → revision map to store, already including this apply. */
export function endpointDeployment(d: EndpointDeployment, namespace: string, image: string, revisions: Record<string, number>): V1Deployment {
  const { template, hash } = podTemplate(d, image);
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: {
      name: endpointObjectName(d),
      namespace,
      labels: endpointLabels(d),
      annotations: {
        ...refAnnotations(d),
        [SERVING_ANNOTATION.revision]: String(d.revision),
        [SERVING_ANNOTATION.templateHash]: hash,
        [SERVING_ANNOTATION.revisions]: JSON.stringify(revisions),
      },
    },
    spec: {
      replicas: d.replicas,
      selector: { matchLabels: endpointLabels(d) },
      // maxUnavailable 0: old replicas serve until new ones are ready. Kubernetes refuses
      // maxSurge 0 together with it, so at least one extra replica may exist.
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0, maxSurge: Math.max(1, d.maxSurge) } },
      progressDeadlineSeconds: d.progressDeadlineSeconds,
      revisionHistoryLimit: 10,
      template,
    },
  };
}

export function endpointService(ref: EndpointRef, namespace: string): V1Service {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: endpointObjectName(ref), namespace, labels: endpointLabels(ref), annotations: refAnnotations(ref) },
    spec: {
      type: 'ClusterIP',
      selector: endpointLabels(ref),
      ports: [{ name: 'http', port: RUNTIME_PORT, targetPort: 'http', protocol: 'TCP' }],
    },
  };
}

/** One of the endpoint's Secrets (`name`: tokenSecretName or replicaSecretName), the token under key `token`. */
export function tokenSecret(ref: EndpointRef, namespace: string, token: string, name = tokenSecretName(ref)): V1Secret {
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name, namespace, labels: endpointLabels(ref), annotations: refAnnotations(ref) },
    type: 'Opaque',
    stringData: { [TOKEN_KEY]: token },
  };
}
