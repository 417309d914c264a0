import type { DatasetVersion } from '../../sdk/ts/src/index.js';
import { int, parse, positional, str, type Parsed } from './args.js';
import { archiveOf } from './dataset-archive.js';
import { fields, present, table, UsageError, type Output } from './output.js';

export const DATASETS_USAGE = `usage: beamline datasets <command> [options]

  list [--name-prefix p] [--limit n]
  get <name> [<version>]                 the dataset and its versions, or one version and the jobs that read it
  versions <name> [--limit n]
  create <name> [--description d]
  upload <name> <file.tar[.gz]|directory> [--description d] [--no-create]
                                         a new version from an archive; a directory is packed as .tar.gz first
  register <name> <pvc://claim/path|s3://bucket/prefix> [--description d] [--no-create]
                                         a new version from a claim path or an S3 prefix (fetched once, now)
  delete <name> <version>                refused (exit 4) while a training job names or has read it

upload and register create the dataset when it does not exist, unless --no-create.
A job mounts a version read-only: volumes: [{name, mountPath, dataset: {name, version}}].

common: --json  --url  --token  --project
`;

const VERSION_FLAGS = { description: { type: 'string' as const }, 'no-create': { type: 'boolean' as const } };

const versionRows = (versions: DatasetVersion[]) =>
  table(
    ['VERSION', 'KIND', 'URI', 'SIZE', 'FILES', 'DIGEST', 'CREATED'],
    versions.map((v) => [v.version, v.kind, v.uri, v.sizeBytes, v.fileCount, v.digest?.slice(0, 12), v.createdAt]),
  );

const versionFields = (v: DatasetVersion) =>
  fields([
    ['dataset', v.dataset], ['version', v.version], ['kind', v.kind], ['uri', v.uri], ['description', v.description],
    ['size', v.sizeBytes], ['files', v.fileCount], ['digest', v.digest], ...present('digest note', v.digestNote),
    ...present('archive', v.archive?.sha256), ['created', v.createdAt],
    ['used by', v.usedBy.map((u) => `${u.trainingJob.name} (${u.trainingJob.id}, attempts ${u.attempts.join(',')})`).join('; ')],
  ]);

const versionOf = (p: Parsed, index: number) => int(positional(p, index, 'version'), '<version>', 1) as number;
const spec = (p: Parsed) => ({ description: str(p.values.description) });

export async function datasets(argv: string[], out: Output): Promise<void> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'list': {
      const p = parse(rest, { 'name-prefix': { type: 'string' }, limit: { type: 'string' } });
      const limit = int(p.values.limit, '--limit', 1) ?? 100;
      const list = await (await p.client()).datasets.list({ namePrefix: str(p.values['name-prefix']), limit: Math.min(limit, 200) }).first(limit);
      return out.result(list, () => table(['NAME', 'LATEST', 'DESCRIPTION', 'UPDATED'], list.map((d) => [d.name, d.latestVersion, d.description, d.updatedAt])));
    }
    case 'get': {
      const p = parse(rest);
      const name = positional(p, 0, 'name');
      const sdk = await p.client();
      if (p.positionals[1] !== undefined) {
        const v = await sdk.datasets.version(name, versionOf(p, 1));
        return out.result(v, () => versionFields(v));
      }
      const dataset = await sdk.datasets.get(name);
      const versions = await sdk.datasets.versions(name).first(50);
      return out.result({ ...dataset, versions }, () =>
        fields([['name', dataset.name], ['description', dataset.description], ['latest', dataset.latestVersion]]) + '\n' + versionRows(versions),
      );
    }
    case 'versions': {
      const p = parse(rest, { limit: { type: 'string' } });
      const limit = int(p.values.limit, '--limit', 1) ?? 100;
      const list = await (await p.client()).datasets.versions(positional(p, 0, 'name'), { limit: Math.min(limit, 200) }).first(limit);
      return out.result(list, () => versionRows(list));
    }
    case 'create': {
      const p = parse(rest, { description: { type: 'string' } });
      const created = await (await p.client()).datasets.create({ name: positional(p, 0, 'name'), description: str(p.values.description) });
      return out.result(created, () => `created dataset ${created.name}\n`);
    }
    case 'upload': {
      const p = parse(rest, VERSION_FLAGS);
      const [name, path] = [positional(p, 0, 'name'), positional(p, 1, 'file.tar[.gz]|directory')];
      const sdk = await p.client();
      const archive = await archiveOf(path);
      if (archive.packed) out.progress(`packed ${path} (${archive.blob.size} bytes, .tar.gz)`);
      try {
        const v = await sdk.datasets.upload(name, archive.blob, spec(p), { createDataset: !p.values['no-create'] });
        return out.result(v, () => `${v.dataset} version ${v.version}: ${v.fileCount} files, ${v.sizeBytes} bytes, digest ${v.digest}\n`);
      } finally {
        await archive.done();
      }
    }
    case 'register': {
      const p = parse(rest, VERSION_FLAGS);
      const [name, uri] = [positional(p, 0, 'name'), positional(p, 1, 'uri')];
      if (!/^(pvc|s3):\/\//.test(uri)) throw new UsageError(`<uri> must be pvc://<claim>/<path> or s3://<bucket>/<prefix> (for a file or directory: datasets upload), got '${uri}'`);
      const v = await (await p.client()).datasets.register(name, uri, spec(p), { createDataset: !p.values['no-create'] });
      return out.result(v, () => `${v.dataset} version ${v.version}: ${v.uri}, ${v.fileCount ?? '?'} files, ${v.sizeBytes ?? '?'} bytes, digest ${v.digest ?? `- (${v.digestNote})`}\n`);
    }
    case 'delete': {
      const p = parse(rest);
      const name = positional(p, 0, 'name');
      const version = versionOf(p, 1);
      await (await p.client()).datasets.deleteVersion(name, version);
      return out.result({ deleted: { dataset: name, version } }, () => `deleted version ${version} of dataset ${name}\n`);
    }
    default:
      throw new UsageError(command ? `unknown command 'datasets ${command}'` : 'missing command');
  }
}
