/**
 * `run()`'s answer as a promise, for a guard whose work is synchronous on a warm cache: an
 * answer already there becomes an already-settled promise, a throw a rejection (what Nest and
 * the tests expect of canActivate), and no await is paid on the infer fast path, which calls
 * the synchronous check itself.
 */
export function settled<T>(run: () => T | Promise<T>): Promise<T> {
  try {
    const result = run();
    return result instanceof Promise ? result : Promise.resolve(result);
  } catch (error) {
    return Promise.reject(error);
  }
}
