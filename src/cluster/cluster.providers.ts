import { Logger, type Provider } from '@nestjs/common';
import { APP_CONFIG } from '../common/config/config.js';
import type { AppConfig } from '../common/config/config.schema.js';
import { CLUSTER_DRIVER, type ClusterDriver } from './cluster-driver.js';
import type { GpuDeviceSpec } from '../gpu-scheduler/engine/model.js';
import { LocalDriver } from './local/local-driver.js';
import { SERVING_DRIVER, type ServingDriver } from './serving-driver.js';

/**
 * The configured ClusterDriver: `local` (embedded default, processes on this machine) or
 * `kubernetes` (KUBECONFIG, else in-cluster service account, else ~/.kube/config). Loaded lazily so that a deployment
 * that never talks to Kubernetes never loads its client.
 */
export const clusterDriverProvider: Provider = {
  provide: CLUSTER_DRIVER,
  inject: [APP_CONFIG],
  useFactory: async (config: AppConfig): Promise<ClusterDriver> => {
    if (config.BEAMLINE_CLUSTER_DRIVER === 'kubernetes') {
      const { KubernetesDriver } = await import('./kubernetes/kubernetes-driver.js');
      const loaded = await kubeConfigFor(config);
      new Logger('KubernetesDriver').log(`Kubernetes credentials: ${loaded.describe}`);
      return new KubernetesDriver({ namespace: config.BEAMLINE_K8S_NAMESPACE, kubeConfig: loaded.kc });
    }
    const declared = config.BEAMLINE_LOCAL_GPUS;
    const logger = new Logger('LocalDriver');
    return new LocalDriver(config.BEAMLINE_HOME, {
      ...(declared ? { gpus: () => parseDeclaredGpus(declared) } : {}),
      jobUser: config.BEAMLINE_LOCAL_JOB_USER,
      log: (level, line) => logger[level](line),
    });
  },
};

/** The configured ServingDriver (endpoints): runtime processes locally, Deployments on Kubernetes. */
export const servingDriverProvider: Provider = {
  provide: SERVING_DRIVER,
  inject: [APP_CONFIG],
  useFactory: async (config: AppConfig): Promise<ServingDriver> => {
    if (config.BEAMLINE_CLUSTER_DRIVER === 'kubernetes') {
      const { KubernetesServingDriver } = await import('./kubernetes/serving/kubernetes-serving-driver.js');
      const { kc } = await kubeConfigFor(config);
      return new KubernetesServingDriver({ namespace: config.BEAMLINE_K8S_NAMESPACE, image: config.BEAMLINE_RUNTIME_IMAGE, kubeConfig: kc });
    }
    const { LocalServingDriver } = await import('./local/serving/local-serving-driver.js');
    return new LocalServingDriver(config.BEAMLINE_HOME);
  },
};

/** Both drivers' credentials, by the one rule in kubernetes/kube-config.ts (a ConfigError, so exit 78, when incomplete). */
async function kubeConfigFor(config: AppConfig) {
  const { kubeEnv, loadKubeConfig } = await import('./kubernetes/kube-config.js');
  return loadKubeConfig(kubeEnv(config));
}

/** `A100:81920x2,T4:15360x1` → devices 0,1 (A100) and 2 (T4). */
export function parseDeclaredGpus(value: string): GpuDeviceSpec[] {
  const gpus: GpuDeviceSpec[] = [];
  for (const part of value.split(',')) {
    const [product, rest] = part.split(':');
    const [memory, count] = rest.split('x').map(Number);
    for (let i = 0; i < count; i++) gpus.push({ index: gpus.length, product, memoryMiB: memory });
  }
  return gpus;
}
