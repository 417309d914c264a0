import type { V1Container, V1Volume, V1VolumeMount } from '@kubernetes/client-node';
import { volumeEnvName, type WorkloadSpec } from '../cluster-driver.js';
import { jobClaimName, type VolumeSpec } from '../../training/training-volumes.js';
import { containerSecurityContext } from './k8s-pod-security.js';

/** Where a dataset fetcher unpacks into its emptyDir (inside the init container only). */
const FETCH_DIR = '/dataset';

/**
 * Fetches an uploaded dataset archive from the API with the job's own token, checks its
 * sha256, and unpacks it (gzip or not). Values come in as env, never spliced into the script.
 * The archive was checked at upload (no traversal, no link out of the root: archive-unpack.ts).
 */
const FETCH_SCRIPT = [
  'set -eu',
  'url="$BEAMLINE_URL/v1/projects/$DATASET_PROJECT/datasets/$DATASET_NAME/versions/$DATASET_VERSION/archive"',
  `curl -fsSL --retry 5 --retry-all-errors -H "Authorization: Bearer $BEAMLINE_TOKEN" -o ${FETCH_DIR}/.archive "$url"`,
  `echo "$DATASET_SHA256  ${FETCH_DIR}/.archive" | sha256sum -c -`,
  `if gzip -t ${FETCH_DIR}/.archive 2>/dev/null; then tar -xzf ${FETCH_DIR}/.archive -C ${FETCH_DIR}; else tar -xf ${FETCH_DIR}/.archive -C ${FETCH_DIR}; fi`,
  `rm ${FETCH_DIR}/.archive`,
].join('\n');

/**
 * The volumes a job's spec asks for (issue 15), as pod volumes and mounts. Pod volume names
 * get a `v-` prefix so none can collide with Beamline's own (tmp, workspace, beamline-*).
 * - claim: an existing PVC of the jobs' namespace (checked at submit), read-only when asked;
 * - newClaim: the job's own PVC (k8s-job-claims.ts), made before the pods, the same for every attempt;
 * - scratch: an emptyDir for the attempt; `Memory` makes it a tmpfs, which is what /dev/shm
 *   needs for PyTorch DataLoader workers (the container runtime's default /dev/shm is 64 MiB);
 * - dataset in a claim: the PVC, read-only, with the dataset's path as subPath;
 * - uploaded dataset: an emptyDir that an init container fills from the API (FETCH_SCRIPT),
 *   mounted read-only into the worker. Each pod fetches its own copy: simple and correct on
 *   any cluster, at the cost of one download per worker and attempt.
 */
export function userVolumes(spec: WorkloadSpec, secret?: string): { volumes: V1Volume[]; mounts: V1VolumeMount[]; env: Record<string, string>; initContainers: V1Container[] } {
  const volumes: V1Volume[] = [];
  const mounts: V1VolumeMount[] = [];
  const initContainers: V1Container[] = [];
  const env: Record<string, string> = {};
  for (const v of spec.volumes ?? []) {
    const name = `v-${v.name}`;
    const ds = v.dataset;
    if (ds?.archiveSha256) {
      volumes.push({ name, emptyDir: {} });
      initContainers.push(fetcher(spec, v, name, secret));
    } else if (ds) {
      volumes.push({ name, persistentVolumeClaim: { claimName: ds.claim!, readOnly: true } });
    } else if (v.claim !== undefined) {
      volumes.push({ name, persistentVolumeClaim: { claimName: v.claim, ...(v.readOnly ? { readOnly: true } : {}) } });
    } else if (v.newClaim) {
      volumes.push({ name, persistentVolumeClaim: { claimName: jobClaimName(spec.jobId, v.name), ...(v.readOnly ? { readOnly: true } : {}) } });
    } else {
      const sizeLimit = v.scratch?.sizeLimitMiB !== undefined ? `${v.scratch.sizeLimitMiB}Mi` : undefined;
      volumes.push({ name, emptyDir: { ...(v.scratch?.medium === 'Memory' ? { medium: 'Memory' } : {}), ...(sizeLimit ? { sizeLimit } : {}) } });
    }
    const subPath = ds && !ds.archiveSha256 && ds.path ? { subPath: ds.path } : {};
    mounts.push({ name, mountPath: v.mountPath, ...subPath, ...(v.readOnly || ds ? { readOnly: true } : {}) });
    env[volumeEnvName(v.name)] = v.mountPath; // as on the local driver, where it is the only way to find it
  }
  return { volumes, mounts, env, initContainers };
}

function fetcher(spec: WorkloadSpec, v: VolumeSpec, volume: string, secret: string | undefined): V1Container {
  const ds = v.dataset!;
  const plain: Record<string, string> = {
    BEAMLINE_URL: spec.env.BEAMLINE_URL ?? '',
    DATASET_PROJECT: spec.project,
    DATASET_NAME: ds.name,
    DATASET_VERSION: String(ds.version),
    DATASET_SHA256: ds.archiveSha256!,
  };
  return {
    name: `dataset-${v.name}`,
    image: ds.fetchImage ?? 'curlimages/curl:8.11.1',
    command: ['sh', '-c', FETCH_SCRIPT],
    securityContext: containerSecurityContext(),
    volumeMounts: [{ name: volume, mountPath: FETCH_DIR }],
    env: [
      ...Object.entries(plain).map(([name, value]) => ({ name, value })),
      ...(secret ? [{ name: 'BEAMLINE_TOKEN', valueFrom: { secretKeyRef: { name: secret, key: 'BEAMLINE_TOKEN' } } }] : []),
    ],
    resources: { requests: { cpu: '100m', memory: '64Mi' }, limits: { memory: '256Mi' } },
  };
}
