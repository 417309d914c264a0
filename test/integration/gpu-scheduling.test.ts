import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { client, eventually, seedToken, startTestApp, type TestApp } from '../helpers/test-app.js';

let t: TestApp;
let api: ReturnType<typeof client>;
const base = '/v1/projects/gpu/training-jobs';

beforeAll(async () => {
  // Two declared A100s and one T4 on the local node: the real engine and loop decide, real processes run.
  t = await startTestApp({
    env: { BEAMLINE_CLUSTER_DRIVER: 'local', BEAMLINE_SCHEDULER_INTERVAL_MS: '200', BEAMLINE_LOCAL_GPUS: 'NVIDIA-A100-SXM4-80GB:81920x2,Tesla-T4:15360x1' },
  });
  api = client(t.url, await seedToken(t.app, 'MEMBER', ['gpu']));
});
afterAll(() => t.close());

const sleeper = (name: string, gpu: Record<string, unknown>) => ({
  name,
  image: 'unused',
  command: [process.execPath, '-e', 'console.log(process.env.NVIDIA_VISIBLE_DEVICES, process.env.BEAMLINE_GPU_MILLI ?? "-"); setInterval(() => {}, 1000)'],
  resources: { cpu: '100m', memory: '64Mi', gpu },
});

async function placed(id: string) {
  return eventually(async () => {
    const res = await api.get(`${base}/${id}`);
    return res.body.status === 'Running' ? res.body : undefined;
  }, 15_000, `job ${id} Running`);
}

describe('device-aware placement through the API (local driver, declared GPUs)', () => {
  it('packs fractional shares onto one device, honours products, explains what does not fit', async () => {
    const a = (await api.post(base, sleeper('half-a', { fraction: 0.5, product: 'NVIDIA-A100-SXM4-80GB' }))).body;
    const b = (await api.post(base, sleeper('half-b', { fraction: 0.5, product: 'NVIDIA-A100-SXM4-80GB' }))).body;
    const pa = await placed(a.id);
    const pb = await placed(b.id);
    // Two halves share one A100 rather than fragmenting both.
    expect(pa.placement[0].gpuIndexes).toEqual(pb.placement[0].gpuIndexes);
    expect([0, 1]).toContain(pa.placement[0].gpuIndexes[0]);
    expect(pa.placement[0].gpuMilli).toBe(500);
    const logs = await eventually(async () => (await api.get(`${base}/${a.id}/logs`)).text.trim() || undefined);
    expect(logs).toBe(`${pa.placement[0].gpuIndexes[0]} 500`);

    const t4 = (await api.post(base, sleeper('t4', { count: 1, product: ['Tesla-T4'] }))).body;
    expect((await placed(t4.id)).placement[0].gpuIndexes).toEqual([2]);

    const big = (await api.post(base, sleeper('two-a100', { count: 2, product: 'NVIDIA-A100-SXM4-80GB' }))).body;
    const waiting = await eventually(async () => {
      const res = await api.get(`${base}/${big.id}`);
      return res.body.pendingReason ? res.body : undefined;
    });
    expect(waiting.status).toBe('Queued');
    expect(waiting.pendingReason).toMatch(/A100/);

    const metrics = (await client(t.url).get('/metrics')).text;
    expect(metrics).toMatch(/beamline_gpus_total\{product="NVIDIA-A100-SXM4-80GB"\} 2/);
    expect(metrics).toMatch(/beamline_gpus_allocated\{product="NVIDIA-A100-SXM4-80GB"\} 1/);
    expect(metrics).toMatch(/beamline_gpus_allocated\{product="Tesla-T4"\} 1/);

    // Cancelling the two halves frees a whole A100 and the 2-GPU job is placed on both.
    await api.post(`${base}/${a.id}/cancel`);
    await api.post(`${base}/${b.id}/cancel`);
    expect((await placed(big.id)).placement[0].gpuIndexes.sort()).toEqual([0, 1]);
    await api.post(`${base}/${big.id}/cancel`);
    await api.post(`${base}/${t4.id}/cancel`);
  });

  it('refuses an unknown product with a reason instead of failing', async () => {
    const job = (await api.post(base, sleeper('h200', { count: 1, product: 'NVIDIA-H200' }))).body;
    const waiting = await eventually(async () => (await api.get(`${base}/${job.id}`)).body.pendingReason ?? undefined);
    expect(waiting).toMatch(/NVIDIA-H200/);
    await api.post(`${base}/${job.id}/cancel`);
  });
});
