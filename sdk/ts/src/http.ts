import { errorFromResponse, Unavailable } from './errors.js';

export type Query = Record<string, string | number | boolean | undefined>;

export interface CallOptions {
  query?: Query;
  /** Sent as JSON. */
  json?: unknown;
  /** Sent as is (multipart, octet-stream). */
  body?: Blob | FormData | Uint8Array | string;
  headers?: Record<string, string>;
  signal?: AbortSignal;
}

export interface HttpOptions {
  url: string;
  token?: string;
  fetch: typeof fetch;
  retries: number;
  retryBaseMs: number;
}

// 429: the platform refused before doing anything (rate limit); Retry-After says when to come back.
const RETRY_STATUSES = new Set([429, 502, 503, 504]);
const MAX_RETRY_AFTER_MS = 30_000;

export const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => {
      clearTimeout(timer);
      reject(signal.reason);
    }, { once: true });
  });

/** A fresh Idempotency-Key; randomUUID exists in Node and in secure browser contexts only. */
export function newIdempotencyKey(): string {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  return Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, '0')).join('');
}

/**
 * fetch with the token, typed errors and retries. Only calls that can safely run twice
 * are retried (GET, HEAD, DELETE and anything carrying an Idempotency-Key): a POST whose
 * response was lost may already have taken effect, and the key is what makes the
 * server answer the replay with the first result.
 */
export class Http {
  constructor(private readonly options: HttpOptions) {}

  async call(method: string, path: string, options: CallOptions = {}): Promise<Response> {
    const url = this.urlFor(path, options.query);
    const headers: Record<string, string> = { accept: 'application/json, application/problem+json;q=0.9, */*;q=0.8', ...options.headers };
    if (this.options.token) headers.authorization = `Bearer ${this.options.token}`;
    let body: RequestInit['body'];
    if (options.json !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(options.json);
    } else if (options.body !== undefined) {
      body = options.body as RequestInit['body'];
    }
    const retryable = ['GET', 'HEAD', 'DELETE'].includes(method) || Object.keys(headers).some((h) => h.toLowerCase() === 'idempotency-key');
    const what = `${method} ${path}`;
    for (let attempt = 0; ; attempt++) {
      const canRetry = retryable && attempt < this.options.retries;
      let res: Response;
      try {
        res = await this.options.fetch(url, { method, headers, body, signal: options.signal });
      } catch (error) {
        if (options.signal?.aborted) throw error;
        if (canRetry) {
          await sleep(this.backoff(attempt), options.signal);
          continue;
        }
        const reason = (error as { cause?: { message?: string } }).cause?.message ?? (error as Error).message;
        throw new Unavailable(`${what} failed: cannot reach ${this.options.url} (${reason})`, 0, undefined, { cause: error });
      }
      if (canRetry && RETRY_STATUSES.has(res.status)) {
        await res.body?.cancel().catch(() => undefined);
        await sleep(retryAfterMs(res) ?? this.backoff(attempt), options.signal);
        continue;
      }
      if (!res.ok) throw await errorFromResponse(res, what);
      return res;
    }
  }

  async json<T>(method: string, path: string, options?: CallOptions): Promise<T> {
    const res = await this.call(method, path, options);
    const text = await res.text();
    return (text ? JSON.parse(text) : undefined) as T;
  }

  private urlFor(path: string, query: Query = {}): string {
    const params = new URLSearchParams();
    for (const [key, value] of Object.entries(query)) if (value !== undefined) params.set(key, String(value));
    const search = params.toString();
    return `${this.options.url}${path}${search ? `?${search}` : ''}`;
  }

  /** Exponential with jitter, so many clients retrying a restarting server spread out. */
  private backoff(attempt: number): number {
    return (0.5 + Math.random() / 2) * this.options.retryBaseMs * 2 ** attempt;
  }
}

function retryAfterMs(res: Response): number | undefined {
  const value = res.headers.get('retry-after');
  if (!value || !/^\d+$/.test(value.trim())) return undefined;
  return Math.min(Number(value) * 1000, MAX_RETRY_AFTER_MS);
}
