import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliRunner } from '../helpers/cli.js';
import { linearModel } from '../helpers/onnx.js';
import { client, closeApp, seedToken, startTestApp, type TestApp } from '../helpers/test-app.js';
import { buildConsole, launchChromium, logIn, notModified, openPage, screenshot, type ConsolePage } from './browser.js';

/**
 * Issue 21: the console in a real browser against a started platform (local driver, on a
 * machine made GPU-less): log in, watch a job submitted with the `beamline` CLI reach
 * Succeeded, read its logs, find the model
 * version it registered, deploy it and ask the endpoint through the try-it form.
 */
let t: TestApp;
let browser: Browser;
let member: string;
let viewer: string;
let fakeBin: string;
let c: ConsolePage;
let page: Page;
let jobId: string;
const savedPath = process.env.PATH;
const jobs = '/v1/projects/lab/training-jobs';

/** Prints three epochs, then leaves y = 2x as model.onnx for the platform to register as `surrogate`. */
const TRAIN = `const fs = require('node:fs'), path = require('node:path');
let e = 0;
const t = setInterval(() => {
  e++;
  console.log('epoch', e, 'loss', (1 / e).toFixed(3));
  if (e === 3) {
    clearInterval(t);
    fs.writeFileSync(path.join(process.env.BEAMLINE_OUTPUT_DIR, 'model.onnx'), Buffer.from(process.env.MODEL_B64, 'base64'));
  }
}, 700);`;

beforeAll(async () => {
  buildConsole();
  // An nvidia-smi that fails makes this machine GPU-less, so a GPU job waits with a reason.
  fakeBin = await mkdtemp(join(tmpdir(), 'no-gpus-'));
  await writeFile(join(fakeBin, 'nvidia-smi'), '#!/bin/sh\nexit 9\n');
  await chmod(join(fakeBin, 'nvidia-smi'), 0o755);
  process.env.PATH = `${fakeBin}:${savedPath}`;
  t = await startTestApp({ env: { BEAMLINE_CLUSTER_DRIVER: 'local', BEAMLINE_SCHEDULER_INTERVAL_MS: '200' } });
  member = await seedToken(t.app, 'MEMBER', ['lab']);
  viewer = await seedToken(t.app, 'VIEWER', ['lab']);
  browser = await launchChromium();
  c = await openPage(browser);
  page = c.page;
});
afterAll(async () => {
  await browser?.close();
  await closeApp(t);
  process.env.PATH = savedPath;
  await rm(fakeBin, { recursive: true, force: true });
});

const heading = (name: string) => page.getByRole('heading', { level: 1, name });

