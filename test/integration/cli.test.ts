import { execFile } from 'node:child_process';
import { mkdtemp, readFile, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Beamline } from '../../sdk/ts/src/index.js';
import { linearModel } from '../helpers/onnx.js';
import { closeApp, seedToken, startTestApp, type TestApp } from '../helpers/test-app.js';

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

interface Run {
  code: number;
  stdout: string;
  stderr: string;
  json: () => any; // eslint-disable-line @typescript-eslint/no-explicit-any
}

function beamline(...args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    // Only the config file (and flags) may say where the platform is.
    const env: NodeJS.ProcessEnv = { ...process.env, BEAMLINE_CONFIG_DIR: join(dir, 'config') };
    for (const key of ['BEAMLINE_URL', 'BEAMLINE_TOKEN', 'BEAMLINE_PROJECT']) delete env[key];
    execFile(process.execPath, ['--import', 'tsx', 'src/cli/beamline.ts', ...args], { env, timeout: 90_000 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
      resolve({ code, stdout, stderr, json: () => JSON.parse(stdout) });
    });
  });
}

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

  it('follows logs, exits 1 for a failed job, 6 when waiting times out, and cancels', async () => {
    const stepper = await beamline('train', 'submit', '-f', await file('steps.yaml', job('cli-steps', "let i = 0; const t = setInterval(() => { console.log('step', i++); if (i === 3) clearInterval(t); }, 100)")), '--json');
    expect((await beamline('train', 'logs', '-f', stepper.json().id)).stdout).toBe('step 0\nstep 1\nstep 2\n');

    const failing = await beamline('train', 'submit', '-f', await file('fail.yaml', job('cli-fail', 'process.exit(3)')), '--wait');
    expect(failing.code).toBe(1);
    expect(failing.stderr).toContain('ended Failed');

    const sleeper = await beamline('train', 'submit', '-f', await file('sleep.yaml', job('cli-sleep', 'setTimeout(() => {}, 60000)')), '--wait', '--timeout', '1', '--json');
    expect(sleeper.code).toBe(6);
    const id = /training job (\S+) is still/.exec(sleeper.json().error.message)?.[1];
    const cancelled = await beamline('train', 'cancel', id!, '--json');
    expect(cancelled.json().status).toBe('Cancelled');

    const invalid = await beamline('train', 'submit', '-f', await file('bad.yaml', 'name: Bad Name\nimage: x\nresources: {cpu: 1, memory: 1Gi}\n'), '--json');
    expect(invalid.code).toBe(4);
    expect(invalid.json().error.errors.map((e: { field: string }) => e.field)).toEqual(['name']);
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
