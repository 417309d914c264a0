import { refreshTokens, type Refresh } from './sso';

/**
 * The console's only way to the platform: the REST API with the token the user typed.
 * Every failure becomes an ApiError carrying the problem+json `detail`, which pages show
 * as text; a 401 also clears the session so the app goes back to the login page.
 */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly detail: string,
    /** problem+json `errors`: which field was wrong and why (validation failures). */
    readonly errors: { field: string; message: string }[] = [],
  ) {
    super(detail);
  }
}

const TOKEN_KEY = 'beamline.token';
/** After a single sign-on login with a refresh token: how to renew the access token (sso.ts). */
const REFRESH_KEY = 'beamline.refresh';
const listeners = new Set<() => void>();

export const session = {
  /** The bearer token: a pasted API token, or the access token of a single sign-on login. */
  token: (): string | null => localStorage.getItem(TOKEN_KEY),
  set(token: string, refresh?: Refresh): void {
    localStorage.setItem(TOKEN_KEY, token);
    if (refresh) localStorage.setItem(REFRESH_KEY, JSON.stringify(refresh));
    else localStorage.removeItem(REFRESH_KEY);
  },
  refresh(): Refresh | null {
    try {
      return JSON.parse(localStorage.getItem(REFRESH_KEY) ?? 'null') as Refresh | null;
    } catch {
      return null;
    }
  },
  clear(): void {
    localStorage.removeItem(TOKEN_KEY);
    localStorage.removeItem(REFRESH_KEY);
    for (const l of listeners) l();
  },
  /** Called when the session ends (logout or a 401). */
  onEnd(listener: () => void): () => void {
    listeners.add(listener);
    return () => listeners.delete(listener);
  },
};

export async function problem(res: Response): Promise<ApiError> {
  const text = await res.text().catch(() => '');
  try {
    const body = JSON.parse(text) as { detail?: string; title?: string; errors?: { field: string; message: string }[] };
    return new ApiError(res.status, body.detail ?? body.title ?? `${res.status} ${res.statusText}`, Array.isArray(body.errors) ? body.errors : []);
  } catch {
    return new ApiError(res.status, text.trim() || `${res.status} ${res.statusText}`);
  }
}

/** One renewal at a time, shared by every request that got a 401 meanwhile. */
let renewing: Promise<boolean> | undefined;

/** After a 401: renews a single sign-on access token with its refresh token; false when there is none or the provider refuses. */
function renew(failed: string): Promise<boolean> {
  renewing ??= (async () => {
    const r = session.refresh();
    if (!r || session.token() !== failed) return session.token() !== failed && session.token() !== null;
    try {
      const t = await refreshTokens(r);
      session.set(t.accessToken, t.refresh);
      return true;
    } catch {
      return false;
    }
  })().finally(() => (renewing = undefined));
  return renewing;
}

export async function request(method: string, path: string, body?: unknown, init: RequestInit = {}, retried = false): Promise<Response> {
  const headers = new Headers(init.headers);
  const token = session.token();
  if (token) headers.set('authorization', `Bearer ${token}`);
  if (body !== undefined) headers.set('content-type', 'application/json');
  // cache 'no-cache': the browser revalidates its copy with If-None-Match every time, and the
  // API (Express) answers 304 when the ETag still matches. Setting If-None-Match by hand
  // would not work: fetch then also sends Cache-Control: no-cache, which makes Express skip 304.
  const res = await fetch(path, { cache: 'no-cache', ...init, method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  if (res.status === 401 && token && !retried && (await renew(token))) return request(method, path, body, init, true);
  if (res.status === 401) {
    const error = await problem(res);
    session.clear();
    throw error;
  }
  return res;
}

export async function get<T>(path: string): Promise<T> {
  const res = await request('GET', path);
  if (!res.ok) throw await problem(res);
  return (await res.json()) as T;
}

export async function send<T>(method: 'POST' | 'PUT' | 'PATCH' | 'DELETE', path: string, body?: unknown): Promise<T> {
  const res = await request(method, path, body);
  if (!res.ok) throw await problem(res);
  return (res.status === 204 ? undefined : await res.json()) as T;
}

export const projectPath = (project: string, rest: string) => `/v1/projects/${encodeURIComponent(project)}/${rest}`;
