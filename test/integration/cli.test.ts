import { mkdtemp, readFile, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HELP_TOPICS } from '../../src/cli/help.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Beamline } from '../../sdk/ts/src/index.js';
import { cliRunner, type Run } from '../helpers/cli.js';
import { linearModel } from '../helpers/onnx.js';
import { closeApp, eventually, seedToken, startTestApp, type TestApp } from '../helpers/test-app.js';

/** The real `beamline` CLI as a child process against a started platform (local driver). */
let t: TestApp;
let token: string;
let dir: string;
const project = 'cli';

beforeAll(async () => {
  t = await startTestApp({ env: { BEAMLINE_CLUSTER_DRIVER: 'local', BEAMLINE_SCHEDULER_INTERVAL_MS: '200' } });
  token = await seedToken(t.app, 'MEMBER', [project]);
  dir = await mkdtemp(join(tmpdir(), 'beamline-cli-'));
});
afterAll(() => closeApp(t));

const beamline = cliRunner(() => dir);

async function file(name: string, text: string): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, text);
  return path;
}

const job = (name: string, script: string) =>
  `name: ${name}\nimage: unused\ncommand: [${JSON.stringify(process.execPath)}, "-e", ${JSON.stringify(script)}]\nresources: {cpu: 100m, memory: 64Mi}\n`;

