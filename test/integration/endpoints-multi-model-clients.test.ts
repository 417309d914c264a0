import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Beamline, NotFound, ValidationError, type EndpointModel } from '../../sdk/ts/src/index.js';
import { cliRunner } from '../helpers/cli.js';
import { linearModel } from '../helpers/onnx.js';
import { closeApp, seedToken, startTestApp, type TestApp } from '../helpers/test-app.js';

/**
 * Multi-model endpoints (docs/endpoints.md, "Many models per replica") from the TypeScript
 * SDK and from the `beamline` CLI as a child process, against the real platform: PostgreSQL,
 * Redis, the controller and the local serving driver running `beamline runtime --models`.
 * Model `k<n>` is a real ONNX model computing y = n·x, so every answer says which model gave it.
 */
let t: TestApp;
let sdk: Beamline;
let token: string;
let dir: string;
const project = 'mm-clients';
const pinned = (...names: string[]): EndpointModel[] => names.map((model) => ({ model, version: 1 }));

beforeAll(async () => {
  t = await startTestApp({ env: { BEAMLINE_CLUSTER_DRIVER: 'local', BEAMLINE_SCHEDULER_INTERVAL_MS: '200' } });
  token = await seedToken(t.app, 'MEMBER', [project]);
  sdk = new Beamline({ url: t.url, token, project });
  for (const n of [1, 2, 3]) await sdk.models.register(`k${n}`, linearModel([[n]], [0]));
  dir = await mkdtemp(join(tmpdir(), 'beamline-cli-mm-'));
}, 120_000);

afterAll(async () => {
  await closeApp(t);
  if (dir) await rm(dir, { recursive: true, force: true });
});

const beamline = cliRunner(() => dir);
const as = (...args: string[]) => beamline(...args, '--url', t.url, '--token', token, '--project', project);

describe('the TypeScript SDK', () => {
  it('deploys a list of models with a memory budget, infers on two of them by name, and replaces the list', async () => {
    const created = await sdk.endpoints.deploy({ name: 'lenses-sdk', models: pinned('k1', 'k2'), memoryBudget: '2Mi', progressDeadlineSeconds: 60 });
    expect(created).toMatchObject({ models: pinned('k1', 'k2'), memoryBudget: '2Mi', inferUrl: `/v1/projects/${project}/endpoints/lenses-sdk/v2/models/{model}/infer` });
    await sdk.endpoints.waitRolledOut('lenses-sdk', { timeoutMs: 90_000, intervalMs: 200 });

    const k1 = await sdk.endpoints.infer('lenses-sdk', { x: [[5]] }, { model: 'k1' });
    expect(k1).toMatchObject({ model_name: 'k1', outputs: [{ data: [5] }] });
    const k2 = await sdk.endpoints.inferRequest('lenses-sdk', { inputs: [{ name: 'x', datatype: 'FP32', shape: [1, 1], data: [5] }] }, { model: 'k2' });
    expect(k2).toMatchObject({ model_name: 'k2', outputs: [{ data: [10] }] });

    expect(await sdk.endpoints.modelMetadata('lenses-sdk', 'k2')).toEqual({
      name: 'k2', versions: ['1'], platform: 'onnxruntime_onnx',
      inputs: [{ name: 'x', datatype: 'FP32', shape: [-1, 1] }], outputs: [{ name: 'y', datatype: 'FP32', shape: [-1, 1] }],
    });

    // Without a model the endpoint cannot tell which one answers; a model it does not list is the replica's 404.
    const plain = await sdk.endpoints.infer('lenses-sdk', { x: [[1]] }).catch((e: unknown) => e);
    expect(plain).toBeInstanceOf(ValidationError);
    expect((plain as ValidationError).errors).toEqual([expect.objectContaining({ field: 'path' })]);
    const unknown = await sdk.endpoints.infer('lenses-sdk', { x: [[1]] }, { model: 'k3' }).catch((e: unknown) => e);
    expect(unknown).toBeInstanceOf(NotFound);
    expect((unknown as NotFound).message).toMatch(/unknown model 'k3'/);

    const updated = await sdk.endpoints.update('lenses-sdk', { models: pinned('k3', 'k1') });
    expect(updated).toMatchObject({ desiredRevision: 2, model: 'k3', models: pinned('k3', 'k1'), memoryBudget: '2Mi' });
    await sdk.endpoints.waitRolledOut('lenses-sdk', { timeoutMs: 90_000, intervalMs: 200 });
    expect((await sdk.endpoints.infer('lenses-sdk', { x: [[2]] }, { model: 'k3' })).outputs[0].data).toEqual([6]);
    expect((await sdk.endpoints.revisions('lenses-sdk'))[0]).toMatchObject({ revision: 2, models: pinned('k3', 'k1') });
  }, 240_000);

  it('throws ValidationError naming the field the platform refuses', async () => {
    const twice = await sdk.endpoints.deploy({ name: 'twice', models: pinned('k1', 'k1') }).catch((e: unknown) => e);
    expect(twice).toBeInstanceOf(ValidationError);
    expect((twice as ValidationError).errors).toEqual([expect.objectContaining({ field: 'models.1.model' })]);
    expect((twice as ValidationError).message).toContain('models.1.model');
    const version = await sdk.endpoints.update('lenses-sdk', { version: 2 }).catch((e: unknown) => e);
    expect((version as ValidationError).errors).toEqual([expect.objectContaining({ field: 'version' })]);
  });

  it('types a spec as one model or a list, never both (checked by tsc, never called)', () => {
    const typed = () => [
      // @ts-expect-error model and version, or models: the API's 400 as a compile error
      sdk.endpoints.deploy({ name: 'x', model: 'k1', version: 1, models: pinned('k2') }),
      // @ts-expect-error memoryBudget belongs to a list
      sdk.endpoints.deploy({ name: 'x', model: 'k1', version: 1, memoryBudget: '1Gi' }),
      // @ts-expect-error a list pins version numbers
      sdk.endpoints.deploy({ name: 'x', models: [{ model: 'k1', version: '@production' }] }),
      // @ts-expect-error an update changes the version or the list
      sdk.endpoints.update('x', { version: 2, models: pinned('k2') }),
    ];
    expect(typeof typed).toBe('function');
  });
});

