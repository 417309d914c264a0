import { request } from 'node:http';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { client, closeApp, eventually, seedToken, startTestApp, type TestApp } from '../helpers/test-app.js';
import { buildConsole, launchChromium, logIn, openPage, screenshot } from './browser.js';

/**
 * Issue 21's bad input, in a real browser: markup in API data stays text, unknown ids get a
 * not-found page, a lost session goes back to login (and on to the page asked for).
 */
let t: TestApp;
let browser: Browser;
let token: string;
const XSS = '<img src=x onerror=alert(1)>';
const jobs = '/v1/projects/lab/training-jobs';

beforeAll(async () => {
  buildConsole();
  t = await startTestApp({ env: { BEAMLINE_CLUSTER_DRIVER: 'local', BEAMLINE_SCHEDULER_INTERVAL_MS: '200' } });
  token = await seedToken(t.app, 'MEMBER', ['lab']);
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await closeApp(t);
});

describe('the web console with hostile or missing data', () => {
  it('renders markup from job args, env, logs and model descriptions as text: nothing runs', async () => {
    // Job names are DNS labels: the API refuses this one, naming the field, before any page shows it.
    const named = await client(t.url, token).post(jobs, { name: XSS, image: 'unused', command: ['true'], resources: { cpu: '100m', memory: '64Mi' } });
    expect(named.status).toBe(400);
    expect(named.body.errors.map((e: { field: string }) => e.field)).toEqual(['name']);
    // So the markup goes everywhere free text is allowed.
    const job = await client(t.url, token).post(jobs, {
      name: 'xss',
      image: 'unused',
      command: [process.execPath, '-e', 'console.log(process.argv[1]); console.error("<script>alert(2)</script>")'],
      args: [XSS],
      env: { NOTE: XSS },
      resources: { cpu: '100m', memory: '64Mi' },
    });
    expect(job.status).toBe(201);
    await eventually(async () => (await client(t.url, token).get(`${jobs}/${job.body.id}`)).body.status === 'Succeeded', 30_000, 'the job to succeed');
    expect((await client(t.url, token).post('/v1/projects/lab/models', { name: 'xss', description: XSS, tags: ['a'] })).status).toBe(201);

    const { page, dialogs, errors } = await openPage(browser);
    await logIn(page, `${t.url}/ui/p/lab/jobs/${job.body.id}`, token);
    const logs = page.getByLabel('Log output');
    await expect.poll(() => logs.textContent(), { timeout: 15_000 }).toBe(`${XSS}\n<script>alert(2)</script>\n`);
    expect(await page.locator('dd code').allTextContents()).toContain(`${process.execPath} -e console.log(process.argv[1]); console.error("<script>alert(2)</script>") ${XSS}`);
    await page.getByText('Resources and environment').click();
    expect(await page.locator('details pre').textContent()).toContain(`"NOTE": "${XSS.replace(/"/g, '\\"')}"`);
    await page.goto(`${t.url}/ui/p/lab/models`);
    await page.getByRole('cell', { name: XSS }).waitFor();
    await page.goto(`${t.url}/ui/p/lab/jobs/${encodeURIComponent(XSS)}`);
    await page.getByRole('heading', { name: 'Not found' }).waitFor();

    expect(await page.locator('img, script:not([src])').count()).toBe(0);
    expect(dialogs).toEqual([]);
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('answers an unknown job, model, endpoint, project or page with a not-found page', async () => {
    const { page } = await openPage(browser);
    await logIn(page, `${t.url}/ui`, token);
    for (const path of [
      '/ui/p/lab/jobs/00000000-0000-4000-8000-000000000000',
      '/ui/p/lab/models/nope',
      '/ui/p/lab/endpoints/nope',
      '/ui/p/elsewhere/jobs',
      '/ui/p/lab/frobnicate',
    ]) {
      await page.goto(`${t.url}${path}`);
      await page.getByRole('heading', { name: 'Not found' }).waitFor();
    }
    await page.goto(`${t.url}/ui/p/lab/models/nope`);
    await page.getByRole('heading', { name: 'Not found' }).waitFor();
    await screenshot(page, 'not-found');
    await page.context().close();
  });

  it('sends a lost session back to the login page, then on to the page asked for', async () => {
    const { page } = await openPage(browser);
    await logIn(page, `${t.url}/ui`, token);
    await page.evaluate("localStorage.setItem('beamline.token', 'bl_revoked')"); // a string: this file has no DOM types
    await page.goto(`${t.url}/ui/p/lab/queues`);
    await page.getByLabel('API token').waitFor();
    await page.getByLabel('API token').fill(token);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.getByRole('heading', { level: 1, name: 'Queues' }).waitFor();
    expect(page.url()).toBe(`${t.url}/ui/p/lab/queues`);
    await page.context().close();
  });

  it('serves the bundle with a content security policy and revalidation, and index.html for app URLs', async () => {
    const index = await fetch(`${t.url}/ui/p/lab/jobs/whatever`);
    expect(index.status).toBe(200);
    expect(index.headers.get('content-security-policy')).toContain("script-src 'self'");
    const html = await index.text();
    const script = /src="(\/ui\/app\.js\?v=[0-9a-f]+)"/.exec(html)?.[1];
    expect(script).toBeDefined();
    const js = await fetch(`${t.url}${script}`);
    expect(js.headers.get('content-type')).toMatch(/javascript/);
    expect(await statusOf(`${t.url}${script}`, { 'if-none-match': js.headers.get('etag')! })).toBe(304);
    // The API's answers revalidate the same way, which is what the console's polling relies on.
    const list = await client(t.url, token).get(jobs);
    expect(await statusOf(`${t.url}${jobs}`, { 'if-none-match': list.headers.get('etag')!, authorization: `Bearer ${token}` })).toBe(304);
    // Traversal stays inside dist/ui: the answer is the app page, not the file.
    const escape = await fetch(`${t.url}/ui/..%2f..%2fpackage.json`);
    expect(await escape.text()).not.toContain('"devDependencies"');
  });
});

/**
 * A GET with exactly these headers. Not fetch: fetch adds Cache-Control: no-cache to a request
 * that sets If-None-Match itself, and Express never answers 304 to that.
 */
function statusOf(url: string, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end();
  });
}
