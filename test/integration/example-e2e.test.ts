import { readFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runPython } from '../helpers/python.js';
import { closeApp, seedToken, startTestApp, type TestApp } from '../helpers/test-app.js';

/**
 * examples/notebook end to end against the real platform on the local driver: two real
 * training jobs (numpy, Iris), registration with lineage, @production, an endpoint of real
 * `beamline runtime` replicas following the alias, inference on the held-out split, the
 * rollout after the alias moves. The notebook is checked to be the same flow, outputs cleared.
 */
let t: TestApp;
let dir: string;
let token: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'beamline-example-e2e-'));
  t = await startTestApp({
    env: {
      BEAMLINE_CLUSTER_DRIVER: 'local',
      BEAMLINE_ARTIFACT_DIR: join(dir, 'artifacts'),
      BEAMLINE_SCHEDULER_INTERVAL_MS: '200',
    },
  });
  token = await seedToken(t.app, 'MEMBER', ['lab']);
});
afterAll(async () => {
  await closeApp(t);
  await rm(dir, { recursive: true, force: true });
});


describe('examples/notebook', () => {
  it('e2e.py trains, registers, deploys, infers, retrains and rolls out', async () => {
    // The jobs log in with the job-scoped BEAMLINE_URL/BEAMLINE_TOKEN the platform injects.
    const { code, output } = await runPython(['examples/notebook/e2e.py', '--model', 'iris-e2e'], {
      BEAMLINE_URL: t.url,
      BEAMLINE_TOKEN: token,
      BEAMLINE_PROJECT: 'lab',
      PYTHONPATH: resolve('sdk/python/src'),
    }, 480_000);
    if (code !== 0) console.error(output);
    expect(code, output.slice(-4000)).toBe(0);
    expect(output).toMatch(/held-out accuracy through the endpoint \(v1\): (0\.9\d*|1\.0+)/);
    expect(output).toMatch(/revision 2: v2 AliasMoved\s+Complete/);
    expect(output.trim().endsWith('OK')).toBe(true);
  }, 540_000);

  it('e2e.ipynb is valid nbformat 4 JSON with its outputs cleared, and runs the same steps', async () => {
    const notebook = JSON.parse(await readFile('examples/notebook/e2e.ipynb', 'utf8'));
    expect(notebook.nbformat).toBe(4);
    const code = notebook.cells.filter((c: { cell_type: string }) => c.cell_type === 'code');
    expect(code.length).toBeGreaterThan(5);
    for (const cell of code) {
      expect(cell.outputs).toEqual([]);
      expect(cell.execution_count).toBeNull();
    }
    const source = code.map((c: { source: string[] | string }) => (Array.isArray(c.source) ? c.source.join('') : c.source)).join('\n');
    for (const step of ['training.submit', 'training.wait', 'set_alias', 'endpoints.deploy', 'wait_rolled_out', 'infer', 'revisions']) {
      expect(source).toContain(step);
    }
  });
});
