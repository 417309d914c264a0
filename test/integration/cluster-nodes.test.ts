import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { client, eventually, seedToken, startTestApp, type TestApp } from '../helpers/test-app.js';

let t: TestApp;
let mine: ReturnType<typeof client>;
let other: ReturnType<typeof client>;
const base = '/v1/projects/lab-a/training-jobs';

beforeAll(async () => {
  // The local driver with two declared A100s: the controller publishes them to Redis, the api joins the placements.
  t = await startTestApp({
    env: { BEAMLINE_CLUSTER_DRIVER: 'local', BEAMLINE_SCHEDULER_INTERVAL_MS: '200', BEAMLINE_LOCAL_GPUS: 'NVIDIA-A100-SXM4-80GB:81920x2' },
  });
  mine = client(t.url, await seedToken(t.app, 'MEMBER', ['lab-a']));
  other = client(t.url, await seedToken(t.app, 'VIEWER', ['lab-b']));
});
afterAll(() => t.close());

const sleeper = (name: string, gpu: Record<string, unknown>) => ({
  name,
  image: 'unused',
  command: [process.execPath, '-e', 'setInterval(() => {}, 1000)'],
  resources: { cpu: '100m', memory: '64Mi', gpu },
});

type Gpu = { index: number; product: string; usedMilli: number; holders: Array<Record<string, unknown>> };

describe('GET /v1/cluster/nodes', () => {
  it('lists the nodes and GPUs the controller published, with who holds each device', async () => {
    const job = (await mine.post(base, sleeper('half', { fraction: 0.5, product: 'NVIDIA-A100-SXM4-80GB' }))).body;
    const held = await eventually(async () => {
      const res = await mine.get('/v1/cluster/nodes');
      const gpus: Gpu[] = res.status === 200 ? res.body.items.flatMap((n: { gpus: Gpu[] }) => n.gpus) : [];
      return gpus.find((g) => g.holders.length > 0) ? gpus : undefined;
    }, 20_000, 'a held GPU');
    expect(held.map((g) => g.product)).toEqual(['NVIDIA-A100-SXM4-80GB', 'NVIDIA-A100-SXM4-80GB']);
    const used = held.find((g) => g.holders.length > 0)!;
    expect(used.usedMilli).toBe(500);
    expect(used.holders).toEqual([{ kind: 'job', id: job.id, name: 'half', project: 'lab-a', worker: 0, gpuMilli: 500 }]);
    expect(held.find((g) => g !== used)!.usedMilli).toBe(0);

    // Another project's caller sees the device as used, but not by which job.
    const seen = (await other.get('/v1/cluster/nodes')).body.items.flatMap((n: { gpus: Gpu[] }) => n.gpus) as Gpu[];
    expect(seen.find((g) => g.index === used.index)!.holders).toEqual([{ kind: 'hidden', gpuMilli: 500 }]);
    expect(JSON.stringify(seen)).not.toContain(job.id);

    // A cancelled job lets go of its device.
    await mine.post(`${base}/${job.id}/cancel`);
    await eventually(async () => {
      const res = await mine.get('/v1/cluster/nodes');
      return res.body.items.every((n: { gpus: Gpu[] }) => n.gpus.every((g) => g.holders.length === 0));
    }, 20_000, 'the device freed');
  });

  it('needs a credential', async () => {
    expect((await client(t.url).get('/v1/cluster/nodes')).status).toBe(401);
  });
});
