import { makeInformer, type Informer, type KubeConfig, type KubernetesObject, type ObjectCache } from '@kubernetes/client-node';

export type Cached<T extends KubernetesObject> = Informer<T> & ObjectCache<T>;
export type InformerVerb = 'add' | 'update' | 'delete';

/** HTTP status of a client-node error (ApiException carries `code`). */
export const statusOf = (e: unknown) => (e as { code?: number; statusCode?: number }).code ?? (e as { statusCode?: number }).statusCode;

/** Awaits a write, treating the given HTTP statuses (409 AlreadyExists, 404 NotFound) as success. */
export async function ignoring(statuses: number[], call: Promise<unknown>): Promise<void> {
  try {
    await call;
  } catch (e) {
    if (!statuses.includes(statusOf(e) ?? 0)) throw e;
  }
}

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

/** client-node reports a failed first list through `error` and still resolves start(); make that a rejection. */
export async function startOrThrow<T extends KubernetesObject>(informer: Cached<T>): Promise<void> {
  let failed: unknown;
  const onError = (e?: unknown) => (failed ??= e ?? new Error('informer failed to start'));
  informer.on('error', onError);
  try {
    await informer.start();
  } finally {
    informer.off('error', onError);
  }
  if (failed) throw failed;
}
