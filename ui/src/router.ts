import { useEffect, useState } from 'preact/hooks';

/**
 * History-API routing under /ui, so every page has a URL that can be shared and reloaded
 * (the server answers index.html for any /ui path).
 */
export const BASE = '/ui';

export function navigate(to: string, replace = false): void {
  const url = to.startsWith(BASE) ? to : `${BASE}${to}`;
  if (replace) history.replaceState(null, '', url);
  else history.pushState(null, '', url);
  dispatchEvent(new PopStateEvent('popstate'));
}

export interface Location {
  /** The path below /ui, split on '/', each part decoded. */
  parts: string[];
  query: URLSearchParams;
}

function current(): Location {
  const path = location.pathname.startsWith(BASE) ? location.pathname.slice(BASE.length) : location.pathname;
  return { parts: path.split('/').filter(Boolean).map(decodeURIComponent), query: new URLSearchParams(location.search) };
}

export function useLocation(): Location {
  const [loc, setLoc] = useState(current);
  useEffect(() => {
    const update = () => setLoc(current());
    addEventListener('popstate', update);
    return () => removeEventListener('popstate', update);
  }, []);
  return loc;
}

/** A link that routes inside the app (and still works with a middle click). */
export function href(path: string): { href: string; onClick: (e: MouseEvent) => void } {
  const url = `${BASE}${path}`;
  return {
    href: url,
    onClick: (e: MouseEvent) => {
      if (e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
      e.preventDefault();
      navigate(url);
    },
  };
}

export const enc = encodeURIComponent;
