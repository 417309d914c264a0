import { randomBytes } from 'node:crypto';
import { CoreV1Api, KubeConfig, Watch } from '@kubernetes/client-node';
import { inject } from 'vitest';

/** The admin KubeConfig of the run's control plane (from the k8s globalSetup). */
export function adminKubeConfig(): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromFile(inject('k8sKubeconfig'));
  return kc;
}

/** A short random suffix, so each test file has its own namespace and node names. */
export const uniqueSuffix = () => randomBytes(3).toString('hex');

/**
 * Waits (by watch, not by polling) until `match` holds for an object of a watched
 * collection; resolves to it. There is deliberately no timer: the test's own timeout
 * fails a test whose condition never comes.
 */
export async function waitForObject<T>(kc: KubeConfig, path: string, match: (obj: T) => boolean, query: Record<string, string> = {}): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    let done = false;
    let ctrl: AbortController | undefined;
    new Watch(kc)
      .watch(
        path,
        { ...query, allowWatchBookmarks: false },
        (phase, obj: T) => {
          if (done || phase === 'DELETED' || !match(obj)) return;
          done = true;
          ctrl?.abort();
          resolve(obj);
        },
        (err) => {
          if (!done) reject(err ?? new Error(`watch on ${path} ended`));
        },
      )
      .then((c) => {
        ctrl = c;
        if (done) c.abort();
      }, reject);
  });
}

/** Creates a namespace and waits for its `default` service account, which pod admission requires. */
export async function createTestNamespace(kc: KubeConfig, prefix: string): Promise<string> {
  const name = `${prefix}-${uniqueSuffix()}`;
  const core = kc.makeApiClient(CoreV1Api);
  await core.createNamespace({ body: { metadata: { name, labels: { 'beamline.dev/test': 'k8s' } } } });
  await waitForObject(kc, `/api/v1/namespaces/${name}/serviceaccounts`, (sa: { metadata?: { name?: string } }) => sa.metadata?.name === 'default');
  return name;
}

export async function deleteTestNamespace(kc: KubeConfig, name: string): Promise<void> {
  await kc
    .makeApiClient(CoreV1Api)
    .deleteNamespace({ name })
    .catch(() => undefined);
}

/** Resolves once `check` returns a value for the driver's cache, re-checking on each onChange (no polling, no timer). */
export function untilDriver<T>(driver: { onChange(l: () => void): () => void }, check: () => T | undefined | false): Promise<T> {
  return new Promise((resolve) => {
    const first = check();
    if (first) return resolve(first);
    const off = driver.onChange(() => {
      const v = check();
      if (v) {
        off();
        resolve(v);
      }
    });
  });
}