describe('beamline CLI', () => {
  it('login checks the token, then saves url, token and project with mode 0600', async () => {
    const bad = await beamline('login', '--url', t.url, '--token', 'bl_wrong', '--project', project, '--json');
    expect(bad.code).toBe(4);
    expect(bad.json().error.status).toBe(401);
    expect((await beamline('login', '--url', t.url)).code).toBe(2);

    const ok = await beamline('login', '--url', t.url, '--token', token, '--project', project);
    expect(ok.code, ok.stderr).toBe(0);
    const path = join(dir, 'config', 'config.json');
    expect(JSON.parse(await readFile(path, 'utf8'))).toEqual({ url: t.url, token, project });
    expect((await stat(path)).mode & 0o777).toBe(0o600);
  });

  it('answers usage errors with 2, unknown things with 3, an unreachable server with 5', async () => {
    expect((await beamline('train')).code).toBe(2);
    expect((await beamline('train', 'submit')).code).toBe(2);
    const unknownFlag = await beamline('train', 'list', '--bogus', '--json');
    expect(unknownFlag.code).toBe(2);
    expect(unknownFlag.json().error.message).toContain('--bogus');
    expect((await beamline('frobnicate')).code).toBe(2);
    const missing = await beamline('train', 'get', '00000000-0000-4000-8000-000000000000', '--json');
    expect(missing.code).toBe(3);
    expect(missing.json().error).toMatchObject({ status: 404, code: 'not_found' });
    expect((await beamline('models', 'show', 'nope')).code).toBe(3);
    expect((await beamline('models', 'list', '--url', 'http://127.0.0.1:1')).code).toBe(5);
  });

  it('submits and waits with progress on stderr, then lists, gets, reads logs and events', async () => {
    const spec = await file('job.yaml', job('cli-epochs', "for (let e = 1; e <= 3; e++) console.log('epoch', e)"));
    const run = await beamline('train', 'submit', '-f', spec, '--wait', '--json');
    expect(run.code, run.stderr).toBe(0);
    const done = run.json();
    expect(done).toMatchObject({ name: 'cli-epochs', status: 'Succeeded' });
    expect(run.stderr).toContain('Succeeded');

    const table = await beamline('train', 'list');
    expect(table.stdout.split('\n')[0]).toMatch(/^ID\s+NAME\s+STATUS/);
    expect(table.stdout).toContain(done.id);
    expect((await beamline('train', 'list', '--json', '--status', 'Succeeded')).json().map((j: { id: string }) => j.id)).toContain(done.id);
    expect((await beamline('train', 'get', done.id, '--json')).json().status).toBe('Succeeded');
    expect((await beamline('train', 'get', done.id)).stdout).toMatch(/status\s+Succeeded/);
    expect((await beamline('train', 'logs', done.id)).stdout).toBe('epoch 1\nepoch 2\nepoch 3\n');
    expect((await beamline('train', 'logs', done.id, '--json')).json()).toEqual({ lines: ['epoch 1', 'epoch 2', 'epoch 3'] });
    expect((await beamline('train', 'events', done.id, '--json')).json().map((e: { to: string }) => e.to)).toEqual([
      'Pending', 'Queued', 'Scheduled', 'Running', 'Succeeded',
    ]);
  });

  it('follows logs, exits 7 for a failed job, 6 when waiting times out, and cancels', async () => {
    const stepper = await beamline('train', 'submit', '-f', await file('steps.yaml', job('cli-steps', "let i = 0; const t = setInterval(() => { console.log('step', i++); if (i === 3) clearInterval(t); }, 100)")), '--json');
    expect((await beamline('train', 'logs', '-f', stepper.json().id)).stdout).toBe('step 0\nstep 1\nstep 2\n');

    // Issue 16: this printed "Failed: Failed" and nothing that says why.
    const failing = await beamline('train', 'submit', '-f', await file('fail.yaml', job('cli-fail', "console.log('loading data'); console.error('no such file: train.csv'); process.exit(3)")), '--wait');
    expect(failing.code, failing.stderr).toBe(7);
    expect(failing.stderr).toMatch(/ended Failed: Failed \(worker 0 failed with exit code 3/);
    expect(failing.stderr).toContain('| no such file: train.csv');
    const id = /\(([0-9a-f-]{36})\) ended Failed/.exec(failing.stderr)?.[1];
    const again = await beamline('--json', 'train', 'wait', id!);
    expect(again.code).toBe(7);
    expect(again.json().error).toMatchObject({ exitCode: 7, reason: 'Failed', job: { id, status: 'Failed' } });
    expect(again.json().error.logTail).toEqual(['loading data', 'no such file: train.csv']);

    const sleeper = await beamline('train', 'submit', '-f', await file('sleep.yaml', job('cli-sleep', 'setTimeout(() => {}, 60000)')), '--wait', '--timeout', '1', '--json');
    expect(sleeper.code).toBe(6);
    const sleeping = /training job (\S+) is still/.exec(sleeper.json().error.message)?.[1];
    const cancelled = await beamline('train', 'cancel', sleeping!, '--json');
    expect(cancelled.json().status).toBe('Cancelled');
    expect((await beamline('train', 'wait', sleeping!)).code).toBe(7);

    const invalid = await beamline('train', 'submit', '-f', await file('bad.yaml', 'name: Bad Name\nimage: x\nresources: {cpu: 1, memory: 1Gi}\n'), '--json');
    expect(invalid.code).toBe(4);
    expect(invalid.json().error.errors.map((e: { field: string }) => e.field)).toEqual(['name']);
  });

  it('runs examples/job.yaml, the sample docs/cli.md refers to, on a machine without GPUs', async () => {
    const run = await beamline('train', 'submit', '-f', 'examples/job.yaml', '--wait', '--timeout', '120', '--json');
    expect(run.code, run.stderr).toBe(0);
    expect(run.json()).toMatchObject({ name: 'hello-cpu', status: 'Succeeded' });
    expect((await beamline('train', 'logs', run.json().id)).stdout).toMatch(/^epoch 5 loss /m);
  });

  it('takes --json, --url, --token and --project anywhere on the line', async () => {
    const before = await beamline('--json', '--url', t.url, '--token', token, '--project', project, 'train', 'list', '--limit', '1');
    expect(before.code, before.stderr).toBe(0);
    expect(Array.isArray(before.json())).toBe(true);
    const between = await beamline('train', '--json', 'list', '--limit', '1');
    expect(between.code, between.stderr).toBe(0);
    expect(Array.isArray(between.json())).toBe(true);
  });

  it('lists and shows models and moves an alias', async () => {
    const sdk = new Beamline({ url: t.url, token, project });
    await sdk.models.register('doubler', linearModel([[2]], [0]));
    await sdk.models.register('doubler', linearModel([[3]], [0]));
    expect((await beamline('models', 'list', '--json')).json().map((m: { name: string }) => m.name)).toEqual(['doubler']);
    const alias = await beamline('models', 'alias', 'doubler', 'production', '1');
    expect(alias.stdout).toBe('doubler@production -> version 1\n');
    const show = await beamline('models', 'show', 'doubler');
    expect(show.stdout).toMatch(/^1\s+Ready\s+@production/m);
    expect((await beamline('models', 'show', 'doubler', '--json')).json().versions.map((v: { version: number }) => v.version)).toEqual([2, 1]);
    expect((await beamline('models', 'alias', 'doubler', 'production', 'one')).code).toBe(2);
  });

  it('deploys an endpoint, infers, redeploys from a file, rolls back and deletes', async () => {
    const deploy = await beamline('endpoints', 'deploy', 'double', '--model', 'doubler', '--version', '1', '--replicas', '1', '--wait', '--timeout', '60', '--json');
    expect(deploy.code, deploy.stderr).toBe(0);
    expect(deploy.json()).toMatchObject({ name: 'double', phase: 'Complete', modelVersion: 1 });
    expect(deploy.stderr).toContain('Complete');

    const infer = await beamline('endpoints', 'infer', 'double', '--input', 'x=[[1],[2]]', '--json');
    expect(infer.json().outputs[0]).toMatchObject({ name: 'y', shape: [2, 1], data: [2, 4] });
    const request = await file('request.json', JSON.stringify({ inputs: [{ name: 'x', datatype: 'FP32', shape: [1, 1], data: [5] }] }));
    expect((await beamline('endpoints', 'infer', 'double', '-d', `@${request}`)).stdout).toMatch(/^y\s+FP32\s+\[1,1\]\s+\[10\]/m);
    expect((await beamline('endpoints', 'infer', 'double', '--input', 'x=[[1]')).code).toBe(2);

    const yaml = await file('endpoint.yaml', 'name: double\nmodel: doubler\nversion: 2\nreplicas: 1\n');
    const redeploy = await beamline('endpoints', 'deploy', '-f', yaml, '--wait', '--timeout', '60', '--json');
    expect(redeploy.code, redeploy.stderr).toBe(0);
    expect(redeploy.json()).toMatchObject({ modelVersion: 2, desiredRevision: 2 });

    const rollback = await beamline('endpoints', 'rollback', 'double', '--wait', '--timeout', '60', '--json');
    expect(rollback.json()).toMatchObject({ modelVersion: 1, desiredRevision: 3, phase: 'Complete' });
    expect((await beamline('endpoints', 'revisions', 'double', '--json')).json().map((r: { cause: string }) => r.cause)).toEqual(['Rollback', 'Updated', 'Created']);
    expect((await beamline('endpoints', 'revisions', 'double')).stdout.split('\n')[0]).toMatch(/^REVISION\s+VERSION\s+CAUSE/);
    expect((await beamline('endpoints', 'status', 'double')).stdout).toMatch(/phase\s+Complete/);
    expect((await beamline('endpoints', 'list')).stdout).toMatch(/^double\s+doubler\s+1\s+Complete/m);

    expect((await beamline('endpoints', 'delete', 'double')).stdout).toBe('double Deleting\n');
    expect((await beamline('endpoints', 'status', 'ghost')).code).toBe(3);
  }, 240_000);
});

describe('beamline CLI: help and files', () => {
  it.each(HELP_TOPICS)('%s --help prints its own usage and an example', async (topic) => {
    const run = await beamline(...topic.split(' '), '--help');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`usage: beamline ${topic}`);
    expect(run.stdout).toMatch(new RegExp(`example:\\n  .*beamline ${topic}`));
  });

  it('server --help prints help instead of booting the platform', async () => {
    const run = await beamline('server', '--help');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('usage: beamline server');
  });

  it('a missing argument prints the subcommand\'s usage', async () => {
    const run = await beamline('train', 'submit');
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('usage: beamline train submit -f');
  });

  it('every examples/ file that docs/cli.md names exists, and the bin is what the build emits', async () => {
    const doc = await readFile('docs/cli.md', 'utf8');
    const named = [...new Set(doc.match(/examples\/[\w./-]+\.\w+/g))];
    expect(named.length).toBeGreaterThan(2);
    for (const path of named) await expect(stat(path), path).resolves.toBeTruthy();
    const pkg = JSON.parse(await readFile('package.json', 'utf8'));
    expect(pkg.bin.beamline).toBe('dist/src/cli/beamline.js'); // tsc emits src/cli/beamline.ts there (rootDir is the repo: the CLI imports sdk/)
  });
});