describe('beamline endpoints (CLI)', () => {
  it('deploys --models with --memory-budget, shows the list, infers on two models with --model, and replaces the list', async () => {
    const made = await as('endpoints', 'deploy', 'lenses-cli', '--models', 'k1:1,k2:1', '--memory-budget', '2Mi', '--wait', '--timeout', '90');
    expect(made.code, made.stderr).toBe(0);
    expect(made.stdout).toMatch(/^models\s+k1:1, k2:1$/m);
    expect(made.stdout).toMatch(/^memory budget\s+2Mi per replica$/m);
    expect(made.stdout).toMatch(/^infer\s+\/v1\/projects\/mm-clients\/endpoints\/lenses-cli\/v2\/models\/\{model\}\/infer$/m);
    expect(made.stdout).not.toMatch(/^model\s/m);

    const k1 = await as('endpoints', 'infer', 'lenses-cli', '--model', 'k1', '--input', 'x=[[5]]', '--json');
    expect(k1.code, k1.stderr).toBe(0);
    expect(k1.json()).toMatchObject({ model_name: 'k1', outputs: [{ data: [5] }] });
    const k2 = await as('endpoints', 'infer', 'lenses-cli', '--model', 'k2', '-d', '{"x": [[5]]}');
    expect(k2.code, k2.stderr).toBe(0);
    expect(k2.stdout).toMatch(/\[10\]$/m);

    const status = await as('endpoints', 'status', 'lenses-cli', '--json');
    expect(status.json()).toMatchObject({ models: pinned('k1', 'k2'), memoryBudget: '2Mi' });
    expect((await as('endpoints', 'list')).stdout).toMatch(/^lenses-cli\s+k1:1, k2:1\s+-\s+Complete/m);

    // deploy is apply: the same name with a new list is a PATCH, a second revision.
    const again = await as('endpoints', 'deploy', 'lenses-cli', '--models', 'k2:1,k3:1', '--wait', '--timeout', '90', '--json');
    expect(again.code, again.stderr).toBe(0);
    expect(again.json()).toMatchObject({ desiredRevision: 2, models: pinned('k2', 'k3'), memoryBudget: '2Mi' });
    expect((await as('endpoints', 'infer', 'lenses-cli', '--model', 'k3', '--input', 'x=[[2]]', '--json')).json().outputs[0].data).toEqual([6]);
    expect((await as('endpoints', 'revisions', 'lenses-cli')).stdout).toMatch(/^2\s+k2:1, k3:1\s+Updated/m);
  }, 240_000);

  it('refuses a bad --models or --memory-budget with exit 2 naming the flag, before any request', async () => {
    // Nothing listens on port 9: a command that sent a request would exit 5, not 2.
    const offline = (...args: string[]) => beamline('endpoints', ...args, '--url', 'http://127.0.0.1:9', '--token', token, '--project', project);
    for (const [args, flag] of [
      [['deploy', 'x', '--models', 'k1'], '--models'],
      [['deploy', 'x', '--models', 'k1=1'], '--models'],
      [['deploy', 'x', '--models', ''], '--models'],
      [['deploy', 'x', '--models', ','], '--models'],
      [['deploy', 'x', '--models', 'k1:@production'], '--models'],
      [['deploy', 'x', '--models', 'k1:1,k1:2'], '--models'],
      [['deploy', 'x', '--models', 'k1:1', '--model', 'k1'], '--models'],
      [['deploy', 'x', '--models', 'k1:1', '--memory-budget', 'lots'], '--memory-budget'],
      [['deploy', 'x', '--model', 'k1', '--version', '1', '--memory-budget', '1Gi'], '--memory-budget'],
      [['deploy', 'x', '--models'], '--models'],
    ] as const) {
      const run = await offline(...args);
      expect(run.code, `${args.join(' ')}: ${run.stderr}`).toBe(2);
      expect(run.stderr, args.join(' ')).toContain(flag);
      expect(run.stdout, args.join(' ')).toBe('');
    }
  });

  it('shows what the platform refuses naming the field, exit 4', async () => {
    const unknown = await as('endpoints', 'deploy', 'bad', '--models', 'k1:1,nope:1', '--json');
    expect(unknown.code).toBe(4);
    expect(unknown.json().error).toMatchObject({ status: 400, errors: [expect.objectContaining({ field: 'models.1.model' })] });
    expect(unknown.stderr).toContain('models.1.model');
    const budget = await as('endpoints', 'deploy', 'bad', '--models', 'k1:1', '--memory-budget', '1Gi');
    expect(budget.code).toBe(4);
    expect(budget.stderr).toMatch(/memoryBudget: .*256 MiB/);
    const modelless = await as('endpoints', 'infer', 'lenses-cli', '--input', 'x=[[1]]');
    expect(modelless.code).toBe(4);
    expect(modelless.stderr).toMatch(/path: /);
    expect((await as('endpoints', 'infer', 'lenses-cli', '--model', 'k9', '--input', 'x=[[1]]')).code).toBe(3);
  });
});
