import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { ApiError, get } from './api';

/** How often lists and pages refresh; a poll that finds nothing new is a 304 (api.ts). */
export const POLL_MS = 2000;

export interface Polled<T> {
  data: T | undefined;
  error: ApiError | undefined;
  reload: () => void;
}

/**
 * GETs `path` now and every POLL_MS while the tab is visible (null: nothing to fetch).
 * Keeps the last good answer on a failed poll, so a blip does not blank the page.
 */
export function usePoll<T>(path: string | null, intervalMs = POLL_MS): Polled<T> {
  const [data, setData] = useState<T>();
  const [error, setError] = useState<ApiError>();
  const [tick, setTick] = useState(0);
  const pathRef = useRef(path);
  pathRef.current = path;

  useEffect(() => {
    setData(undefined);
    setError(undefined);
  }, [path]);

  useEffect(() => {
    if (path === null) return;
    let stopped = false;
    const load = async () => {
      if (document.hidden) return;
      try {
        const body = await get<T>(path);
        if (!stopped && pathRef.current === path) {
          setData(body);
          setError(undefined);
        }
      } catch (e) {
        if (!stopped) setError(e instanceof ApiError ? e : new ApiError(0, String(e)));
      }
    };
    void load();
    const timer = setInterval(load, intervalMs);
    return () => {
      stopped = true;
      clearInterval(timer);
    };
  }, [path, intervalMs, tick]);

  return { data, error, reload: useCallback(() => setTick((n) => n + 1), []) };
}