describe('the web console', () => {
  it('refuses a wrong token with the API detail, then logs in and lands on the jobs list', async () => {
    await page.goto(`${t.url}/ui`);
    await page.getByLabel('API token').fill('bl_not-a-token');
    await page.getByRole('button', { name: 'Log in' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toMatch(/^401: .+/);
    await screenshot(page, 'login');
    await logIn(page, `${t.url}/ui`, member);
    await heading('Training jobs').waitFor();
    expect(page.url()).toBe(`${t.url}/ui/p/lab/jobs`);
  });

  it('shows a job submitted with the CLI move to Succeeded, with its timeline and logs', async () => {
    const body = {
      name: 'fit-surrogate',
      image: 'unused',
      command: [process.execPath, '-e', TRAIN],
      env: { MODEL_B64: linearModel([[2]], [0]).toString('base64') },
      resources: { cpu: '100m', memory: '64Mi' },
      outputModel: 'surrogate',
    };
    // The scientist's way in: `beamline login`, then `beamline train submit -f` (the CLI as a child process).
    const beamline = cliRunner(() => fakeBin);
    const login = await beamline('login', '--url', t.url, '--token', member, '--project', 'lab');
    expect(login.code, login.stderr).toBe(0);
    const spec = join(fakeBin, 'fit-surrogate.json');
    await writeFile(spec, JSON.stringify(body));
    const submitted = await beamline('train', 'submit', '-f', spec, '--json');
    expect(submitted.code, submitted.stderr).toBe(0);
    jobId = submitted.json().id as string;

    // The list polls: the new job appears without a reload, and an unchanged list costs a 304.
    const revalidated = notModified(page, '/training-jobs?');
    const row = page.locator(`tr[data-job="${jobId}"]`);
    await row.waitFor();
    await revalidated;
    await row.getByRole('link', { name: 'fit-surrogate' }).click();
    await heading('fit-surrogate').waitFor();
    expect(page.url()).toBe(`${t.url}/ui/p/lab/jobs/${jobId}`);
    await page.locator('.status-line .badge', { hasText: 'Succeeded' }).waitFor({ timeout: 60_000 });
    const logs = page.getByLabel('Log output');
    await expect.poll(() => logs.textContent(), { timeout: 15_000 }).toBe('epoch 1 loss 1.000\nepoch 2 loss 0.500\nepoch 3 loss 0.333\n');
    // The status line and the timeline poll separately: the timeline may show Succeeded a poll later.
    const timeline = () => page.locator('ol.timeline .badge').allTextContents();
    await expect.poll(timeline, { timeout: 15_000 }).toEqual(['Pending', 'Queued', 'Scheduled', 'Running', 'Succeeded']);
    await page.getByRole('link', { name: 'surrogate v1' }).waitFor();
    await screenshot(page, 'job', true);

    await page.goto(`${t.url}/ui/p/lab/jobs?status=Succeeded`);
    await page.locator(`tr[data-job="${jobId}"]`).waitFor();
    await page.goto(`${t.url}/ui/p/lab/jobs?status=Failed`);
    await page.getByText('No training jobs match.').waitFor();
    await page.getByLabel('Status').selectOption('');
    await page.locator(`tr[data-job="${jobId}"]`).waitFor();
    expect(page.url()).toBe(`${t.url}/ui/p/lab/jobs`);
    // The user filter: the submitter is shown, and another name matches nothing.
    const me = (await client(t.url, member).get('/v1/auth/whoami')).body.name as string;
    await expect.poll(() => page.locator(`tr[data-job="${jobId}"]`).textContent()).toContain(me);
    await page.getByLabel('Submitted by').fill('someone-else');
    await page.getByLabel('Submitted by').press('Enter');
    await page.getByText('No training jobs match.').waitFor();
    expect(page.url()).toBe(`${t.url}/ui/p/lab/jobs?user=someone-else`);
    await page.getByLabel('Submitted by').fill(me);
    await page.getByLabel('Submitted by').press('Enter');
    await page.locator(`tr[data-job="${jobId}"]`).waitFor();
    await page.getByLabel('Submitted by').fill('');
    await page.getByLabel('Submitted by').press('Enter');
    await screenshot(page, 'jobs');
  });

  it('explains why a GPU job waits and where it stands, and cancels it', async () => {
    const res = await client(t.url, member).post(jobs, {
      name: 'needs-a-gpu',
      image: 'unused',
      command: ['true'],
      resources: { cpu: '100m', memory: '64Mi', gpu: { count: 1 } },
    });
    await page.goto(`${t.url}/ui/p/lab/jobs/${res.body.id}`);
    const pending = page.getByRole('status');
    await expect.poll(() => pending.textContent(), { timeout: 20_000 }).toBe('Waiting at position 1 in queue default: no GPU in this cluster');
    await page.getByText('None recorded.').waitFor(); // the checkpoints list, empty for this job
    await page.getByRole('button', { name: 'Cancel job' }).click();
    await page.locator('.status-line .badge', { hasText: 'Cancelled' }).waitFor();
    expect(await page.getByRole('button', { name: 'Cancel job' }).count()).toBe(0);
    // Resume (the retry): a new attempt goes back to the queue; then cancel it for good.
    await page.getByRole('button', { name: 'Resume (retry)' }).click();
    await page.locator('.status-line .badge', { hasText: /Pending|Queued/ }).waitFor();
    expect(await page.getByRole('button', { name: 'Resume (retry)' }).count()).toBe(0);
    await page.getByRole('button', { name: 'Cancel job' }).click();
    await page.locator('.status-line .badge', { hasText: 'Cancelled' }).waitFor();
  });

  it('shows the registered version with its lineage and variables, deploys it and answers the try-it form', async () => {
    // Variable metadata set by PATCH: checked against the signature, refused naming the field.
    const api = client(t.url, member);
    const v1Path = '/v1/projects/lab/models/surrogate/versions/1';
    const reversed = await api.patch(v1Path, { variables: { inputs: { x: { range: [5, -5] } } } });
    expect(reversed.status, reversed.text).toBe(400);
    expect(JSON.stringify(reversed.body.errors)).toContain('variables.inputs.x.range');
    const unknown = await api.patch(v1Path, { variables: { inputs: { z: { unit: 'A' } } } });
    expect(unknown.status, unknown.text).toBe(422);
    expect(JSON.stringify(unknown.body.errors)).toContain('variables.inputs.z');
    const outside = await api.patch(v1Path, { variables: { inputs: { x: { range: [-5, 5], default: 9 } } } });
    expect(outside.status, outside.text).toBe(422);
    expect(JSON.stringify(outside.body.errors)).toContain('variables.inputs.x.default');
    const variables = { inputs: { x: { unit: 'A', range: [-5, 5], default: 1.5, description: 'quad current' } }, outputs: { y: { unit: 'mm', description: 'beam size' } } };
    const set = await api.patch(v1Path, { variables });
    expect(set.status, set.text).toBe(200);

    await page.getByRole('link', { name: 'Models' }).click();
    await page.getByRole('link', { name: 'surrogate' }).click();
    await heading('surrogate').waitFor();
    const v1 = page.locator('tr[data-version="1"]');
    await expect.poll(() => v1.textContent()).toContain('x: float32 [batch, 1] → y: float32 [batch, 1]');
    await v1.getByRole('link', { name: 'fit-surrogate' }).waitFor();
    const vars = page.getByRole('table', { name: 'Variables of version 1' });
    await expect.poll(() => vars.locator('tr[data-variable="x"] td').allTextContents(), { timeout: 10_000 }).toEqual(['x', 'input', 'A', '[-5, 5]', '1.5', 'quad current']);
    expect(await vars.locator('tr[data-variable="y"] td').allTextContents()).toEqual(['y', 'output', 'mm', '—', '—', 'beam size']);

    // A bad name: the API's problem+json detail is shown as it came.
    await page.getByLabel('Endpoint name').fill('Bad Name');
    await page.getByRole('button', { name: 'Deploy' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toMatch(/^400: .+\nname: .+/);
    await page.getByLabel('Endpoint name').fill('surrogate');
    await page.getByRole('button', { name: 'Deploy' }).click();
    await page.waitForURL(`${t.url}/ui/p/lab/endpoints/surrogate`);
    await heading('surrogate').waitFor();
    await expect.poll(() => page.getByTestId('ready-replicas').textContent(), { timeout: 90_000 }).toBe('1/1');

    // The form starts at the variable's default and says its unit and range.
    const x = page.getByLabel(/^x \(float32 \[1, 1\]\) unit A · range \[-5, 5\] · quad current/);
    await expect.poll(() => x.inputValue(), { timeout: 10_000 }).toBe('1.5');
    // Out of range: warned as typed, and Send asks once more instead of sending (the traffic count below stays 1).
    await x.fill('7');
    const warning = page.getByTestId('range-warning');
    await expect.poll(() => warning.textContent()).toBe('Out of range: x: 7 outside the range [-5, 5] A.');
    await page.getByRole('button', { name: 'Send' }).click();
    await page.getByRole('button', { name: 'Send anyway' }).waitFor();
    expect(await warning.textContent()).toContain('Send anyway to ask the model all the same.');
    expect(await page.locator('pre.answer').count()).toBe(0);
    await screenshot(page, 'try-it-range', true);
    await x.fill('3.5');
    expect(await warning.count()).toBe(0);
    await page.getByRole('button', { name: 'Send' }).click();
    // The answer, or the API's error in its place.
    await page.locator('pre.answer, .try-it ~ .error').waitFor({ timeout: 60_000 });
    expect(await page.getByRole('alert').count(), (await page.getByRole('alert').allTextContents()).join()).toBe(0);
    const answer = page.getByLabel('Response');
    expect(JSON.parse((await answer.textContent())!).outputs[0]).toMatchObject({ name: 'y', datatype: 'FP32', shape: [1, 1], data: [7] });
    // The traffic charts: the try-it request is counted, and more requests move the rate.
    const counted = page.getByTestId('traffic-total');
    await expect.poll(() => counted.textContent(), { timeout: 10_000 }).toBe('1');
    const infer = { inputs: [{ name: 'x', datatype: 'FP32', shape: [1, 1], data: [1] }] };
    for (let i = 0; i < 5; i++) expect((await client(t.url, member).post('/v1/projects/lab/endpoints/surrogate/infer', infer)).status).toBe(200);
    await expect.poll(() => counted.textContent(), { timeout: 10_000 }).toBe('6');
    const peak = async () => Number(await page.locator('figure.chart', { hasText: 'Requests per second' }).getAttribute('data-peak'));
    await expect.poll(peak, { timeout: 10_000 }).toBeGreaterThan(0);
    await screenshot(page, 'endpoint', true);

    await page.getByRole('link', { name: 'surrogate v1' }).click();
    await page.locator('tr[data-version="1"]').getByRole('link', { name: 'surrogate', exact: true }).waitFor(); // served by
    // Alias history: an alias set over REST shows up with where it came from.
    expect((await client(t.url, member).put('/v1/projects/lab/models/surrogate/aliases/prod', { version: 1 })).status).toBe(200);
    await page.getByText('History (1)').click({ timeout: 15_000 });
    await expect.poll(() => page.getByRole('list', { name: 'History of @prod' }).textContent()).toContain('set to v1');
    await screenshot(page, 'model');
    expect(c.dialogs).toEqual([]);
    expect(c.errors).toEqual([]);
  });

  it('is read-only for a viewer: no cancel, no deploy', async () => {
    const v = await openPage(browser);
    await logIn(v.page, `${t.url}/ui/p/lab/models/surrogate`, viewer);
    await v.page.getByRole('heading', { level: 1, name: 'surrogate' }).waitFor();
    await v.page.locator('tr[data-version="1"]').waitFor();
    expect(await v.page.getByRole('button', { name: 'Deploy' }).count()).toBe(0);
    const sleeper = await client(t.url, member).post(jobs, { name: 'sleeper', image: 'unused', command: [process.execPath, '-e', 'setTimeout(() => {}, 60000)'], resources: { cpu: '100m', memory: '64Mi' } });
    await v.page.goto(`${t.url}/ui/p/lab/jobs/${sleeper.body.id}`);
    await v.page.locator('.status-line .badge', { hasText: 'Running' }).waitFor({ timeout: 30_000 });
    expect(await v.page.getByRole('button', { name: 'Cancel job' }).count()).toBe(0);
    await client(t.url, member).post(`${jobs}/${sleeper.body.id}/cancel`);
    await v.page.context().close();
  });

  // Last: once the project has a queue, jobs must name one of its queues.
  it('shows cluster queues with their quotas and the project queues that feed them', async () => {
    const admin = client(t.url, await seedToken(t.app, 'ADMIN'));
    const quota = [{ resource: 'nvidia.com/gpu', flavor: 'NVIDIA-H100-80GB-HBM3', nominal: 16, borrowingLimit: 8 }, { resource: 'cpu', nominal: '256' }];
    expect((await admin.post('/v1/cluster-queues', { name: 'lab-gpus', cohort: 'lab', quota })).status).toBe(201);
    expect((await admin.post('/v1/projects/lab/queues', { name: 'default', clusterQueue: 'lab-gpus' })).status).toBe(201);
    await page.getByRole('link', { name: 'Queues' }).click();
    await heading('Queues').waitFor();
    await page.getByRole('heading', { name: 'Cohort lab' }).waitFor();
    const row = page.locator('tr[data-queue="lab-gpus"]');
    await expect.poll(() => row.textContent(), { timeout: 10_000 }).toContain('BestEffortFIFOnvidia.com/gpu (NVIDIA-H100-80GB-HBM3): 16 / 8; cpu: 256');
    await page.getByRole('cell', { name: 'default' }).waitFor();
    // A running job is charged to the cluster queue: its usage and admitted count show.
    const sleeper = await client(t.url, member).post(jobs, { name: 'charged', image: 'unused', command: [process.execPath, '-e', 'setTimeout(() => {}, 60000)'], resources: { cpu: '500m', memory: '64Mi' } });
    expect(sleeper.status).toBe(201);
    await expect.poll(() => row.textContent(), { timeout: 30_000 }).toContain('1 / 0');
    expect(await row.textContent()).toContain('cpu: 0.5 used of 256');
    await screenshot(page, 'queues');
    await client(t.url, member).post(`${jobs}/${sleeper.body.id}/cancel`);
  });
});
