import { NotFound, type ApiToken, type Beamline, type CreatedToken, type TokenScope, type TokenSpec } from '../../sdk/ts/src/index.js';
import { parse, positional, type Parsed, type Values } from './args.js';
import { parseDuration } from './duration.js';
import { CommandFailed, fields, table, UsageError, type Output } from './output.js';

export const TOKENS_USAGE = `usage: beamline tokens <command> [options]

  list [--include-revoked]
  create <name> [--role ADMIN|MEMBER|VIEWER] [--scopes read,write,infer] [--expires-in 30d] [--quiet]
  revoke <id|name>
  rotate <id|name> [--grace 1h] [--quiet]

The project's tokens (its ADMINs only); with --platform, platform admin tokens (platform
admins only; they take no --role). --role defaults to MEMBER, --scopes to all three, and
without --expires-in a token never expires. --expires-in and --grace take seconds or a
number with s, m, h, d, w or y (90m, 30d). rotate makes a new secret at once; the old one
keeps working for --grace (default 1h, 0 to stop it now).

create and rotate print the secret once: the platform keeps only its hash. --quiet prints
the secret alone, for TOKEN=$(beamline tokens create ci --quiet).

common: --platform  --json  --url  --token  --project
`;

type Role = NonNullable<TokenSpec['role']>;
const ROLES: readonly Role[] = ['ADMIN', 'MEMBER', 'VIEWER'];
const SCOPES: readonly TokenScope[] = ['read', 'write', 'infer'];
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const SHOWN_ONCE = 'Store this token now: it is shown only once, and the platform keeps only its hash.';

function seconds(value: Values[string], flag: string): number | undefined {
  if (value === undefined) return undefined;
  const s = parseDuration(String(value));
  if (s === undefined) throw new UsageError(`${flag} takes seconds or a duration such as 90m, 12h or 30d, got '${String(value)}'`);
  return s;
}

function scopesOf(value: Values[string]): TokenScope[] | undefined {
  if (value === undefined) return undefined;
  const scopes = String(value).split(',').map((s) => s.trim()).filter(Boolean);
  const bad = scopes.filter((s) => !SCOPES.includes(s as TokenScope));
  if (scopes.length === 0 || bad.length) throw new UsageError(`--scopes takes a comma-separated list of ${SCOPES.join(', ')}, got '${String(value)}'`);
  return scopes as TokenScope[];
}

function roleOf(value: Values[string], platform: boolean): Role | undefined {
  if (value === undefined) return undefined;
  if (platform) throw new UsageError('--role does not apply to --platform tokens: they are platform admins, narrowed by --scopes');
  const role = String(value).toUpperCase() as Role;
  if (!ROLES.includes(role)) throw new UsageError(`--role takes ${ROLES.join(', ')}, got '${String(value)}'`);
  return role;
}

const resource = (sdk: Beamline, p: Parsed) => (p.values.platform ? sdk.platformTokens : sdk.tokens);

/** A token id, or the name of exactly one active token (a rotation keeps the name, so two may share it for a while). */
async function resolveId(sdk: Beamline, p: Parsed, ref: string): Promise<string> {
  if (UUID.test(ref)) return ref;
  const live = (t: ApiToken) => t.expiresAt === null || Date.parse(t.expiresAt) > Date.now();
  const matches = (await resource(sdk, p).list()).filter((t) => t.name === ref && live(t));
  const where = p.values.platform ? 'among the platform tokens' : `in project ${sdk.project}`;
  if (matches.length === 0) throw new NotFound(`no active token named '${ref}' ${where}`, 404);
  if (matches.length > 1) throw new CommandFailed(`${matches.length} active tokens are named '${ref}' ${where} (${matches.map((t) => t.id).join(', ')}): give the id`, 2);
  return matches[0].id;
}

const tokenRows = (list: ApiToken[], revoked: boolean) =>
  table(
    ['ID', 'NAME', 'PREFIX', 'ROLE', 'SCOPES', 'CREATED', 'EXPIRES', 'LAST USED', ...(revoked ? ['REVOKED'] : [])],
    list.map((t) => [t.id, t.name, t.prefix, t.role, t.scopes.join(','), t.createdAt, t.expiresAt ?? 'never', t.lastUsedAt, ...(revoked ? [t.revokedAt] : [])]),
  );

/** The secret on stdout (alone with --quiet), the warning on stderr. */
function showSecret(p: Parsed, out: Output, created: CreatedToken, extra: [string, unknown][] = []): void {
  out.progress(SHOWN_ONCE);
  if (p.values.quiet) {
    process.stdout.write(`${created.token}\n`);
    return;
  }
  out.result(created, () =>
    fields([['id', created.id], ['name', created.name], ['role', created.role], ['project', created.project], ['scopes', created.scopes.join(',')], ['expires', created.expiresAt ?? 'never'], ...extra, ['token', created.token]]),
  );
}

export async function tokens(argv: string[], out: Output): Promise<void> {
  const [command, ...rest] = argv;
  const platform = { platform: { type: 'boolean' as const } };
  const quiet = { quiet: { type: 'boolean' as const, short: 'q' } };
  switch (command) {
    case 'list': {
      const p = parse(rest, { ...platform, 'include-revoked': { type: 'boolean' } });
      const revoked = Boolean(p.values['include-revoked']);
      const list = await resource(await p.client(), p).list({ includeRevoked: revoked });
      return out.result(list, () => tokenRows(list, revoked));
    }
    case 'create': {
      const p = parse(rest, { ...platform, ...quiet, role: { type: 'string' }, scopes: { type: 'string' }, 'expires-in': { type: 'string' } });
      if (p.values.quiet && out.json) throw new UsageError('--quiet and --json do not go together');
      const name = positional(p, 0, 'name');
      const role = roleOf(p.values.role, Boolean(p.values.platform));
      const body = { name, scopes: scopesOf(p.values.scopes), expiresInSeconds: seconds(p.values['expires-in'], '--expires-in') };
      const sdk = await p.client();
      const created = p.values.platform ? await sdk.platformTokens.create(body) : await sdk.tokens.create({ ...body, role });
      return showSecret(p, out, created);
    }
    case 'revoke': {
      const p = parse(rest, platform);
      const sdk = await p.client();
      const revoked = await resource(sdk, p).revoke(await resolveId(sdk, p, positional(p, 0, 'id|name')));
      return out.result(revoked, () => `revoked token ${revoked.name} (${revoked.id}) at ${revoked.revokedAt}\n`);
    }
    case 'rotate': {
      const p = parse(rest, { ...platform, ...quiet, grace: { type: 'string' } });
      if (p.values.quiet && out.json) throw new UsageError('--quiet and --json do not go together');
      const graceSeconds = seconds(p.values.grace, '--grace');
      const sdk = await p.client();
      const rotated = await resource(sdk, p).rotate(await resolveId(sdk, p, positional(p, 0, 'id|name')), { graceSeconds });
      if (p.values.quiet) out.progress(`the old secret (${rotated.replaces.id}) works until ${rotated.replaces.expiresAt}`);
      return showSecret(p, out, rotated, [['replaces', `${rotated.replaces.id} (until ${rotated.replaces.expiresAt})`]]);
    }
    default:
      throw new UsageError(command ? `unknown command 'tokens ${command}'` : 'missing command');
  }
}
