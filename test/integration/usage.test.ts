import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { client, eventually, seedToken, startTestApp, type TestApp } from '../helpers/test-app.js';

/**
 * Issue 14, item 5: GPU-hour accounting on real PostgreSQL with the local driver and two
 * declared H100s. The figures are checked against the job's own record: an attempt is
 * charged from its bind (scheduledAt) to the status change that ended it (finishedAt).
 */
let t: TestApp;
let admin: ReturnType<typeof client>;
let member: ReturnType<typeof client>;
let outsider: ReturnType<typeof client>;
const H100 = 'NVIDIA-H100-80GB-HBM3';

beforeAll(async () => {
  t = await startTestApp({ env: { BEAMLINE_CLUSTER_DRIVER: 'local', BEAMLINE_SCHEDULER_INTERVAL_MS: '200', BEAMLINE_LOCAL_GPUS: `${H100}:81920x2` } });
  admin = client(t.url, await seedToken(t.app, 'ADMIN'));
  member = client(t.url, await seedToken(t.app, 'MEMBER', ['use-a', 'use-b']));
  outsider = client(t.url, await seedToken(t.app, 'MEMBER', ['use-b']));
});
afterAll(() => t.close());

const job = (name: string, gpu: Record<string, unknown> | undefined, script: string, cpu = '500m') => ({
  name,
  image: 'unused',
  command: [process.execPath, '-e', script],
  resources: { cpu, memory: '64Mi', ...(gpu ? { gpu } : {}) },
});

async function submit(project: string, body: Record<string, unknown>): Promise<string> {
  const res = await member.post(`/v1/projects/${project}/training-jobs`, body);
  expect(res.status, res.text).toBe(201);
  return res.body.id as string;
}

const view = async (project: string, id: string) => (await member.get(`/v1/projects/${project}/training-jobs/${id}`)).body;
const until = (project: string, id: string, status: string) =>
  eventually(async () => {
    const j = await view(project, id);
    return j.status === status ? j : undefined;
  }, 30_000, `${id} ${status}`);
const seconds = (from: string, to: string) => (Date.parse(to) - Date.parse(from)) / 1000;
const usage = async (c: ReturnType<typeof client>, query: string) => {
  const res = await c.get(`/v1/usage?${query}`);
  expect(res.status, res.text).toBe(200);
  return res.body as { items: Array<Record<string, string | number>>; total: { gpuSeconds: number; cpuSeconds: number; gpuHours: number } };
};
const WIDE = `from=${encodeURIComponent('2026-01-01T00:00:00Z')}&to=${encodeURIComponent('2099-01-01T00:00:00Z')}`;

