import type { V1PodSecurityContext, V1SecurityContext, V1Volume, V1VolumeMount } from '@kubernetes/client-node';
import { posix } from 'node:path';
import type { WorkloadSpec } from '../cluster-driver.js';

/**
 * What a training pod may do on its node (issue 22). The pod runs arbitrary user code from
 * an arbitrary image, so it gets the "restricted" Pod Security Standard:
 * - a non-root uid (JOB_UID unless the spec names one) and group, no privilege escalation,
 *   no capabilities, the runtime's default seccomp profile;
 * - NOT a read-only root filesystem: training images write wherever their authors chose
 *   (pip caches, checkpoints beside the code, matplotlib's config), and refusing those
 *   writes breaks ordinary images without protecting the platform. Writable emptyDirs at
 *   /tmp and at the job's own directory make a read-only root possible later.
 */
export const JOB_UID = 1000;
/** The job's own directory in the pod; a relative `workingDir` resolves inside it. */
export const WORKSPACE = '/workspace';
/** Where the attempt's secretEnv (the job's API token) is also mounted as files, read-only. */
export const SECRET_DIR = '/var/run/secrets/beamline';

export function podSecurityContext(spec: WorkloadSpec): V1PodSecurityContext {
  const uid = spec.runAsUser ?? JOB_UID;
  return {
    runAsNonRoot: true,
    runAsUser: uid,
    runAsGroup: uid,
    // Owns the emptyDirs and may read the token files (mode 0440, group fsGroup).
    fsGroup: uid,
    seccompProfile: { type: 'RuntimeDefault' },
  };
}

export const containerSecurityContext = (): V1SecurityContext => ({
  allowPrivilegeEscalation: false,
  capabilities: { drop: ['ALL'] },
  privileged: false,
  readOnlyRootFilesystem: false,
});

/**
 * The working directory when the spec names one: the writable emptyDir is mounted at the
 * directory itself (a subdirectory the runtime creates inside a volume would be root's,
 * unwritable for the job). Unset, the image's own WORKDIR applies and the emptyDir sits at
 * /workspace. The API refuses absolute paths and `..`.
 */
export const workingDirOf = (spec: WorkloadSpec) => (spec.workingDir ? posix.join(WORKSPACE, spec.workingDir) : undefined);
/** The job's own writable directory, also its HOME (uid 1000 has no home in most images). */
export const workspaceOf = (spec: WorkloadSpec) => workingDirOf(spec) ?? WORKSPACE;

export function jobVolumes(spec: WorkloadSpec, secretName: string | undefined): { volumes: V1Volume[]; mounts: V1VolumeMount[] } {
  const volumes: V1Volume[] = [
    { name: 'tmp', emptyDir: {} },
    { name: 'workspace', emptyDir: {} },
  ];
  const mounts: V1VolumeMount[] = [
    { name: 'tmp', mountPath: '/tmp' },
    { name: 'workspace', mountPath: workspaceOf(spec) },
  ];
  if (secretName) {
    volumes.push({ name: 'beamline-secrets', secret: { secretName, defaultMode: 0o440 } });
    mounts.push({ name: 'beamline-secrets', mountPath: SECRET_DIR, readOnly: true });
  }
  return { volumes, mounts };
}
