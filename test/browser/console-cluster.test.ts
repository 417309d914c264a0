import { randomUUID } from 'node:crypto';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PrismaService } from '../../src/common/database/prisma.service.js';
import { client, closeApp, eventually, seedToken, startTestApp, type TestApp } from '../helpers/test-app.js';
import { buildConsole, launchChromium, logIn, openPage, screenshot } from './browser.js';

/**
 * The Cluster page in a real browser: the local driver declares three GPUs (the controller
 * publishes them), jobs take a whole one and half of another, and the grid says which.
 * The stored allocation history reads the usage ledger: two finished attempts are written
 * into it with known intervals, one of a project the token cannot read.
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
  await seedToken(t.app, 'MEMBER', ['elsewhere']);
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

    // Finished attempts, as the ledger holds them: a T4 of lab 3 h to 2 h ago, half an A100 of another project 5 h to 4 h ago.
    const prisma = t.app.get(PrismaService);
    const ids = Object.fromEntries((await prisma.project.findMany({ where: { name: { in: ['lab', 'elsewhere'] } } })).map((p) => [p.name, p.id]));
    const ago = (h: number) => new Date(Date.now() - h * 3_600_000);
    await prisma.usageRecord.createMany({
      data: [
        { jobId: randomUUID(), attempt: 1, flavor: 'Tesla-T4', projectId: ids.lab, queue: 'default', submittedBy: 't', gpuSeconds: 3600, cpuSeconds: 0, startedAt: ago(3), endedAt: ago(2) },
        { jobId: randomUUID(), attempt: 1, flavor: 'NVIDIA-A100-SXM4-80GB', projectId: ids.elsewhere, queue: 'default', submittedBy: 't', gpuSeconds: 1800, cpuSeconds: 0, startedAt: ago(5), endedAt: ago(4) },
      ],
    });

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

    // The stored history, last 24 h by default: the ledger's attempts at their exact peaks, the other project unnamed.
    await page.getByRole('img', { name: /GPUs held, last 24 hours: peak 1(\.\d+)?, latest [\d.]+, of 3/ }).waitFor({ timeout: 10_000 });
    const row = (flavor: string, project: string) => page.locator('table.allocation-series tr', { has: page.locator('td', { hasText: new RegExp(`^${flavor}$`) }) }).filter({ has: page.locator('td', { hasText: new RegExp(`^${project}$`) }) });
    await expect.poll(() => row('Tesla-T4', 'lab').locator('td').allTextContents(), { timeout: 10_000 }).toEqual(['Tesla-T4', 'lab', '1', expect.stringMatching(/^[\d.]+$/)]);
    expect((await row('NVIDIA-A100-SXM4-80GB', 'other projects').locator('td').allTextContents()).slice(2, 4)).toEqual(['0.5', '0']);
    expect(await page.locator('table.allocation-series').textContent()).not.toContain('elsewhere');
    await screenshot(page, 'cluster', true);

    // The range picker: the last hour has neither finished attempt, and the URL keeps the choice.
    await page.getByLabel('Range').selectOption('1h');
    await page.getByRole('img', { name: /GPUs held, last hour:/ }).waitFor({ timeout: 10_000 });
    await expect.poll(() => page.locator('table.allocation-series').textContent(), { timeout: 10_000 }).not.toContain('other projects');
    expect(new URL(page.url()).search).toBe('?range=1h');

    await api.post(`${jobs}/${whole.id}/cancel`);
    await expect.poll(() => page.locator('li.gpu-free').count(), { timeout: 15_000 }).toBe(2);
    expect(dialogs).toEqual([]);
    expect(errors).toEqual([]);
    await api.post(`${jobs}/${half.id}/cancel`);
    await page.context().close();
  });
});