describe('GPU-hour accounting', () => {
  let finished: Record<string, string>;
  let cpuOnly: Record<string, string>;

  it('charges a finished attempt its GPUs and CPUs from bind to end, once', async () => {
    const a = await submit('use-a', job('two-gpus', { count: 2 }, 'setTimeout(() => {}, 1500)'));
    const c = await submit('use-a', job('cpu-only', undefined, 'setTimeout(() => {}, 300)', '2'));
    finished = await until('use-a', a, 'Succeeded');
    cpuOnly = await until('use-a', c, 'Succeeded');
    const held = seconds(finished.scheduledAt, finished.finishedAt);
    const report = await usage(admin, `${WIDE}&groupBy=project,flavor`);
    const gpuRow = report.items.find((r) => r.project === 'use-a' && r.flavor === H100)!;
    expect(gpuRow).toMatchObject({ attempts: 1 });
    expect(gpuRow.gpuSeconds).toBeCloseTo(2 * held, 2);
    expect(gpuRow.cpuSeconds).toBeCloseTo(0.5 * held, 2);
    const cpuRow = report.items.find((r) => r.project === 'use-a' && r.flavor === '')!;
    expect(cpuRow.gpuSeconds).toBe(0);
    expect(cpuRow.cpuSeconds).toBeCloseTo(2 * seconds(cpuOnly.scheduledAt, cpuOnly.finishedAt), 2);
    // Read again: a finished attempt's figure does not move.
    expect((await usage(admin, `${WIDE}&groupBy=project,flavor`)).items).toEqual(report.items);
  });

  it('gives a range cutting an attempt its share of it', async () => {
    const start = Date.parse(finished.scheduledAt);
    const mid = new Date(start + (Date.parse(finished.finishedAt) - start) / 2).toISOString();
    const report = await usage(admin, `from=${encodeURIComponent(mid)}&to=${encodeURIComponent('2099-01-01T00:00:00Z')}&project=use-a&groupBy=flavor`);
    const gpuRow = report.items.find((r) => r.flavor === H100)!;
    expect(gpuRow.gpuSeconds).toBeCloseTo(seconds(mid, finished.finishedAt) * 2, 2);
  });

  it('counts a running attempt up to now, and charges it for good when it is cancelled', async () => {
    const b = await submit('use-b', job('half-gpu', { fraction: 0.5 }, 'setInterval(() => {}, 1000)'));
    await until('use-b', b, 'Running');
    const first = (await usage(member, `${WIDE}&project=use-b&groupBy=user,flavor`)).items[0];
    await new Promise((r) => setTimeout(r, 400));
    const second = (await usage(member, `${WIDE}&project=use-b&groupBy=user,flavor`)).items[0];
    expect(second).toMatchObject({ flavor: H100, attempts: 1 });
    expect(typeof second.user).toBe('string');
    expect(second.gpuSeconds).toBeGreaterThan(first.gpuSeconds as number);
    expect((await member.post(`/v1/projects/use-b/training-jobs/${b}/cancel`)).status).toBe(200);
    const cancelled = await view('use-b', b);
    const after = (await usage(member, `${WIDE}&project=use-b&groupBy=flavor`)).items[0];
    expect(after.gpuSeconds).toBeCloseTo(0.5 * seconds(cancelled.scheduledAt, cancelled.finishedAt), 2);
    await new Promise((r) => setTimeout(r, 300));
    expect((await usage(member, `${WIDE}&project=use-b&groupBy=flavor`)).items[0]).toEqual(after);
  });

  it('shows a member only their projects, and an unreadable project as missing', async () => {
    const report = await usage(outsider, `${WIDE}&groupBy=project`);
    expect(report.items.map((r) => r.project)).toEqual(['use-b']);
    const res = await outsider.get(`/v1/usage?project=use-a`);
    expect(res.status).toBe(404);
    const all = await usage(admin, `${WIDE}&groupBy=project`);
    expect(all.items.map((r) => r.project).sort()).toEqual(['use-a', 'use-b']);
  });

  it('exports the same figures as Prometheus counters', async () => {
    const report = await usage(admin, `${WIDE}&groupBy=project,queue,flavor`);
    const text = await (await fetch(`${t.url}/metrics`)).text();
    for (const row of report.items.filter((r) => r.flavor !== '')) {
      const line = text.split('\n').find((l) => l.startsWith(`beamline_gpu_seconds_total{project="${row.project}",queue="${row.queue}",flavor="${row.flavor}"}`));
      expect(line, `counter for ${row.project}`).toBeDefined();
      expect(Number(line!.split(' ').pop())).toBeCloseTo(row.gpuSeconds as number, 1);
    }
    expect(text).toMatch(/^beamline_cpu_seconds_total\{project="use-a",queue="default"\} \d/m);
  });

  it('refuses bad ranges and groupings, naming the field', async () => {
    const cases: [string, string][] = [
      ['groupBy=project,colour', 'groupBy'],
      ['from=yesterday', 'from'],
      [`from=${encodeURIComponent('2026-02-01T00:00:00Z')}&to=${encodeURIComponent('2026-01-01T00:00:00Z')}`, 'from'],
      ['colour=red', 'colour'],
    ];
    for (const [query, field] of cases) {
      const res = await admin.get(`/v1/usage?${query}`);
      expect(res.status, `${query}: ${res.text}`).toBe(400);
      expect(JSON.stringify(res.body.errors), query).toContain(field);
    }
    expect((await client(t.url).get('/v1/usage')).status).toBe(401);
  });
});
