/** One object under a dataset's S3 prefix, as listed. */
export interface ListedObject {
  key: string;
  size: number;
  etag?: string;
}

/** An object to fetch: its key, where it lands in the dataset (relative path) and its listed size. */
export interface PlannedFile extends ListedObject {
  path: string;
}

/** The refusal of a prefix: a 400 (or a 413 when `tooLarge`) naming `uri`. */
export class PrefixRefused extends Error {
  constructor(message: string, readonly tooLarge = false) {
    super(message);
    this.name = 'PrefixRefused';
  }
}

/** Objects one version may hold at most: bounds the listing and the manifest. */
export const MAX_OBJECTS = 100_000;

/** The prefix as listed: `images/2026` lists `images/2026/...`, never `images/2026-old/...`; '' is the whole bucket. */
export function listPrefix(prefix: string): string {
  return prefix === '' || prefix.endsWith('/') ? prefix : `${prefix}/`;
}

/**
 * Which objects a version made from `s3://<bucket>/<prefix>` holds, and where each lands,
 * checked before a byte is fetched (pure; the fetch re-checks sizes as it reads):
 *   1. a key ending in '/' with no bytes is a folder marker (skipped);
 *   2. the rest of each key must be a relative path: no leading '/', no '.', '..' or empty
 *      part, no NUL, no folder marker holding bytes;
 *   3. no path may be both a file and a folder (`a` and `a/b`);
 *   4. at least one object, at most MAX_OBJECTS, and at most `limit` bytes together.
 * Paths are returned sorted, the order in which the snapshot's tar holds them.
 */
export function planFiles(objects: ListedObject[], prefix: string, limit: number): PlannedFile[] {
  const base = listPrefix(prefix);
  const planned: PlannedFile[] = [];
  let total = 0;
  for (const o of objects) {
    const rel = o.key.slice(base.length);
    if (!o.key.startsWith(base)) throw new Error(`listed key '${o.key}' is not under '${base}'`);
    if ((rel === '' || rel.endsWith('/')) && o.size === 0) continue;
    const problem = keyProblem(rel);
    if (problem) throw new PrefixRefused(`the object '${o.key}' ${problem}`);
    total += o.size;
    if (total > limit) throw new PrefixRefused(`the objects under s3://…/${base} add up to more than ${limit} bytes (BEAMLINE_DATASET_MAX_BYTES)`, true);
    planned.push({ ...o, path: rel });
  }
  if (planned.length === 0) throw new PrefixRefused(`no objects under '${base}' (an empty prefix is not a dataset)`);
  if (planned.length > MAX_OBJECTS) throw new PrefixRefused(`more than ${MAX_OBJECTS} objects under '${base}'`);
  planned.sort((a, b) => Buffer.compare(Buffer.from(a.path), Buffer.from(b.path)));
  const files = new Set(planned.map((f) => f.path));
  for (const f of planned) {
    const parts = f.path.split('/');
    for (let i = 1; i < parts.length; i++) {
      const parent = parts.slice(0, i).join('/');
      if (files.has(parent)) throw new PrefixRefused(`'${parent}' is both an object and a folder of '${f.path}'`);
    }
  }
  return planned;
}

/** Why the rest of a key is not a relative path inside the dataset, or undefined. */
export function keyProblem(rel: string): string | undefined {
  if (rel.includes('\0')) return 'has a NUL in its name';
  if (rel.startsWith('/')) return 'would land at an absolute path (a \'/\' right after the prefix)';
  if (rel.endsWith('/')) return "ends in '/' but holds bytes";
  const parts = rel.split('/');
  if (parts.includes('..')) return "has '..' in its path (path traversal)";
  if (parts.includes('.') || parts.includes('')) return "has a '.' or empty part in its path";
  return undefined;
}
