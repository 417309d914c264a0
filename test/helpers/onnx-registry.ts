import { createHash } from 'node:crypto';

/** HTTP helpers for the registry's upload routes (client() in test-app.ts speaks JSON only). */
export function sha256(data: Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

export interface RawResponse {
  status: number;
  headers: Headers;
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any
  bytes: Buffer;
}

async function read(res: Response): Promise<RawResponse> {
  const bytes = Buffer.from(await res.arrayBuffer());
  let body: unknown;
  try {
    body = bytes.length > 0 ? JSON.parse(bytes.toString('utf8')) : undefined;
  } catch {
    body = undefined;
  }
  return { status: res.status, headers: res.headers, body, bytes };
}

export function registry(baseUrl: string, token?: string) {
  const auth: Record<string, string> = token ? { authorization: `Bearer ${token}` } : {};
  return {
    /** PUT .../artifact as application/octet-stream. */
    put: async (path: string, data: Buffer | Uint8Array, headers: Record<string, string> = {}) =>
      read(await fetch(`${baseUrl}${path}`, { method: 'PUT', headers: { 'content-type': 'application/octet-stream', ...auth, ...headers }, body: data })),
    /** POST multipart/form-data with a `spec` JSON part and a `file` part. */
    multipart: async (path: string, file: Buffer | undefined, spec?: unknown, headers: Record<string, string> = {}, fileField = 'file') => {
      const form = new FormData();
      if (spec !== undefined) form.append('spec', typeof spec === 'string' ? spec : JSON.stringify(spec));
      if (file) form.append(fileField, new Blob([new Uint8Array(file)]), 'model.onnx');
      return read(await fetch(`${baseUrl}${path}`, { method: 'POST', headers: { ...auth, ...headers }, body: form }));
    },
    raw: async (method: string, path: string, headers: Record<string, string> = {}, body?: string) =>
      read(await fetch(`${baseUrl}${path}`, { method, headers: { ...auth, ...headers }, body })),
  };
}
