import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import { linearModel } from '../helpers/onnx.js';
import { registry, sha256 } from '../helpers/onnx-registry.js';
import { PROMETHEUS_BIN, requirePrometheus, startPrometheus, type RunningPrometheus } from '../helpers/prometheus.js';
import { closeApp, client, eventually, seedToken, startTestApp, type TestApp } from '../helpers/test-app.js';

/**
 * Every query of every dashboard in deploy/grafana, evaluated by a real Prometheus (the
 * Debian package CI installs) with deploy/prometheus/prometheus.yml, scraping a real
 * platform and the runtime replica of a real endpoint, after real traffic. Each must parse
 * and return data, except DCGM_* (GPU exporter) queries: no DCGM exporter runs here, so
 * they must parse and may be empty.
 */
const GRAFANA = 'deploy/grafana';
const PROJECT = 'obs';
const ENDPOINT = 'regressor';
/** What Grafana would put in for the template and built-in variables. */
const VARIABLES: Record<string, string> = {
  project: PROJECT,
  endpoint: ENDPOINT,
  host: '.*',
  __rate_interval: '2m',
  __interval: '15s',
  __range: '5m',
};
const A100 = 'NVIDIA-A100-SXM4-80GB';

interface Query {
  dashboard: string;
  panel: string;
  expr: string;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

async function dashboards(): Promise<Array<{ file: string; json: Json }>> {
  const files = (await readdir(GRAFANA)).filter((f) => f.endsWith('.json')).sort();
  return Promise.all(files.map(async (file) => ({ file, json: JSON.parse(await readFile(join(GRAFANA, file), 'utf8')) })));
}

/** Panels at any depth: collapsed rows keep theirs in row.panels. */
function allPanels(panels: Json[] = []): Json[] {
  return panels.flatMap((p) => [p, ...allPanels(p.panels)]);
}

function substitute(expr: string): string {
  const out = expr.replace(/\$\{(\w+)\}|\$(\w+)/g, (whole, braced: string, plain: string) => VARIABLES[braced ?? plain] ?? whole);
  if (out.includes('$')) throw new Error(`unknown variable left in ${out}`);
  return out;
}

const isDcgm = (expr: string) => /\bDCGM_/.test(expr);

let t: TestApp;
let prom: RunningPrometheus | undefined;
let artifactDir: string;
let home: string;
const jobIds: string[] = [];
let api: ReturnType<typeof client>;
let token = '';

beforeAll(async () => {
  // First, so a machine without Prometheus fails here with the install hint, not later.
  await requirePrometheus();
  artifactDir = await mkdtemp(join(tmpdir(), 'beamline-artifacts-'));
  home = await mkdtemp(join(tmpdir(), 'beamline-home-'));
  t = await startTestApp({
    home,
    env: { BEAMLINE_CLUSTER_DRIVER: 'local', BEAMLINE_SCHEDULER_INTERVAL_MS: '200', BEAMLINE_LOCAL_GPUS: `${A100}:81920x1`, BEAMLINE_ARTIFACT_DIR: artifactDir },
  });
  token = await seedToken(t.app, 'MEMBER', [PROJECT]);
  api = client(t.url, token);

  // A registered model version.
  await api.post(`/v1/projects/${PROJECT}/models`, { name: ENDPOINT });
  const onnx = linearModel([[1], [2]], [0.5]);
  const version = await registry(t.url, token).multipart(`/v1/projects/${PROJECT}/models/${ENDPOINT}/versions`, onnx, { sha256: sha256(onnx) });
  expect(version.status, JSON.stringify(version.body)).toBe(201);
  // A real endpoint: the local serving driver runs its replica, the API proxies to it.
  const created = await api.post(`/v1/projects/${PROJECT}/endpoints`, { name: ENDPOINT, model: ENDPOINT, version: 1, replicas: 1 });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  await eventually(async () => (await api.get(`/v1/projects/${PROJECT}/endpoints/${ENDPOINT}`)).body.phase === 'Complete', 60_000, 'endpoint rolled out');

  // Prometheus finds the replica through the platform's http_sd list, labelled project/endpoint/revision.
  // The target list is for platform admins; Prometheus gets one with only the read scope, as docs/monitoring.md says.
  const promToken = join(home, 'prometheus-token');
  await writeFile(promToken, await seedToken(t.app, 'ADMIN', [], { scopes: ['read'] }), { mode: 0o600 });
  prom = await startPrometheus(await prometheusConfig(t.url, promToken));
  const replica = `up{job="beamline-runtime", project="${PROJECT}", endpoint="${ENDPOINT}", revision="1"} == 1`;
  await eventually(async () => ((await prom!.query(replica)).data?.result.length ?? 0) > 0, 30_000, 'the replica scraped');
  await eventually(async () => ((await prom!.query('up{job="beamline-platform"} == 1')).data?.result.length ?? 0) > 0, 30_000, 'the platform scraped');

  // Traffic after the first scrapes, so rates see it rise: a job that runs, one that waits for the GPU, inference with and without errors.
  const sleeper = (name: string) => ({
    name,
    image: 'unused',
    command: [process.execPath, '-e', 'setInterval(() => {}, 1000)'],
    resources: { cpu: '100m', memory: '64Mi', gpu: { count: 1, product: A100 } },
  });
  for (const name of ['runs', 'waits']) jobIds.push((await api.post(`/v1/projects/${PROJECT}/training-jobs`, sleeper(name))).body.id);
  // Inference through the API's infer proxy: counted by the proxy and by the replica.
  const post = (body: unknown) => api.post(`/v1/projects/${PROJECT}/endpoints/${ENDPOINT}/infer`, body);
  const infer = async (rows: number, bad: number) => {
    for (let i = 0; i < rows; i++) {
      expect((await post({ inputs: [{ name: 'x', datatype: 'FP32', shape: [1, 2], data: [i, 1] }] })).status).toBe(200);
    }
    for (let i = 0; i < bad; i++) {
      expect((await post({ inputs: [{ name: 'x', datatype: 'FP32', shape: [1, 3], data: [1, 2, 3] }] })).status).toBe(400);
    }
  };
  // A labelled counter appears at its first increment, and rate() needs a sample before
  // the increase: one request of each outcome first, the rest once Prometheus has the series.
  await infer(1, 1);
  const sel = `project="${PROJECT}", endpoint="${ENDPOINT}"`;
  const seen = [`beamline_runtime_requests_total{${sel}, outcome="bad_request"}`, `beamline_endpoint_proxy_requests_total{${sel}, code="400"}`];
  for (const expr of seen) await eventually(async () => ((await prom!.query(expr)).data?.result.length ?? 0) > 0, 30_000, expr);
  await infer(20, 2);
  await api.get(`/v1/projects/${PROJECT}/training-jobs/00000000-0000-4000-8000-000000000000`);

  // Wait until Prometheus holds the results: requests and errors counted on both sides, a job bound, one pending.
  for (const expr of [
    `sum(increase(beamline_runtime_requests_total{${sel}, outcome="bad_request"}[1m])) > 0`,
    `sum(increase(beamline_endpoint_proxy_requests_total{${sel}, code="400"}[1m])) > 0`,
    'sum(beamline_scheduling_latency_seconds_count) > 0',
    'sum(beamline_pending_jobs) > 0',
  ]) {
    await eventually(async () => ((await prom!.query(expr)).data?.result.length ?? 0) > 0, 30_000, expr);
  }
});

afterAll(async () => {
  // Local replicas outlive the app (like local training jobs): delete the endpoint first.
  if (api) {
    await fetch(`${t.url}/v1/projects/${PROJECT}/endpoints/${ENDPOINT}`, { method: 'DELETE', headers: { authorization: `Bearer ${token}` } }).catch(() => undefined);
    await eventually(async () => (await api.get(`/v1/projects/${PROJECT}/endpoints/${ENDPOINT}`)).status === 404, 30_000, 'endpoint deleted').catch(() => undefined);
  }
  for (const id of jobIds) await api?.post(`/v1/projects/${PROJECT}/training-jobs/${id}/cancel`).catch(() => undefined);
  await prom?.stop();
  await closeApp(t);
  for (const dir of [artifactDir, home]) if (dir) await rm(dir, { recursive: true, force: true });
});

/** deploy/prometheus/prometheus.yml pointed at this test's platform, scraping every second. */
async function prometheusConfig(platformUrl: string, tokenFile: string): Promise<Json> {
  const config = parse(await readFile('deploy/prometheus/prometheus.yml', 'utf8'));
  config.global = { ...config.global, scrape_interval: '1s', evaluation_interval: '1s' };
  const job = (name: string) => config.scrape_configs.find((c: Json) => c.job_name === name);
  job('beamline-platform').static_configs = [{ targets: [new URL(platformUrl).host] }];
  const [sd] = job('beamline-runtime').http_sd_configs;
  expect(sd.authorization?.credentials_file, 'the shipped http_sd config sends a token').toBeTruthy();
  job('beamline-runtime').http_sd_configs = [{ ...sd, url: `${platformUrl}/v1/prometheus/targets`, refresh_interval: '1s', authorization: { ...sd.authorization, credentials_file: tokenFile } }];
  return config;
}

async function allQueries(): Promise<Query[]> {
  const queries: Query[] = [];
  for (const { file, json } of await dashboards()) {
    for (const panel of allPanels(json.panels)) {
      for (const target of panel.targets ?? []) queries.push({ dashboard: file, panel: panel.title, expr: target.expr });
    }
  }
  return queries;
}

describe('dashboards against a real Prometheus', () => {
  it('evaluates every panel query: each parses and returns data (DCGM queries may be empty: no exporter here)', async () => {
    const queries = await allQueries();
    expect(queries.length).toBeGreaterThan(30);
    const failures: string[] = [];
    const allowedEmpty: string[] = [];
    for (const q of queries) {
      const expr = substitute(q.expr);
      const res = await prom!.query(expr);
      const where = `${q.dashboard} / ${q.panel}: ${expr}`;
      if (res.status !== 'success') {
        failures.push(`${where}\n  → ${res.errorType}: ${res.error}`);
        continue;
      }
      if (res.data!.result.length > 0) continue;
      // Allowed empty: no DCGM exporter runs here (nor in CI), so DCGM_* series do not exist.
      if (isDcgm(expr)) allowedEmpty.push(where);
      else failures.push(`${where}\n  → no data`);
    }
    expect(failures, failures.join('\n')).toEqual([]);
    // The DCGM queries were evaluated too: parsed, and allowed to be empty (no exporter here).
    expect(queries.filter((q) => isDcgm(q.expr)).length).toBeGreaterThan(0);
    expect(allowedEmpty.length).toBeLessThanOrEqual(queries.filter((q) => isDcgm(q.expr)).length);
  });

  it('shows the endpoint as it is: traffic and errors at the replica and the proxy, 1 of 1 replicas ready, revision 1, phase Complete', async () => {
    const value = async (expr: string) => {
      const res = await prom!.query(expr);
      expect(res.data?.result.length, expr).toBeGreaterThan(0);
      return { value: Number(res.data!.result[0].value[1]), metric: res.data!.result[0].metric };
    };
    const sel = `project="${PROJECT}", endpoint="${ENDPOINT}"`;
    expect((await value(`sum(rate(beamline_runtime_requests_total{${sel}}[2m]))`)).value).toBeGreaterThan(0);
    expect((await value(`sum(rate(beamline_runtime_requests_total{${sel}, outcome!="success"}[2m]))`)).value).toBeGreaterThan(0);
    expect((await value(`sum(rate(beamline_endpoint_proxy_requests_total{${sel}, code="200"}[2m]))`)).value).toBeGreaterThan(0);
    expect((await value(`sum(rate(beamline_endpoint_proxy_requests_total{${sel}, code!~"2.."}[2m]))`)).value).toBeGreaterThan(0);
    expect((await value(`max(beamline_endpoint_replicas_ready{${sel}})`)).value).toBe(1);
    expect((await value(`max(beamline_endpoint_replicas_desired{${sel}})`)).value).toBe(1);
    expect((await value(`max(beamline_endpoint_revision{${sel}})`)).value).toBe(1);
    expect((await value(`max by (phase) (beamline_endpoint_rollout_phase{${sel}}) == 1`)).metric.phase).toBe('Complete');
  });

  it('resolves the template variables (label_values) through the label API, as Grafana does', async () => {
    let checked = 0;
    for (const { file, json } of await dashboards()) {
      for (const variable of json.templating.list.filter((v: Json) => v.type === 'query')) {
        const definition = substitute(typeof variable.query === 'string' ? variable.query : variable.query.query);
        const match = /^label_values\((?:(.+),\s*)?(\w+)\)$/.exec(definition.trim());
        expect(match, `${file} $${variable.name}: ${definition}`).not.toBeNull();
        const [, selector, label] = match!;
        const res = await prom!.api<string[]>(`label/${label}/values`, selector ? { 'match[]': selector } : {});
        expect(res.status, `${file} $${variable.name}: ${res.error}`).toBe('success');
        // DCGM variables are empty without an exporter; the endpoint dashboard's must list our replica.
        if (!isDcgm(definition)) expect(res.data, `${file} $${variable.name}`).toContain(variable.name === 'project' ? PROJECT : ENDPOINT);
        checked++;
      }
    }
    expect(checked).toBeGreaterThanOrEqual(3);
  });
});

describe('dashboard and scrape config files', () => {
  it('use the templated data source everywhere, unique uids and panel ids, project and endpoint variables', async () => {
    const list = await dashboards();
    expect(list.map((d) => d.file)).toEqual(expect.arrayContaining(['beamline-endpoint.json', 'beamline-platform.json', 'beamline-gpus.json']));
    expect(new Set(list.map((d) => d.json.uid)).size).toBe(list.length);
    for (const { file, json } of list) {
      expect(json.templating.list[0], file).toMatchObject({ name: 'DS_PROMETHEUS', type: 'datasource', query: 'prometheus' });
      const panels = allPanels(json.panels);
      expect(new Set(panels.map((p) => p.id)).size, `${file} panel ids`).toBe(panels.length);
      for (const panel of panels.filter((p) => p.type !== 'row')) {
        expect(panel.datasource, `${file} / ${panel.title}`).toEqual({ type: 'prometheus', uid: '${DS_PROMETHEUS}' });
        for (const target of panel.targets) expect(target.datasource.uid, `${file} / ${panel.title}`).toBe('${DS_PROMETHEUS}');
      }
    }
    const endpoint = list.find((d) => d.file === 'beamline-endpoint.json')!.json;
    expect(endpoint.templating.list.map((v: Json) => v.name)).toEqual(['DS_PROMETHEUS', 'project', 'endpoint']);
  });

  it('prometheus.yml passes promtool; the Operator monitors label project and endpoint and keep the platform\'s own endpoint label', async () => {
    const promtool = join(dirname(PROMETHEUS_BIN), 'promtool');
    const { stdout } = await promisify(execFile)(promtool, ['check', 'config', 'deploy/prometheus/prometheus.yml']);
    expect(stdout).toMatch(/SUCCESS/);
    const service = parseAllDocuments(await readFile('deploy/prometheus/servicemonitor.yaml', 'utf8')).map((d) => d.toJS());
    expect(service[0]).toMatchObject({ kind: 'ServiceMonitor', spec: { endpoints: [{ path: '/metrics', honorLabels: true }] } });
    const pod = parseAllDocuments(await readFile('deploy/prometheus/podmonitor.yaml', 'utf8')).map((d) => d.toJS());
    expect(pod[0].kind).toBe('PodMonitor');
    const relabel = pod[0].spec.podMetricsEndpoints[0].relabelings.map((r: Json) => [r.sourceLabels[0], r.targetLabel]);
    expect(relabel).toEqual(
      expect.arrayContaining([
        ['__meta_kubernetes_pod_label_beamline_dev_project', 'project'],
        ['__meta_kubernetes_pod_label_beamline_dev_endpoint', 'endpoint'],
      ]),
    );
  });
});
