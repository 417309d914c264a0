import type { ModelVersion } from '../../sdk/ts/src/index.js';
import { int, parse, positional, str } from './args.js';
import { fields, table, UsageError, type Output } from './output.js';

export const MODELS_USAGE = `usage: beamline models <command> [options]

  list [--name-prefix p] [--tag t1,t2] [--limit n]
  show <name>                       the model and its versions
  alias <name> <alias> <version>    point an alias at a version [--protected]

common: --json  --url  --token  --project
`;

const versionRows = (versions: ModelVersion[]) =>
  table(
    ['VERSION', 'STATUS', 'ALIASES', 'SHA256', 'SIZE', 'JOB', 'CREATED'],
    versions.map((v) => [v.version, v.status, v.aliases.map((a) => `@${a}`).join(','), v.artifact?.sha256.slice(0, 12), v.artifact?.size, v.trainingJob?.name, v.createdAt]),
  );

export async function models(argv: string[], out: Output): Promise<void> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'list': {
      const p = parse(rest, { 'name-prefix': { type: 'string' }, tag: { type: 'string' }, limit: { type: 'string' } });
      const limit = int(p.values.limit, '--limit', 1) ?? 100;
      const list = await (await p.client()).models.list({ namePrefix: str(p.values['name-prefix']), tag: str(p.values.tag), limit: Math.min(limit, 200) }).first(limit);
      return out.result(list, () => table(['NAME', 'LATEST', 'TAGS', 'UPDATED'], list.map((m) => [m.name, m.latestVersion, m.tags.join(','), m.updatedAt])));
    }
    case 'show': {
      const p = parse(rest);
      const name = positional(p, 0, 'name');
      const sdk = await p.client();
      const model = await sdk.models.get(name);
      const versions = await sdk.models.versions(name).first(50);
      return out.result({ ...model, versions }, () =>
        fields([['name', model.name], ['description', model.description], ['tags', model.tags.join(',')], ['metadata', model.metadata], ['latest', model.latestVersion]]) +
        '\n' + versionRows(versions),
      );
    }
    case 'alias': {
      const p = parse(rest, { protected: { type: 'boolean' } });
      const [name, alias] = [positional(p, 0, 'name'), positional(p, 1, 'alias')];
      const version = int(positional(p, 2, 'version'), '<version>', 1) as number;
      const set = await (await p.client()).models.setAlias(name, alias, version, { protected: p.values.protected ? true : undefined });
      return out.result(set, () => `${set.model}@${set.alias} -> version ${set.version}${set.protected ? ' (protected)' : ''}\n`);
    }
    default:
      throw new UsageError(command ? `unknown command 'models ${command}'` : 'missing command');
  }
}
