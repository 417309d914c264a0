import { NotFound } from './errors.js';
import type { Http } from './http.js';
import { PageIterator } from './pages.js';
import type { Model, ModelAlias, ModelSpec, ModelVersion, ModelVersionSpec, Page } from './types.js';

/** A version number, 'latest' (newest Ready version) or '@alias'. */
export type VersionRef = number | string;
export type Artifact = Uint8Array | ArrayBuffer | Blob;

const seg = encodeURIComponent;
const aliasName = (alias: string) => seg(alias.replace(/^@/, ''));

async function sha256Hex(bytes: ArrayBuffer): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', bytes);
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}

async function toArrayBuffer(artifact: Artifact): Promise<ArrayBuffer> {
  if (artifact instanceof ArrayBuffer) return artifact;
  // A copy of exactly these bytes: a Node Buffer's .buffer is often a shared pool.
  if (artifact instanceof Uint8Array) return new Uint8Array(artifact).buffer;
  return artifact.arrayBuffer();
}

export class Models {
  constructor(
    private readonly http: Http,
    private readonly base: () => string,
  ) {}

  /** In name order; filter by name prefix and tags (a model must carry every tag). */
  list(options: { namePrefix?: string; tag?: string | string[]; limit?: number } = {}): PageIterator<Model> {
    const tag = Array.isArray(options.tag) ? options.tag.join(',') : options.tag;
    return new PageIterator((cursor) =>
      this.http.json<Page<Model>>('GET', this.base(), { query: { namePrefix: options.namePrefix, tag, limit: options.limit, cursor } }),
    );
  }

  get(name: string): Promise<Model> {
    return this.http.json('GET', `${this.base()}/${seg(name)}`);
  }

  create(spec: ModelSpec): Promise<Model> {
    return this.http.json('POST', this.base(), { json: spec });
  }

  /** Versions, newest first. */
  versions(name: string, options: { status?: 'PendingUpload' | 'Ready'; tag?: string | string[]; limit?: number } = {}): PageIterator<ModelVersion> {
    const tag = Array.isArray(options.tag) ? options.tag.join(',') : options.tag;
    return new PageIterator((cursor) =>
      this.http.json<Page<ModelVersion>>('GET', `${this.base()}/${seg(name)}/versions`, {
        query: { status: options.status, tag, limit: options.limit, cursor },
      }),
    );
  }

  version(name: string, version: VersionRef = 'latest'): Promise<ModelVersion> {
    return this.http.json('GET', `${this.base()}/${seg(name)}/versions/${seg(String(version))}`);
  }

  /**
   * Uploads an ONNX file as the model's next version (one multipart request, Ready when
   * it returns). The sha256 goes along so the server refuses a corrupted upload. The
   * model is created first when it does not exist, unless `createModel` is false.
   */
  async register(name: string, artifact: Artifact, spec: ModelVersionSpec = {}, options: { createModel?: boolean } = {}): Promise<ModelVersion> {
    const bytes = await toArrayBuffer(artifact);
    const sha256 = await sha256Hex(bytes);
    const upload = () => {
      const form = new FormData();
      form.append('spec', JSON.stringify(spec));
      form.append('file', new Blob([bytes], { type: 'application/octet-stream' }), 'model.onnx');
      return this.http.json<ModelVersion>('POST', `${this.base()}/${seg(name)}/versions`, { body: form, headers: { 'x-content-sha256': sha256 } });
    };
    try {
      return await upload();
    } catch (error) {
      if (!(error instanceof NotFound) || options.createModel === false) throw error;
      await this.create({ name });
      return upload();
    }
  }

  /** The artifact's bytes. */
  async download(name: string, version: VersionRef = 'latest'): Promise<Uint8Array> {
    const res = await this.http.call('GET', `${this.base()}/${seg(name)}/versions/${seg(String(version))}/artifact`, {
      headers: { accept: 'application/octet-stream' },
    });
    return new Uint8Array(await res.arrayBuffer());
  }

  async aliases(name: string): Promise<ModelAlias[]> {
    return (await this.http.json<{ items: ModelAlias[] }>('GET', `${this.base()}/${seg(name)}/aliases`)).items;
  }

  /** Creates or moves an alias; protected aliases only move with an ADMIN token. */
  setAlias(name: string, alias: string, version: number, options: { protected?: boolean } = {}): Promise<ModelAlias> {
    return this.http.json('PUT', `${this.base()}/${seg(name)}/aliases/${aliasName(alias)}`, { json: { version, protected: options.protected } });
  }

  getAlias(name: string, alias: string): Promise<ModelAlias> {
    return this.http.json('GET', `${this.base()}/${seg(name)}/aliases/${aliasName(alias)}`);
  }

  async deleteAlias(name: string, alias: string): Promise<void> {
    await this.http.call('DELETE', `${this.base()}/${seg(name)}/aliases/${aliasName(alias)}`);
  }
}
