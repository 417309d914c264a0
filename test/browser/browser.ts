import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { REPO_ROOT } from '../helpers/platform-process.js';

/**
 * Debian's Chromium (scripts/test-setup.mjs installs it), driven by playwright-core:
 * Playwright's own browser download is not reachable from these machines.
 */
export const CHROMIUM = process.env.BEAMLINE_CHROMIUM ?? '/usr/bin/chromium';

/** Builds dist/ui (the tests run the sources, but the console is always the built bundle). */
export function buildConsole(): void {
  const built = spawnSync(process.execPath, ['scripts/build-ui.mjs'], { cwd: REPO_ROOT, stdio: ['ignore', 'inherit', 'inherit'] });
  if (built.status !== 0) throw new Error(`scripts/build-ui.mjs failed with ${built.status ?? built.signal}`);
}

export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} not found: apt-get install -y chromium (npm test's pretest does), or set BEAMLINE_CHROMIUM`);
  // --no-sandbox: the tests run as root, where Chromium's sandbox refuses to start.
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-dev-shm-usage'] });
}

export interface ConsolePage {
  page: Page;
  /** Every JavaScript dialog (alert, confirm) the page opened: an XSS would show here. */
  dialogs: string[];
  /** Uncaught page errors and console errors other than failed requests the test caused on purpose. */
  errors: string[];
}

export async function openPage(browser: Browser): Promise<ConsolePage> {
  const context = await browser.newContext({ viewport: { width: 1200, height: 760 } });
  const page = await context.newPage();
  const dialogs: string[] = [];
  const errors: string[] = [];
  page.on('dialog', (d) => {
    dialogs.push(d.message());
    void d.dismiss();
  });
  page.on('pageerror', (e) => errors.push(e.message));
  return { page, dialogs, errors };
}

/** Types the token on the login page and waits for the signed-in header. */
export async function logIn(page: Page, url: string, token: string): Promise<void> {
  await page.goto(url);
  await page.getByLabel('API token').fill(token);
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.getByRole('button', { name: 'Log out' }).waitFor();
}

/** docs/img/console-<name>.png, shown in the README and docs/console.md. */
export async function screenshot(page: Page, name: string, fullPage = false): Promise<void> {
  await page.screenshot({ path: join(REPO_ROOT, 'docs', 'img', `console-${name}.png`), fullPage });
}

/**
 * Resolves on the first request to a URL containing `urlPart` that the server answered
 * 304 on the wire. Playwright reports the cached 200 the browser hands to the page, so this
 * listens to Chromium's network events instead.
 */
export async function notModified(page: Page, urlPart: string): Promise<void> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Network.enable');
  const ids = new Set<string>();
  cdp.on('Network.requestWillBeSent', (e) => void (e.request.url.includes(urlPart) && ids.add(e.requestId)));
  return new Promise((resolve) => cdp.on('Network.responseReceivedExtraInfo', (e) => void (ids.has(e.requestId) && e.statusCode === 304 && resolve())));
}
