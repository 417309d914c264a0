import type { V1Volume, V1VolumeMount } from '@kubernetes/client-node';
import { volumeEnvName, type WorkloadSpec } from '../cluster-driver.js';

/**
 * The volumes a job's spec asks for (issue 15), as pod volumes and mounts. Pod volume names
 * get a `v-` prefix so none can collide with Beamline's own (tmp, workspace, beamline-*).
 * - claim: an existing PVC of the jobs' namespace (checked at submit), read-only when asked;
 * - scratch: an emptyDir for the attempt; `Memory` makes it a tmpfs, which is what /dev/shm
 *   needs for PyTorch DataLoader workers (the container runtime's default /dev/shm is 64 MiB).
 */
export function userVolumes(spec: WorkloadSpec): { volumes: V1Volume[]; mounts: V1VolumeMount[]; env: Record<string, string> } {
  const volumes: V1Volume[] = [];
  const mounts: V1VolumeMount[] = [];
  const env: Record<string, string> = {};
  for (const v of spec.volumes ?? []) {
    const name = `v-${v.name}`;
    if (v.claim !== undefined) {
      volumes.push({ name, persistentVolumeClaim: { claimName: v.claim, ...(v.readOnly ? { readOnly: true } : {}) } });
    } else {
      const sizeLimit = v.scratch?.sizeLimitMiB !== undefined ? `${v.scratch.sizeLimitMiB}Mi` : undefined;
      volumes.push({ name, emptyDir: { ...(v.scratch?.medium === 'Memory' ? { medium: 'Memory' } : {}), ...(sizeLimit ? { sizeLimit } : {}) } });
    }
    mounts.push({ name, mountPath: v.mountPath, ...(v.readOnly ? { readOnly: true } : {}) });
    env[volumeEnvName(v.name)] = v.mountPath; // as on the local driver, where it is the only way to find it
  }
  return { volumes, mounts, env };
}
