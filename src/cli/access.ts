import type { GroupBinding } from '../../sdk/ts/src/index.js';
import { parse, positional } from './args.js';
import { fields, table, UsageError, type Output } from './output.js';

export const WHOAMI_USAGE = `usage: beamline whoami [--json]

Who the platform takes you for: the token or single sign-on user, its scopes, whether it
is a platform admin, and its role in each project.

common: --json  --url  --token  --project
`;

export const GROUPS_USAGE = `usage: beamline groups <command> [options]

  list                    the OIDC groups that hold a role in the project
  set <group> <role>      give a group ADMIN, MEMBER or VIEWER (replaces its role)
  remove <group>          take the group's role away

Signed-in people get the roles of the groups in their identity provider's groups claim;
a change applies within a second. The project's ADMINs only.

common: --json  --url  --token  --project
`;

const ROLES: readonly GroupBinding['role'][] = ['ADMIN', 'MEMBER', 'VIEWER'];

export async function whoami(argv: string[], out: Output): Promise<void> {
  const p = parse(argv);
  const sdk = await p.client();
  const me = await sdk.whoami();
  out.result(me, () =>
    fields([['url', sdk.url], ['name', me.name], ['kind', me.kind], ['id', me.id], ['platform admin', me.platformAdmin ? 'yes' : 'no'], ['scopes', me.scopes.join(',')]]) +
    '\n' + (me.projects.length ? table(['PROJECT', 'ROLE'], me.projects.map((x) => [x.name, x.role])) : 'no project roles\n'),
  );
}

export async function groups(argv: string[], out: Output): Promise<void> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'list': {
      const p = parse(rest);
      const list = await (await p.client()).groups.list();
      return out.result(list, () => table(['GROUP', 'ROLE', 'CREATED'], list.map((b) => [b.group, b.role, b.createdAt])));
    }
    case 'set': {
      const p = parse(rest);
      const group = positional(p, 0, 'group');
      const role = positional(p, 1, 'role').toUpperCase() as GroupBinding['role'];
      if (!ROLES.includes(role)) throw new UsageError(`<role> is one of ${ROLES.join(', ')}, got '${p.positionals[1]}'`);
      const sdk = await p.client();
      const binding = await sdk.groups.set(group, role);
      return out.result(binding, () => `group ${binding.group} is ${binding.role} in project ${sdk.project}\n`);
    }
    case 'remove': {
      const p = parse(rest);
      const group = positional(p, 0, 'group');
      const sdk = await p.client();
      await sdk.groups.remove(group);
      return out.result({ group, removed: true }, () => `group ${group} has no role in project ${sdk.project} now\n`);
    }
    default:
      throw new UsageError(command ? `unknown command 'groups ${command}'` : 'missing command');
  }
}
