import { NotFound } from './errors.js';
import type { Http } from './http.js';
import type { Artifact } from './models.js';
import { PageIterator } from './pages.js';
import type { Dataset, DatasetSpec, DatasetVersion, Page } from './types.js';

const seg = encodeURIComponent;

async function toBlob(archive: Artifact): Promise<Blob> {
  if (archive instanceof Blob) return archive;
  // A copy of exactly these bytes: a Node Buffer's .buffer is often a shared pool.
  return new Blob([archive instanceof ArrayBuffer ? archive : new Uint8Array(archive)], { type: 'application/octet-stream' });
}

/**
 * `bl.datasets`: versioned, read-only inputs for training jobs (docs/checkpoints.md,
 * "Datasets"). A version is an uploaded .tar/.tar.gz (`upload`), or a `pvc://<claim>/<path>`
 * or `s3://<bucket>/<prefix>` (`register`; the platform fetches an s3:// prefix once, then).
 * A job mounts one with `volumes: [{name, mountPath, dataset: {name, version}}]`.
 */
export class Datasets {
  constructor(
    private readonly http: Http,
    private readonly base: () => string,
  ) {}

  /** In name order. */
  list(options: { namePrefix?: string; limit?: number } = {}): PageIterator<Dataset> {
    return new PageIterator((cursor) => this.http.json<Page<Dataset>>('GET', this.base(), { query: { namePrefix: options.namePrefix, limit: options.limit, cursor } }));
  }

  get(name: string): Promise<Dataset> {
    return this.http.json('GET', `${this.base()}/${seg(name)}`);
  }

  create(spec: DatasetSpec): Promise<Dataset> {
    return this.http.json('POST', this.base(), { json: spec });
  }

  /** Versions, newest first. */
  versions(name: string, options: { limit?: number } = {}): PageIterator<DatasetVersion> {
    return new PageIterator((cursor) =>
      this.http.json<Page<DatasetVersion>>('GET', `${this.base()}/${seg(name)}/versions`, { query: { limit: options.limit, cursor } }),
    );
  }

  /** One version, with `usedBy`: the job attempts that mounted it. */
  version(name: string, version: number): Promise<DatasetVersion> {
    return this.http.json('GET', `${this.base()}/${seg(name)}/versions/${version}`);
  }

  /**
   * Uploads a .tar or .tar.gz as the dataset's next version; the server checks and unpacks it
   * before it answers (ValidationError naming `file` for a `..` entry or a link out of the
   * root; a 413 BeamlineError over the size limit). The dataset is created first when it does
   * not exist, unless `createDataset` is false.
   */
  async upload(name: string, archive: Artifact, spec: { description?: string } = {}, options: { createDataset?: boolean } = {}): Promise<DatasetVersion> {
    const blob = await toBlob(archive);
    const send = () => {
      const form = new FormData();
      form.append('spec', JSON.stringify(spec));
      form.append('file', blob, 'dataset.tar');
      return this.http.json<DatasetVersion>('POST', `${this.base()}/${seg(name)}/versions`, { body: form });
    };
    return this.orCreate(name, options.createDataset, send);
  }

  /** A version at `pvc://<claim>/<path>` or `s3://<bucket>/<prefix>` (read now: size, file count, digest). */
  register(name: string, uri: string, spec: { description?: string } = {}, options: { createDataset?: boolean } = {}): Promise<DatasetVersion> {
    return this.orCreate(name, options.createDataset, () => this.http.json<DatasetVersion>('POST', `${this.base()}/${seg(name)}/versions`, { json: { uri, ...spec } }));
  }

  /** Conflict (409) while any training job names the version or has read it (lineage keeps it). */
  async deleteVersion(name: string, version: number): Promise<void> {
    await this.http.call('DELETE', `${this.base()}/${seg(name)}/versions/${version}`);
  }

  /** The archive of an uploaded version, or the snapshot of an s3:// one, as stored. */
  async download(name: string, version: number): Promise<Uint8Array> {
    const res = await this.http.call('GET', `${this.base()}/${seg(name)}/versions/${version}/archive`, { headers: { accept: 'application/octet-stream' } });
    return new Uint8Array(await res.arrayBuffer());
  }

  private async orCreate<T>(name: string, createDataset: boolean | undefined, send: () => Promise<T>): Promise<T> {
    try {
      return await send();
    } catch (error) {
      // Only "no such dataset": a NotFound names no field (a refused version names one).
      if (!(error instanceof NotFound) || createDataset === false) throw error;
      await this.create({ name });
      return send();
    }
  }
}
