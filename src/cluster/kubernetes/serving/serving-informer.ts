import { makeInformer, type Informer, type KubeConfig, type KubernetesObject, type ObjectCache } from '@kubernetes/client-node';

export { ignoring, startOrThrow, statusOf } from '../k8s-calls.js';

export type Cached<T extends KubernetesObject> = Informer<T> & ObjectCache<T>;
export type InformerVerb = 'add' | 'update' | 'delete';

/**
 * A label-selected informer that restarts itself with backoff (as the training driver's
 * do) after a watch or list error, until `isStopped()`.
 */
export function selectedInformer<T extends KubernetesObject>(
  kc: KubeConfig,
  path: string,
  list: () => Promise<{ items: T[] }>,
  labelSelector: string,
  onEvent: (obj: T, verb: InformerVerb) => void,
  timers: Set<NodeJS.Timeout>,
  isStopped: () => boolean,
  firstDelayMs = 500,
): Cached<T> {
  const informer = makeInformer<T>(kc, path, list as never, labelSelector) as Cached<T>;
  let delay = firstDelayMs;
  for (const verb of ['add', 'update', 'delete'] as const) {
    informer.on(verb, (obj: T) => {
      delay = firstDelayMs;
      onEvent(obj, verb);
    });
  }
  informer.on('error', () => {
    if (isStopped()) return;
    const t = setTimeout(() => {
      timers.delete(t);
      if (!isStopped()) void informer.start().catch(() => undefined);
    }, delay);
    timers.add(t);
    delay = Math.min(delay * 2, 30_000);
  });
  return informer;
}
