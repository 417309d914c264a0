import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { client, eventually, jobBody, seedToken, startTestApp, type TestApp } from '../helpers/test-app.js';

let t: TestApp;
let api: ReturnType<typeof client>;
const base = '/v1/projects/vision/training-jobs';

beforeAll(async () => {
  t = await startTestApp();
  api = client(t.url, await seedToken(t.app, 'MEMBER', ['vision']));
});
afterAll(() => t.close());

describe('training jobs over REST (real PostgreSQL + Redis)', () => {
  it('submits a job that the controller admits, with every transition as an event', async () => {
    const created = await api.post(base, jobBody({ workers: 2, priority: 5, queue: 'gpu', maxRetries: 2, timeoutSeconds: 3600, outputModel: 'mnist-cnn' }));
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      project: 'vision',
      name: 'train-mnist',
      status: 'Pending',
      workers: 2,
      queue: 'gpu',
      command: ['python', 'train.py'],
      resources: { cpuMilli: 2000, memoryMiB: 4096, gpu: { count: 1, products: ['NVIDIA-A100-SXM4-80GB'] } },
    });
    const id = created.body.id as string;

    const queued = await eventually(async () => {
      const res = await api.get(`${base}/${id}`);
      return res.body.status === 'Queued' ? res.body : undefined;
    }, 10_000, 'job to be Queued');
    expect(queued.statusReason).toBe('Admitted');

    const events = await api.get(`${base}/${id}/events`);
    expect(events.status).toBe(200);
    expect(events.body.items.map((e: { from: string | null; to: string }) => [e.from, e.to])).toEqual([
      [null, 'Pending'],
      ['Pending', 'Queued'],
    ]);
    expect(events.body.items[1].message).toContain("queue 'gpu'");
  });

  it('cancels a job once; a second cancel is a 409 illegal transition', async () => {
    const { body: job } = await api.post(base, jobBody({ name: 'to-cancel' }));
    const cancelled = await api.post(`${base}/${job.id}/cancel`);
    expect(cancelled.status).toBe(200);
    expect(cancelled.body.status).toBe('Cancelled');
    expect(cancelled.body.finishedAt).not.toBeNull();

    const again = await api.post(`${base}/${job.id}/cancel`);
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({ code: 'illegal_transition', status: 409 });
    expect(again.headers.get('content-type')).toContain('application/problem+json');

    const events = await api.get(`${base}/${job.id}/events`);
    const last = events.body.items.at(-1);
    expect(last).toMatchObject({ to: 'Cancelled', reason: 'Cancelled' });
    // A cancelled job is never admitted afterwards, even when its message is processed late.
    await new Promise((r) => setTimeout(r, 500));
    expect((await api.get(`${base}/${job.id}`)).body.status).toBe('Cancelled');
  });

  it('answers 404 for an unknown or malformed job id', async () => {
    expect((await api.get(`${base}/00000000-0000-4000-8000-000000000000`)).status).toBe(404);
    expect((await api.get(`${base}/not-a-uuid`)).status).toBe(404);
    expect((await api.get(`${base}/not-a-uuid/events`)).status).toBe(404);
    expect((await api.post(`${base}/not-a-uuid/cancel`)).status).toBe(404);
  });

  describe('Idempotency-Key', () => {
    it('returns the first job for a retried submission', async () => {
      const body = jobBody({ name: 'idem' });
      const first = await api.post(base, body, { 'Idempotency-Key': 'retry-1' });
      const second = await api.post(base, body, { 'Idempotency-Key': 'retry-1' });
      expect(first.status).toBe(201);
      expect(second.status).toBe(200);
      expect(second.headers.get('idempotent-replayed')).toBe('true');
      expect(second.body.id).toBe(first.body.id);
    });

    it('creates exactly one job when retries race', async () => {
      const body = jobBody({ name: 'idem-race' });
      const results = await Promise.all(Array.from({ length: 6 }, () => api.post(base, body, { 'Idempotency-Key': 'race-1' })));
      const ids = new Set(results.map((r) => r.body.id));
      expect(ids.size).toBe(1);
      expect(results.filter((r) => r.status === 201)).toHaveLength(1);
      const listed = await api.get(`${base}?namePrefix=idem-race`);
      expect(listed.body.items).toHaveLength(1);
    });

    it('refuses the same key with a different body (409, naming the header)', async () => {
      await api.post(base, jobBody({ name: 'idem-a' }), { 'Idempotency-Key': 'k-2' });
      const res = await api.post(base, jobBody({ name: 'idem-b' }), { 'Idempotency-Key': 'k-2' });
      expect(res.status).toBe(409);
      expect(res.body.errors[0].field).toBe('header:Idempotency-Key');
    });

    it('rejects a malformed key with 400', async () => {
      const res = await api.post(base, jobBody(), { 'Idempotency-Key': 'x'.repeat(300) });
      expect(res.status).toBe(400);
      expect(res.body.errors[0].field).toBe('header:Idempotency-Key');
    });
  });

  describe('listing', () => {
    it('pages newest first with a cursor, never repeating or skipping', async () => {
      const ids: string[] = [];
      for (let i = 0; i < 7; i++) ids.push((await api.post(base, jobBody({ name: `page-${i}` }))).body.id);
      const seen: string[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const query: string = `?namePrefix=page-&limit=3${cursor ? `&cursor=${cursor}` : ''}`;
        const res = await api.get(`${base}${query}`);
        expect(res.status).toBe(200);
        seen.push(...res.body.items.map((j: { id: string }) => j.id));
        cursor = res.body.nextCursor;
        pages++;
      } while (cursor);
      expect(pages).toBe(3);
      expect(seen).toEqual([...ids].reverse());
    });

    it('filters by status, queue and name prefix', async () => {
      const a = await api.post(base, jobBody({ name: 'filter-a', queue: 'cpu-only' }));
      await api.post(base, jobBody({ name: 'filter-b', queue: 'cpu-only' }));
      await api.post(`${base}/${a.body.id}/cancel`);
      const cancelled = await api.get(`${base}?status=Cancelled&queue=cpu-only`);
      expect(cancelled.body.items.map((j: { name: string }) => j.name)).toEqual(['filter-a']);
      const both = await api.get(`${base}?queue=cpu-only&namePrefix=filter-`);
      expect(both.body.items).toHaveLength(2);
      const me = (await api.get('/v1/auth/whoami')).body.name as string;
      expect(both.body.items.map((j: { submittedBy: string }) => j.submittedBy)).toEqual([me, me]);
      const mine = await api.get(`${base}?namePrefix=filter-&submittedBy=${encodeURIComponent(me)}`);
      expect(mine.body.items).toHaveLength(2);
      const others = await api.get(`${base}?namePrefix=filter-&submittedBy=someone-else`);
      expect(others.body.items).toHaveLength(0);
    });

    it.each([
      ['?cursor=garbage', 'cursor'],
      ['?limit=0', 'query.limit'],
      ['?status=Sleeping', 'query.status.0'],
      ['?colour=red', 'query.colour'],
    ])('400 for a bad query %s naming %s', async (query, field) => {
      const res = await api.get(`${base}${query}`);
      expect(res.status).toBe(400);
      expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
    });
  });
});
