import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Beamline } from '../../sdk/ts/src/index.js';
import { cliRunner } from '../helpers/cli.js';
import { closeApp, eventually, seedToken, startTestApp, type TestApp } from '../helpers/test-app.js';

/**
 * `beamline queue` and `beamline train get` of a Queued job (issue 14), as a child process
 * against the real platform (PostgreSQL, the local driver on a machine without GPUs).
 */
let t: TestApp;
let dir: string;
let root: string; // platform admin: cluster queues
let member: string; // MEMBER of the project: its queues and jobs
const project = 'cli-queues';
const H100 = 'NVIDIA-H100-80GB-HBM3';

beforeAll(async () => {
  t = await startTestApp({ env: { BEAMLINE_CLUSTER_DRIVER: 'local', BEAMLINE_SCHEDULER_INTERVAL_MS: '200' } });
  root = await seedToken(t.app, 'ADMIN');
  member = await seedToken(t.app, 'MEMBER', [project]);
  dir = await mkdtemp(join(tmpdir(), 'beamline-cli-queues-'));
});
afterAll(() => closeApp(t));

const beamline = cliRunner(() => dir);
const as = (bearer: string, ...args: string[]) => beamline(...args, '--url', t.url, '--token', bearer, '--project', project);

describe('beamline queue', () => {
  it('creates a cluster queue with quota, cohort, strategy and weight, and a project queue pointing at it', async () => {
    const made = await as(root, 'queue', 'create', 'vision', '--cluster', '--cohort', 'lab', '--strategy', 'strictfifo', '--weight', '2',
      '--quota', `nvidia.com/gpu:${H100}=16,cpu=64,memory=256Gi`, '--borrowing-limit', `gpu:${H100}=8`, '--json');
    expect(made.code, made.stderr).toBe(0);
    expect(made.json()).toMatchObject({
      name: 'vision', cohort: 'lab', strategy: 'StrictFIFO', weight: 2, version: 1,
      quota: [{ resource: 'nvidia.com/gpu', flavor: H100, nominal: 16, borrowingLimit: 8 }, { resource: 'cpu', nominal: 64 }, { resource: 'memory', nominal: '262144Mi' }],
    });
    const local = await as(member, 'queue', 'create', 'default', '--cluster-queue', 'vision');
    expect(local.code, local.stderr).toBe(0);
    expect(local.stdout).toBe(`created queue default in project ${project} -> cluster queue vision\n`);

    const clusters = await as(member, 'queue', 'list', '--cluster');
    expect(clusters.stdout.split('\n')[0]).toMatch(/^NAME\s+COHORT\s+STRATEGY\s+WEIGHT\s+QUOTA\s+VERSION$/);
    expect(clusters.stdout).toContain(`vision  lab     StrictFIFO  2       nvidia.com/gpu:${H100}=16 (borrow ≤ 8), cpu=64, memory=262144Mi  1`);
    expect((await as(member, 'queue', 'list', '--json')).json().map((q: { name: string; clusterQueue: string }) => [q.name, q.clusterQueue])).toEqual([['default', 'vision']]);
    expect((await as(member, 'queue', 'list')).stdout).toMatch(/^default\s+vision\s+1\s+\d{4}-/m);

    // A project queue shows the quota it draws on.
    const get = await as(member, 'queue', 'get', 'default');
    expect(get.stdout).toMatch(/^cluster queue\s+vision$/m);
    expect(get.stdout).toMatch(new RegExp(`^quota\\s+nvidia.com/gpu:${H100}=16 \\(borrow ≤ 8\\), cpu=64, memory=262144Mi$`, 'm'));
    expect(get.stdout).toMatch(/^weight\s+2$/m);
    const cluster = await as(member, 'queue', 'get', 'vision', '--cluster');
    expect(cluster.stdout).toMatch(/^cohort\s+lab$/m);
    expect(cluster.stdout).toMatch(/^version\s+1$/m);
    expect((await as(member, 'queue', 'get', 'vision', '--cluster', '--json')).json()).toMatchObject({ name: 'vision', version: 1 });
  });

  it('refuses bad input naming the flag (exit 2), what the API refuses (4), and a member writing cluster queues (4, 403)', async () => {
    const usage = async (args: string[], flag: string) => {
      const run = await as(root, 'queue', ...args);
      expect(run.code, args.join(' ')).toBe(2);
      expect(run.stderr, args.join(' ')).toContain(flag);
    };
    await usage(['create', 'x', '--cluster', '--quota', 'nvidia.com/gpu=4'], '--quota');
    await usage(['create', 'x', '--cluster', '--quota', `gpu:${H100}=-1`], '--quota');
    await usage(['create', 'x', '--cluster', '--quota', 'cpu'], '--quota');
    await usage(['create', 'x', '--cluster', '--quota', 'cpu=1,cpu=2'], '--quota');
    await usage(['create', 'x', '--cluster', '--quota', 'cpu=1', '--lending-limit', 'memory=1Gi'], '--lending-limit');
    await usage(['create', 'x', '--cluster', '--weight', '0'], '--weight');
    await usage(['create', 'x', '--cluster', '--strategy', 'LIFO'], '--strategy');
    await usage(['create', 'x', '--quota', 'cpu=1'], '--quota');
    await usage(['create', 'x'], '--cluster-queue');
    await usage(['set-quota', 'vision', '--quota', 'cpu=1'], '--cluster');
    await usage(['set-quota', 'vision', '--cluster'], '--quota');
    await usage(['set-quota', 'vision', '--cluster', '--quota', 'cpu=1', '--if-version', 'latest'], '--if-version');
    await usage(['delete', 'default', '--drain'], '--drain');
    await usage(['get'], '<name>');

    const api = await as(root, 'queue', 'create', 'x', '--cluster', '--quota', 'tpu=4', '--json');
    expect(api.code).toBe(4);
    expect(api.json().error).toMatchObject({ status: 400, errors: [{ field: 'quota.0.resource' }] });
    const limitWithoutCohort = await as(root, 'queue', 'create', 'x', '--cluster', '--quota', `gpu:${H100}=1`, '--borrowing-limit', `gpu:${H100}=1`, '--json');
    expect(limitWithoutCohort.json().error.errors.map((e: { field: string }) => e.field)).toEqual(['quota.0.borrowingLimit']);
    const denied = await as(member, 'queue', 'create', 'mine', '--cluster', '--json');
    expect(denied.code).toBe(4);
    expect(denied.json().error.status).toBe(403);
    expect((await as(member, 'queue', 'get', 'ghost')).code).toBe(3);
    expect((await as(member, 'queue', 'create', 'other', '--cluster-queue', 'ghost')).code).toBe(4);
  });

  it('set-quota changes the quota on the version it read; a stale version is a 412 in words, exit 4, nothing changed', async () => {
    const set = await as(root, 'queue', 'set-quota', 'vision', '--cluster', '--quota', `gpu:${H100}=24,cpu=64`, '--borrowing-limit', `gpu:${H100}=4`, '--json');
    expect(set.code, set.stderr).toBe(0);
    expect(set.json()).toMatchObject({ version: 2, quota: [{ flavor: H100, nominal: 24, borrowingLimit: 4 }, { resource: 'cpu', nominal: 64 }] });
    expect((await as(root, 'queue', 'set-quota', 'vision', '--cluster', '--quota', `gpu:${H100}=20`, '--if-version', '2')).stdout).toMatch(/^version\s+3$/m);

    const stale = await as(root, 'queue', 'set-quota', 'vision', '--cluster', '--quota', `gpu:${H100}=1`, '--if-version', '1');
    expect(stale.code).toBe(4);
    expect(stale.stderr).toContain('someone else changed cluster queue vision after version 1 was read');
    expect(stale.stderr).toContain('run set-quota again');
    const staleJson = await as(root, 'queue', 'set-quota', 'vision', '--cluster', '--quota', `gpu:${H100}=1`, '--if-version', '2', '--json');
    expect(staleJson.json().error).toMatchObject({ status: 412, code: 'precondition_failed', exitCode: 4 });
    expect((await as(root, 'queue', 'get', 'vision', '--cluster', '--json')).json()).toMatchObject({ version: 3, quota: [{ nominal: 20 }] });

    const history = await as(member, 'queue', 'history', 'vision', '--cluster', '--json');
    expect(history.json().map((r: { version: number; action: string }) => [r.version, r.action])).toEqual([[1, 'create'], [2, 'update'], [3, 'update']]);
    const table = await as(member, 'queue', 'history', 'vision', '--cluster');
    expect(table.stdout.split('\n')[0]).toMatch(/^VERSION\s+ACTION\s+AT\s+ACTOR\s+QUEUE$/);
    expect(table.stdout).toMatch(new RegExp(`^3\\s+update\\s+\\S+\\s+[0-9a-f-]{36}\\s+cohort lab, StrictFIFO, weight 2, quota nvidia.com/gpu:${H100}=20$`, 'm'));
    expect((await as(member, 'queue', 'history', 'default')).stdout).toMatch(/^1\s+create\s+\S+\s+[0-9a-f-]{36}\s+cluster queue vision$/m);
  });

  it('train get shows a Queued job\'s position and why it waits; delete refuses a queue in use, --drain cancels its jobs', async () => {
    const sdk = new Beamline({ url: t.url, token: member, project });
    const spec = (name: string) => ({ name, image: 'unused', command: ['true'], queue: 'default', resources: { cpu: '100m', memory: '64Mi', gpu: { count: 1 } } });
    const first = await sdk.training.submit(spec('waits-1'));
    const second = await sdk.training.submit(spec('waits-2'));
    await eventually(async () => (await sdk.training.get(second)).pendingReason, 20_000, 'a pending reason');

    const get = await as(member, 'train', 'get', second.id);
    expect(get.code, get.stderr).toBe(0);
    expect(get.stdout).toMatch(/^status\s+Queued$/m);
    expect(get.stdout).toMatch(/^pending\s+no GPU in this cluster$/m);
    expect(get.stdout).toMatch(/^queue position\s+2$/m);
    expect((await as(member, 'train', 'get', first.id, '--json')).json()).toMatchObject({ status: 'Queued', queuePosition: 1, pendingReason: 'no GPU in this cluster' });

    const inUse = await as(member, 'queue', 'delete', 'default', '--json');
    expect(inUse.code).toBe(4);
    expect(inUse.json().error.status).toBe(409);
    expect((await as(root, 'queue', 'delete', 'vision', '--cluster')).code).toBe(4);
    const drained = await as(root, 'queue', 'delete', 'vision', '--cluster', '--drain');
    expect(drained.code, drained.stderr).toBe(0);
    expect(drained.stdout).toBe('deleted cluster queue vision and its project queues; cancelled 2 waiting job(s)\n');
    expect((await sdk.training.get(first)).status).toBe('Cancelled');
    expect((await as(member, 'queue', 'list', '--json')).json()).toEqual([]);
    expect((await as(member, 'queue', 'get', 'vision', '--cluster')).code).toBe(3);

    expect((await as(root, 'queue', 'create', 'spare', '--cluster', '--json')).json()).toMatchObject({ quota: [], strategy: 'BestEffortFIFO', weight: 1 });
    expect((await as(member, 'queue', 'create', 'spare', '--cluster-queue', 'spare')).code).toBe(0);
    expect((await as(member, 'queue', 'delete', 'spare', '--json')).json()).toEqual({ deleted: 'spare' });
    expect((await as(root, 'queue', 'delete', 'spare', '--cluster')).stdout).toBe('deleted cluster queue spare and its project queues\n');
  });
});
