import { describe, expect, it } from 'vitest';
import type { EndpointDeployment } from '../../serving-driver.js';
import { replicaSecretName } from './serving-names.js';
import { podTemplate, tokenSecret } from './serving-objects.js';

const TOKEN = 'the-replica-token-of-e1';
const d: EndpointDeployment = {
  ...{ endpointId: 'e1', project: 'p', name: 'n', revision: 1, replicas: 1, maxSurge: 1, progressDeadlineSeconds: 60, drainSeconds: 2 },
  replicaToken: TOKEN,
  template: {
    model: { name: 'm', version: 1, sha256: 'x', url: 'http://r/v1/projects/p/models/m/versions/1' },
    resources: { cpuMilli: 100, memoryMiB: 128, gpuCount: 1 },
    runtime: { batching: true, maxBatchSize: 8, maxQueueDelayMicros: 0, env: { A: 'b' } },
  },
};

describe('podTemplate', () => {
  const { template } = podTemplate(d, 'img');
  const spec = template.spec!;
  const c = spec.containers[0];

  it('reads the replica token from the Secret, never as a plain value', () => {
    expect(c.env).toContainEqual({ name: 'BEAMLINE_RUNTIME_REPLICA_TOKEN', valueFrom: { secretKeyRef: { name: replicaSecretName(d), key: 'token' } } });
    expect(JSON.stringify(template)).not.toContain(TOKEN);
  });

  it('runs restricted: non-root, no privilege escalation, no capabilities, RuntimeDefault seccomp, read-only root', () => {
    expect(spec.securityContext).toMatchObject({ runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } });
    expect(spec.securityContext!.runAsUser).toBeGreaterThan(0);
    expect(c.securityContext).toEqual({
      runAsNonRoot: true,
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      capabilities: { drop: ['ALL'] },
      seccompProfile: { type: 'RuntimeDefault' },
    });
    expect(spec.automountServiceAccountToken).toBe(false);
  });

  it('gives the read-only root its writable places as emptyDirs', () => {
    const mounts = Object.fromEntries((c.volumeMounts ?? []).map((m) => [m.mountPath, m.name]));
    expect(mounts['/tmp']).toBeDefined();
    for (const name of Object.values(mounts)) expect(spec.volumes!.find((v) => v.name === name)?.emptyDir).toEqual({});
  });
});

describe('podTemplate with an execution provider', () => {
  const envOf = (x: EndpointDeployment) => Object.fromEntries((podTemplate(x, 'img').template.spec!.containers[0].env ?? []).map((e) => [e.name, e.value]));
  const withProvider = (executionProvider: 'cpu' | 'cuda' | 'webgpu' | undefined): EndpointDeployment => ({ ...d, template: { ...d.template, runtime: { ...d.template.runtime, executionProvider } } });

  it('starts a GPU provider without CPU fallback, next to the GPU request', () => {
    const x = withProvider('cuda');
    expect(envOf(x)).toMatchObject({ BEAMLINE_RUNTIME_EXECUTION_PROVIDERS: 'cuda', BEAMLINE_RUNTIME_PROVIDER_FALLBACK: 'off' });
    expect(podTemplate(x, 'img').template.spec!.containers[0].resources?.limits?.['nvidia.com/gpu']).toBe('1');
  });

  it('leaves a cpu endpoint as it was (same env, same template hash before and after the option existed)', () => {
    for (const p of ['cpu', undefined] as const) {
      expect(Object.keys(envOf(withProvider(p))).filter((k) => /EXECUTION_PROVIDERS|PROVIDER_FALLBACK/.test(k))).toEqual([]);
    }
    expect(JSON.stringify(podTemplate(withProvider('cpu'), 'img'))).toBe(JSON.stringify(podTemplate(d, 'img')));
  });
});

describe('tokenSecret', () => {
  it('holds the replica token under its own name', () => {
    const secret = tokenSecret(d, 'ns', TOKEN, replicaSecretName(d));
    expect(secret.metadata!.name).toBe(replicaSecretName(d));
    expect(secret.stringData).toEqual({ token: TOKEN });
  });
});
