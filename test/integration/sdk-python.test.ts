import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runPython } from '../helpers/python.js';
import { closeApp, seedToken, startTestApp, type TestApp } from '../helpers/test-app.js';

/**
 * The Python SDK's pytest suite (sdk/python/tests) against the real platform: embedded
 * PostgreSQL and Redis, the local driver (training jobs and endpoint replicas are real
 * processes). The SDK is imported from sdk/python/src (no install, no network); CI also
 * installs it with `pip install ./sdk/python[numpy]`.
 */
let t: TestApp;
let dir: string;
let token: string;
let viewer: string;
let admin: string;
let platformAdmin: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'beamline-sdk-python-'));
  t = await startTestApp({
    env: {
      BEAMLINE_CLUSTER_DRIVER: 'local',
      BEAMLINE_ARTIFACT_DIR: join(dir, 'artifacts'),
      BEAMLINE_SCHEDULER_INTERVAL_MS: '200',
      BEAMLINE_RETRY_BACKOFF_MS: '100',
    },
  });
  token = await seedToken(t.app, 'MEMBER', ['sdk']);
  viewer = await seedToken(t.app, 'VIEWER', ['sdk']);
  admin = await seedToken(t.app, 'ADMIN', ['sdk']);
  platformAdmin = await seedToken(t.app, 'ADMIN');
});
afterAll(async () => {
  await closeApp(t);
  await rm(dir, { recursive: true, force: true });
});


describe('Python SDK', () => {
  it('passes its pytest suite against the running platform', async () => {
    const { code, output } = await runPython(['-m', 'pytest', 'sdk/python/tests', '-q', '-p', 'no:cacheprovider', '-rs'], {
      BEAMLINE_URL: t.url,
      BEAMLINE_TOKEN: token,
      BEAMLINE_PROJECT: 'sdk',
      BEAMLINE_TEST_VIEWER_TOKEN: viewer,
      BEAMLINE_TEST_ADMIN_TOKEN: admin,
      BEAMLINE_TEST_PLATFORM_TOKEN: platformAdmin,
      PYTHONPATH: resolve('sdk/python/src'),
    }, 540_000);
    if (code !== 0) console.error(output);
    expect(code, output.slice(-4000)).toBe(0);
    expect(output).not.toMatch(/\bskipped\b/);
  }, 600_000);
});