describe('beamline CLI: whoami, tokens, groups, audit', () => {
  let admin: string; // ADMIN of the project
  let root: string; // platform admin
  beforeAll(async () => {
    admin = await seedToken(t.app, 'ADMIN', [project]);
    root = await seedToken(t.app, 'ADMIN');
  });
  /** Independent of what `login` saved. */
  const as = (bearer: string, ...args: string[]) => beamline(...args, '--url', t.url, '--token', bearer, '--project', project);
  const status = async (bearer: string) => (await fetch(`${t.url}/v1/auth/whoami`, { headers: { authorization: `Bearer ${bearer}` } })).status;

  it('whoami shows the caller, its scopes and its role in each project; a bad token exits 4 with 401', async () => {
    const me = await as(token, 'whoami', '--json');
    expect(me.code, me.stderr).toBe(0);
    expect(me.json()).toMatchObject({ kind: 'token', name: 'test-MEMBER', platformAdmin: false, scopes: ['read', 'write', 'infer'], projects: [{ name: project, role: 'MEMBER' }] });
    const human = await as(token, 'whoami');
    expect(human.stdout).toMatch(/^platform admin\s+no$/m);
    expect(human.stdout).toMatch(/^cli\s+MEMBER$/m);
    expect(human.stdout).toContain(t.url);
    expect((await as(root, 'whoami', '--json')).json()).toMatchObject({ platformAdmin: true, projects: [] });
    const bad = await as('bl_wrong', 'whoami', '--json');
    expect(bad.code).toBe(4);
    expect(bad.json().error.status).toBe(401);
  });

  it('creates a token that works at once, lists it without its secret, rotates it, revokes both: then 401', async () => {
    const before = Date.now();
    const create = await as(admin, 'tokens', 'create', 'ci-reader', '--role', 'viewer', '--scopes', 'read,infer', '--expires-in', '30d', '--json');
    expect(create.code, create.stderr).toBe(0);
    expect(create.stderr).toContain('shown only once');
    const a = create.json();
    expect(a).toMatchObject({ name: 'ci-reader', role: 'VIEWER', project, scopes: ['read', 'infer'] });
    expect(a.token).toMatch(/^bl_[\w-]{40,}$/);
    expect(Date.parse(a.expiresAt) - before).toBeGreaterThanOrEqual(30 * 86_400_000 - 5_000);
    expect(Date.parse(a.expiresAt) - before).toBeLessThanOrEqual(30 * 86_400_000 + 60_000);

    // It works, with exactly what it was given: reads yes, token management no.
    expect((await as(a.token, 'whoami', '--json')).json()).toMatchObject({ name: 'ci-reader', scopes: ['read', 'infer'], projects: [{ name: project, role: 'VIEWER' }] });
    expect((await as(a.token, 'models', 'list')).code).toBe(0);
    expect((await as(a.token, 'tokens', 'list')).code).toBe(4);

    const list = await as(admin, 'tokens', 'list', '--json');
    const listed = list.json().find((x: { id: string }) => x.id === a.id);
    expect(listed).toMatchObject({ name: 'ci-reader', prefix: a.token.slice(0, 10), revokedAt: null });
    expect(list.stdout).not.toContain(a.token);
    const table = await as(admin, 'tokens', 'list');
    expect(table.stdout.split('\n')[0]).toMatch(/^ID\s+NAME\s+PREFIX\s+ROLE\s+SCOPES/);
    expect(table.stdout).toMatch(new RegExp(`^${a.id}\\s+ci-reader\\s+${a.token.slice(0, 10)}\\s+VIEWER\\s+read,infer\\s`, 'm'));
    expect(table.stdout).not.toContain(a.token);

    // Rotation: a new secret now; the old one keeps working through the grace.
    const rotate = await as(admin, 'tokens', 'rotate', a.id, '--grace', '1h', '--json');
    expect(rotate.code, rotate.stderr).toBe(0);
    expect(rotate.stderr).toContain('shown only once');
    const b = rotate.json();
    expect(b).toMatchObject({ name: 'ci-reader', role: 'VIEWER', scopes: ['read', 'infer'], replaces: { id: a.id } });
    expect(b.token).not.toBe(a.token);
    expect(Date.parse(b.replaces.expiresAt) - Date.now()).toBeGreaterThan(3_000_000);
    expect(await status(b.token)).toBe(200);
    expect(await status(a.token)).toBe(200);

    // Two live tokens share the name now: a name is refused, the id is not.
    const ambiguous = await as(admin, 'tokens', 'revoke', 'ci-reader');
    expect(ambiguous.code).toBe(2);
    expect(ambiguous.stderr).toContain(a.id);
    expect(await status(a.token)).toBe(200);
    const revokeA = await as(admin, 'tokens', 'revoke', a.id);
    expect(revokeA.stdout).toMatch(new RegExp(`^revoked token ci-reader \\(${a.id}\\) at \\d{4}-`));
    await eventually(async () => (await status(a.token)) === 401, 10_000, 'the revoked token to get 401');
    const refused = await as(a.token, 'whoami', '--json');
    expect(refused.code).toBe(4);
    expect(refused.json().error.status).toBe(401);
    expect(await status(b.token)).toBe(200);

    // Now the name is unique again.
    expect((await as(admin, 'tokens', 'revoke', 'ci-reader')).code).toBe(0);
    await eventually(async () => (await status(b.token)) === 401, 10_000, 'the rotated token to get 401');
    expect((await as(b.token, 'models', 'list')).code).toBe(4);
    expect((await as(admin, 'tokens', 'revoke', 'ci-reader')).code).toBe(3);

    const ids = (r: Run) => r.json().map((x: { id: string }) => x.id);
    expect(ids(await as(admin, 'tokens', 'list', '--json'))).not.toContain(b.id);
    const all = (await as(admin, 'tokens', 'list', '--include-revoked', '--json')).json();
    expect(all.filter((x: { name: string; revokedAt: string | null }) => x.name === 'ci-reader' && x.revokedAt !== null).map((x: { id: string }) => x.id).sort()).toEqual([a.id, b.id].sort());
  });

  it('create --quiet prints only the secret; bad flags exit 2, a lifetime the API refuses exits 4', async () => {
    const quiet = await as(admin, 'tokens', 'create', 'ci-quiet', '--quiet');
    expect(quiet.code, quiet.stderr).toBe(0);
    expect(quiet.stdout).toMatch(/^bl_[\w-]+\n$/);
    expect(await status(quiet.stdout.trim())).toBe(200);
    expect(quiet.stderr).toContain('shown only once');

    expect((await as(admin, 'tokens', 'create', 'x', '--scopes', 'read,admin')).code).toBe(2);
    expect((await as(admin, 'tokens', 'create', 'x', '--expires-in', 'soon')).code).toBe(2);
    expect((await as(admin, 'tokens', 'create', 'x', '--role', 'OWNER')).code).toBe(2);
    expect((await as(root, 'tokens', 'create', 'x', '--platform', '--role', 'VIEWER')).code).toBe(2);
    expect((await as(admin, 'tokens', 'create')).code).toBe(2);
    const short = await as(admin, 'tokens', 'create', 'x', '--expires-in', '10s', '--json');
    expect(short.code).toBe(4);
    expect(short.json().error.errors.map((e: { field: string }) => e.field)).toEqual(['expiresInSeconds']);
    expect((await as(admin, 'tokens', 'revoke', '00000000-0000-4000-8000-000000000000')).code).toBe(3);
  });

  it("a MEMBER's token commands exit 4 with 403", async () => {
    const create = await as(token, 'tokens', 'create', 'mine', '--json');
    expect(create.code).toBe(4);
    expect(create.json().error.status).toBe(403);
    expect((await as(token, 'tokens', 'list', '--json')).json().error.status).toBe(403);
    expect((await as(token, 'groups', 'list', '--json')).json().error.status).toBe(403);
  });

  it('platform tokens: only platform admins make them, and they carry no project', async () => {
    const create = await as(root, 'tokens', 'create', 'prometheus', '--platform', '--scopes', 'read', '--json');
    expect(create.code, create.stderr).toBe(0);
    const p = create.json();
    expect(p).toMatchObject({ role: 'PLATFORM_ADMIN', project: null, scopes: ['read'], expiresAt: null });
    expect((await as(p.token, 'whoami', '--json')).json()).toMatchObject({ name: 'prometheus', platformAdmin: true, scopes: ['read'] });
    expect((await as(root, 'tokens', 'list', '--platform', '--json')).json().map((x: { name: string }) => x.name)).toContain('prometheus');
    expect((await as(root, 'tokens', 'list', '--json')).json().map((x: { name: string }) => x.name)).not.toContain('prometheus');
    const denied = await as(admin, 'tokens', 'list', '--platform', '--json');
    expect(denied.code).toBe(4);
    expect(denied.json().error.status).toBe(403);
    expect((await as(root, 'tokens', 'revoke', 'prometheus', '--platform')).code).toBe(0);
    await eventually(async () => (await status(p.token)) === 401, 10_000, 'the platform token to get 401');
  });

  it('groups: set, list, remove', async () => {
    const set = await as(admin, 'groups', 'set', 'lab:vision', 'member');
    expect(set.code, set.stderr).toBe(0);
    expect(set.stdout).toBe(`group lab:vision is MEMBER in project ${project}\n`);
    expect((await as(admin, 'groups', 'set', 'lab:vision', 'VIEWER', '--json')).json()).toMatchObject({ group: 'lab:vision', role: 'VIEWER' });
    expect((await as(admin, 'groups', 'list', '--json')).json().map((b: { group: string; role: string }) => [b.group, b.role])).toEqual([['lab:vision', 'VIEWER']]);
    expect((await as(admin, 'groups', 'list')).stdout).toMatch(/^lab:vision\s+VIEWER\s+\d{4}-/m);
    expect((await as(admin, 'groups', 'set', 'lab:vision', 'owner')).code).toBe(2);
    expect((await as(admin, 'groups', 'set', 'bad group!', 'VIEWER')).code).toBe(4);
    expect((await as(admin, 'groups', 'remove', 'lab:vision')).code).toBe(0);
    expect((await as(admin, 'groups', 'list', '--json')).json()).toEqual([]);
    expect((await as(admin, 'groups', 'remove', 'lab:vision')).code).toBe(3);
  });

  it('audit: filters by action, project, actor and time, without secrets; platform admins only', async () => {
    const made = (await as(admin, 'tokens', 'create', 'audited', '--json')).json();
    expect((await as(admin, 'tokens', 'revoke', made.id)).code).toBe(0);
    const events = await eventually(async () => {
      const r = await as(root, 'audit', '--action', 'token.', '--project', project, '--actor', 'test-ADMIN', '--since', '1h', '--json');
      const list = r.json() as { action: string; resourceId: string }[];
      return list.some((e) => e.action === 'token.create' && e.resourceId === made.id) ? { list, stdout: r.stdout } : undefined;
    }, 20_000, 'the token.create event');
    expect(events.list.every((e) => e.action.startsWith('token.'))).toBe(true);
    expect(events.list.map((e) => e.action)).toContain('token.revoke');
    expect(events.stdout).not.toContain(made.token);

    expect((await as(root, 'audit', '--action', 'token.', '--limit', '1', '--json')).json()).toHaveLength(1);
    expect((await as(root, 'audit', '--until', '2000-01-01', '--json')).json()).toEqual([]);
    expect((await as(root, 'audit', '--actor', 'nobody-at-all', '--json')).json()).toEqual([]);
    const table = await as(root, 'audit', '--action', 'token.create', '--project', project);
    expect(table.stdout.split('\n')[0]).toMatch(/^AT\s+ACTOR\s+PROJECT\s+ACTION\s+RESOURCE\s+OUTCOME\s+STATUS/);
    expect(table.stdout).toMatch(new RegExp(`test-ADMIN\\s+${project}\\s+token\\.create\\s+token/${made.id}\\s+success\\s+201`));

    expect((await as(root, 'audit', '--since', 'yesterday')).code).toBe(2);
    expect((await as(root, 'audit', '--outcome', 'maybe')).code).toBe(2);
    const denied = await as(admin, 'audit', '--json');
    expect(denied.code).toBe(4);
    expect(denied.json().error.status).toBe(403);
  });
});
