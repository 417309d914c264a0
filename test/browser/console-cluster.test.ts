import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { client, closeApp, eventually, seedToken, startTestApp, type TestApp } from '../helpers/test-app.js';
import { buildConsole, launchChromium, logIn, openPage, screenshot } from './browser.js';

/**
 * The Cluster page in a real browser: the local driver declares three GPUs (the controller
 * publishes them), jobs take a whole one and half of another, and the grid says which.
 */
let t: TestApp;
let browser: Browser;
let token: string;
const jobs = '/v1/projects/lab/training-jobs';

beforeAll(async () => {
  buildConsole();
  t = await startTestApp({
    env: { BEAMLINE_CLUSTER_DRIVER: 'local', BEAMLINE_SCHEDULER_INTERVAL_MS: '200', BEAMLINE_LOCAL_GPUS: 'NVIDIA-A100-SXM4-80GB:81920x2,Tesla-T4:15360x1' },
  });
  token = await seedToken(t.app, 'MEMBER', ['lab']);
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await closeApp(t);
});

const sleeper = (name: string, gpu: Record<string, unknown>) => ({
  name,
  image: 'unused',
  command: [process.execPath, '-e', 'setInterval(() => {}, 1000)'],
  resources: { cpu: '100m', memory: '64Mi', gpu },
});

describe('the Cluster page', () => {
  it('shows one cell per GPU with the jobs holding it, whole or in part', async () => {
    const api = client(t.url, token);
    const whole = (await api.post(jobs, sleeper('whole-t4', { count: 1, product: 'Tesla-T4' }))).body;
    const half = (await api.post(jobs, sleeper('half-a100', { fraction: 0.5, product: 'NVIDIA-A100-SXM4-80GB' }))).body;
    for (const j of [whole, half]) await eventually(async () => (await api.get(`${jobs}/${j.id}`)).body.status === 'Running', 30_000, `${j.name} Running`);

    const { page, dialogs, errors } = await openPage(browser);
    await logIn(page, `${t.url}/ui/p/lab/cluster`, token);
    await page.getByRole('heading', { level: 1, name: 'Cluster' }).waitFor();
    const t4 = page.locator('li.gpu', { hasText: 'Tesla-T4' });
    await expect.poll(() => t4.textContent(), { timeout: 15_000 }).toContain('lab/whole-t4');
    expect(await t4.textContent()).toContain('100% held');
    const a100s = page.locator('li.gpu', { hasText: 'NVIDIA-A100-SXM4-80GB' });
    expect(await a100s.count()).toBe(2);
    const used = a100s.filter({ hasText: 'half-a100' });
    expect(await used.textContent()).toContain('50% held');
    expect(await used.textContent()).toContain('lab/half-a100 (50%)');
    expect(await page.locator('li.gpu-free').count()).toBe(1);
    // The link goes to the job's page.
    await page.getByRole('link', { name: /lab\/whole-t4/ }).waitFor();
    await page.getByRole('img', { name: /GPUs held: 1\.5 of 3 now/ }).waitFor({ timeout: 10_000 });
    await screenshot(page, 'cluster', true);

    await api.post(`${jobs}/${whole.id}/cancel`);
    await expect.poll(() => page.locator('li.gpu-free').count(), { timeout: 15_000 }).toBe(2);
    expect(dialogs).toEqual([]);
    expect(errors).toEqual([]);
    await api.post(`${jobs}/${half.id}/cancel`);
    await page.context().close();
  });
});
