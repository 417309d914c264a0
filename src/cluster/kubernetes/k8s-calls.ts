import type { Informer, KubernetesObject } from '@kubernetes/client-node';

/** HTTP status of a client-node error (1.x and 2.x both throw ApiException with `code`). */
export const statusOf = (e: unknown) => (e as { code?: number; statusCode?: number }).code ?? (e as { statusCode?: number }).statusCode;

/** Awaits a write, treating the given HTTP statuses (409 AlreadyExists, 404 NotFound) as success. */
export async function ignoring(statuses: number | number[], call: Promise<unknown>): Promise<void> {
  try {
    await call;
  } catch (e) {
    if (![statuses].flat().includes(statusOf(e) ?? 0)) throw e;
  }
}

/**
 * client-node's informer reports a failed initial list through its `error` callbacks and
 * still resolves start(); the ports promise filled caches, so turn that into a rejection.
 */
export async function startOrThrow<T extends KubernetesObject>(informer: Informer<T>): Promise<void> {
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

/** True when the error (or one it was caused by) is the API server's 429 Too Many Requests. */
export function isThrottle(error: unknown): boolean {
  for (let e = error; e; e = (e as { cause?: unknown }).cause) if (statusOf(e) === 429) return true;
  return false;
}
