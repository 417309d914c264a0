import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PrismaService } from '../../src/common/database/prisma.service.js';
import { client, jobBody, seedToken, startTestApp, type TestApp } from '../helpers/test-app.js';

/**
 * Issue 21: GPUs held over time, computed on real PostgreSQL from the stored usage ledger
 * (written here with known intervals) and the attempts running now. A point is the mean
 * held over its step, so every figure below is exact.
 */
let t: TestApp;
let prisma: PrismaService;
let admin: ReturnType<typeof client>;
let labA: ReturnType<typeof client>;
const H100 = 'NVIDIA-H100-80GB-HBM3';
const MIG = 'NVIDIA-A100-SXM4-80GB:mig-1g.10gb';
const at = (hhmmss: string) => new Date(`2026-01-01T${hhmmss}Z`);
const q = (s: string) => encodeURIComponent(s);

type Allocation = { from: string; to: string; stepSeconds: number; times: string[]; total: number[]; series: { flavor: string; project: string | null; values: number[] }[] };
const allocation = async (c: ReturnType<typeof client>, query: string): Promise<Allocation> => {
  const res = await c.get(`/v1/cluster/allocation?${query}`);
  expect(res.status, res.text).toBe(200);
  return res.body as Allocation;
};

beforeAll(async () => {
  t = await startTestApp();
  admin = client(t.url, await seedToken(t.app, 'ADMIN'));
  labA = client(t.url, await seedToken(t.app, 'VIEWER', ['lab-a']));
  await seedToken(t.app, 'MEMBER', ['lab-b']);
  prisma = t.app.get(PrismaService);
  const ids = Object.fromEntries((await prisma.project.findMany({ where: { name: { in: ['lab-a', 'lab-b'] } } })).map((p) => [p.name, p.id]));
  let n = 0;
  const record = (project: string, flavor: string, from: string, to: string, gpus: number) => {
    const seconds = (at(to).getTime() - at(from).getTime()) / 1000;
    return { jobId: `00000000-0000-4000-8000-00000000000${n++}`, attempt: 1, flavor, projectId: ids[project], queue: 'default', submittedBy: 'test', gpuSeconds: gpus * seconds, cpuSeconds: seconds, startedAt: at(from), endedAt: at(to) };
  };
  await prisma.usageRecord.createMany({
    data: [
      record('lab-a', H100, '10:00:00', '11:00:00', 2), // two whole GPUs for the whole hour
      record('lab-b', H100, '10:30:00', '10:45:00', 0.5), // half a GPU for exactly the third step
      record('lab-b', H100, '10:52:30', '11:22:30', 1), // half of the fourth step, and past `to`
      record('lab-a', MIG, '10:00:00', '10:30:00', 1), // one MIG slice: its own series, not in the total
      record('lab-a', '', '10:00:00', '11:00:00', 0), // CPU only: no GPU held
      record('lab-a', H100, '08:00:00', '09:00:00', 4), // before the range
    ],
  });
});
afterAll(() => t.close());

describe('GET /v1/cluster/allocation', () => {
  const hour = `from=${q('2026-01-01T10:00:00Z')}&to=${q('2026-01-01T11:00:00Z')}&step=900`;

  it('gives the mean GPUs held per step, per flavor and project, from the stored ledger', async () => {
    const a = await allocation(admin, hour);
    expect(a.stepSeconds).toBe(900);
    expect(a.times).toEqual(['10:00:00', '10:15:00', '10:30:00', '10:45:00'].map((s) => at(s).toISOString()));
    expect(a.total).toEqual([2, 2, 2.5, 2.5]);
    expect(a.series).toEqual([
      { flavor: MIG, project: 'lab-a', values: [1, 1, 0, 0] },
      { flavor: H100, project: 'lab-a', values: [2, 2, 2, 2] },
      { flavor: H100, project: 'lab-b', values: [0, 0, 0.5, 0.5] },
    ].sort((x, y) => x.flavor.localeCompare(y.flavor) || x.project.localeCompare(y.project)));
    // A step that does not divide the range: the last point is the mean over its shorter part.
    const odd = await allocation(admin, `from=${q('2026-01-01T10:40:00Z')}&to=${q('2026-01-01T11:00:00Z')}&step=900`);
    expect(odd.total).toEqual([2.333, 3]); // 10:40–10:55: 2 + 0.5·5/15 + 1·2.5/15; 10:55–11:00: 2 + 1
  });

  it("sums the projects a caller cannot read under project null, as the node list hides their jobs", async () => {
    const a = await allocation(labA, hour);
    expect(a.total).toEqual([2, 2, 2.5, 2.5]);
    expect(a.series.find((s) => s.flavor === H100 && s.project === null)?.values).toEqual([0, 0, 0.5, 0.5]);
    expect(JSON.stringify(a)).not.toContain('lab-b');
  });

  it('counts an attempt still running from its bind up to now', async () => {
    const res = await client(t.url, await seedToken(t.app, 'MEMBER', ['lab-a'])).post('/v1/projects/lab-a/training-jobs', jobBody({ name: 'running' }));
    expect(res.status, res.text).toBe(201);
    const bound = new Date(Math.floor(Date.now() / 1000) * 1000 - 30 * 60_000);
    await prisma.trainingJob.update({
      where: { id: res.body.id },
      data: { status: 'Running', scheduledAt: bound, placement: [{ node: 'n1', gpuIndexes: [0, 1], product: 'Tesla-T4' }, { node: 'n2', gpuIndexes: [0], gpuMilli: 250, product: 'Tesla-T4' }] },
    });
    const from = new Date(bound.getTime() - 15 * 60_000).toISOString();
    const a = await allocation(admin, `from=${q(from)}&to=${q(new Date(Date.now() + 3_600_000).toISOString())}&step=900`);
    // Steps after now are not answered: bind −15 min, bind, bind +15 min, and the few ms past bind +30 min.
    expect(a.times.length).toBeGreaterThanOrEqual(3);
    expect(a.times.length).toBeLessThanOrEqual(4);
    const t4 = a.series.find((s) => s.flavor === 'Tesla-T4');
    expect(t4).toEqual({ flavor: 'Tesla-T4', project: 'lab-a', values: [0, ...Array(a.times.length - 1).fill(2.25)] });
    expect(a.total).toEqual(t4!.values);
    await prisma.trainingJob.update({ where: { id: res.body.id }, data: { status: 'Cancelled' } });
  });

  it('defaults to the last 24 hours in round steps', async () => {
    const a = await allocation(admin, '');
    expect(a.stepSeconds).toBe(600);
    expect(Date.parse(a.to) - Date.parse(a.from)).toBe(86_400_000);
    expect(a.times).toHaveLength(144);
  });

  it('refuses bad ranges and steps, naming the field', async () => {
    const cases: [string, string][] = [
      ['from=yesterday', 'from'],
      [`to=${q('2026-13-01T00:00:00Z')}`, 'to'],
      [`from=${q('2026-02-01T00:00:00Z')}&to=${q('2026-01-01T00:00:00Z')}`, 'from'],
      ['step=0', 'step'],
      ['step=1.5', 'step'],
      ['step=-60', 'step'],
      // 24 hours in 60 s steps would be 1440 points.
      ['step=60', 'step'],
      ['colour=red', 'colour'],
    ];
    for (const [query, field] of cases) {
      const res = await admin.get(`/v1/cluster/allocation?${query}`);
      expect(res.status, `${query}: ${res.text}`).toBe(400);
      expect(JSON.stringify(res.body.errors), query).toContain(field);
    }
    expect((await client(t.url).get('/v1/cluster/allocation')).status).toBe(401);
  });
});
