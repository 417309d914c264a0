import { describe, expect, it } from 'vitest';
import { workloadSpec } from '../testing/workload-spec.js';
import { workerPod } from './k8s-workload-objects.js';

const spec = workloadSpec;

describe('training pod security (issue 22)', () => {
  it('runs as a non-root uid with no capabilities, no escalation and the default seccomp profile', () => {
    const pod = workerPod(spec(), 0, 'ns');
    expect(pod.spec!.securityContext).toEqual({
      runAsNonRoot: true,
      runAsUser: 1000,
      runAsGroup: 1000,
      fsGroup: 1000,
      seccompProfile: { type: 'RuntimeDefault' },
    });
    expect(pod.spec!.containers[0].securityContext).toEqual({
      allowPrivilegeEscalation: false,
      capabilities: { drop: ['ALL'] },
      privileged: false,
      readOnlyRootFilesystem: false,
    });
    expect(pod.spec!.automountServiceAccountToken).toBe(false);
    expect(workerPod(spec({ runAsUser: 4242 }), 0, 'ns').spec!.securityContext).toMatchObject({ runAsUser: 4242, runAsGroup: 4242, fsGroup: 4242 });
  });

  it('writes only to emptyDirs: /tmp and the workspace (HOME), the image WORKDIR kept when no workingDir', () => {
    const pod = workerPod(spec(), 0, 'ns');
    const c = pod.spec!.containers[0];
    expect(pod.spec!.volumes).toEqual([
      { name: 'tmp', emptyDir: {} },
      { name: 'workspace', emptyDir: {} },
    ]);
    expect(c.volumeMounts).toEqual([
      { name: 'tmp', mountPath: '/tmp' },
      { name: 'workspace', mountPath: '/workspace' },
    ]);
    expect(c.workingDir).toBeUndefined();
    expect(c.env).toContainEqual({ name: 'HOME', value: '/workspace' });
  });

  it('resolves a relative workingDir inside the workspace and mounts the emptyDir there', () => {
    const c = workerPod(spec({ workingDir: 'runs/a' }), 0, 'ns').spec!.containers[0];
    expect(c.workingDir).toBe('/workspace/runs/a');
    expect(c.volumeMounts).toContainEqual({ name: 'workspace', mountPath: '/workspace/runs/a' });
  });

  it('passes the job token from the Secret as env and as a read-only file, never as a value', () => {
    const pod = workerPod(spec({ secretEnv: { BEAMLINE_TOKEN: 'bl_secret' } }), 0, 'ns');
    const c = pod.spec!.containers[0];
    expect(JSON.stringify(pod)).not.toContain('bl_secret');
    expect(pod.spec!.volumes).toContainEqual({ name: 'beamline-secrets', secret: { secretName: 'bl-j1-a1-w0-env', defaultMode: 0o440 } });
    expect(c.volumeMounts).toContainEqual({ name: 'beamline-secrets', mountPath: '/var/run/secrets/beamline', readOnly: true });
    expect(c.env).toContainEqual({ name: 'BEAMLINE_TOKEN', valueFrom: { secretKeyRef: { name: 'bl-j1-a1-w0-env', key: 'BEAMLINE_TOKEN' } } });
    expect(c.env).toContainEqual({ name: 'BEAMLINE_TOKEN_FILE', value: '/var/run/secrets/beamline/BEAMLINE_TOKEN' });
  });
});
