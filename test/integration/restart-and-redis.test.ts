import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { freePort } from '../../src/common/embedded/free-port.js';
import { startEmbeddedRedis, type RunningRedis } from '../../src/common/embedded/embedded-redis.js';
import { TrainingQueue } from '../../src/training/training.queue.js';
import { TrainingReconciler } from '../../src/training/training.reconciler.js';
import { TrainingService } from '../../src/training/training.service.js';
import { client, eventually, jobBody, migratedDatabase, seedToken, sleep, startTestApp, type TestApp } from '../helpers/test-app.js';

const open: Array<{ close(): Promise<void> } | RunningRedis> = [];
afterEach(async () => {
  // Apps first, then the Redis servers they use.
  for (const item of open) await ('close' in item ? item.close() : item.stop()).catch(() => undefined);
  open.length = 0;
});

const base = '/v1/projects/lab/training-jobs';

async function events(api: ReturnType<typeof client>, id: string): Promise<Array<{ from: string | null; to: string }>> {
  return (await api.get(`${base}/${id}/events`)).body.items;
}

describe('nothing submitted is lost, nothing is done twice', () => {
  it('a job submitted while the controller is down is admitted exactly once after it restarts', async () => {
    const databaseUrl = await migratedDatabase();
    const queuePrefix = `t-${randomBytes(4).toString('hex')}`;
    const apiApp: TestApp = await startTestApp({ role: 'api', databaseUrl, queuePrefix });
    open.push(apiApp);
    const api = client(apiApp.url, await seedToken(apiApp.app, 'MEMBER', ['lab']));

    // 1. A controller runs, then dies.
    const first = await startTestApp({ role: 'controller', databaseUrl, queuePrefix });
    await first.close();

    // 2. Submissions while no consumer runs stay Pending (recorded, not lost).
    const ids = [];
    for (let i = 0; i < 3; i++) ids.push((await api.post(base, jobBody({ name: `while-down-${i}` }))).body.id as string);
    await sleep(600);
    for (const id of ids) expect((await api.get(`${base}/${id}`)).body.status).toBe('Pending');

    // 3. A new controller picks every one of them up.
    const second = await startTestApp({ role: 'controller', databaseUrl, queuePrefix });
    open.push(second);
    for (const id of ids) {
      await eventually(async () => (await api.get(`${base}/${id}`)).body.status === 'Queued', 10_000, `job ${id} Queued`);
    }

    // 4. Duplicate triggers (a re-submitted message, extra reconcile passes) change nothing.
    await second.app.get(TrainingQueue).enqueue(ids[0]);
    await second.app.get(TrainingReconciler).reconcile();
    await sleep(800);
    for (const id of ids) {
      expect((await events(api, id)).map((e) => e.to)).toEqual(['Pending', 'Queued']);
    }
  });

  it('submit succeeds while Redis is down; readiness says so; the job is admitted once Redis is back', async () => {
    const port = await freePort();
    let redis = await startEmbeddedRedis(inject('redisBinary'), port);
    const t = await startTestApp({ redisUrl: redis.url });
    open.push(t);
    const api = client(t.url, await seedToken(t.app, 'MEMBER', ['lab']));

    await redis.stop();
    await eventually(async () => (await api.get('/readyz')).status === 503, 5000, 'readyz to fail');
    const ready = await api.get('/readyz');
    expect(ready.body.checks).toEqual({ postgres: 'up', redis: 'down' });

    const submitted = await api.post(base, jobBody({ name: 'no-redis' }));
    expect(submitted.status).toBe(201);
    expect(submitted.body.status).toBe('Pending');
    expect((await api.get(`${base}/${submitted.body.id}`)).body.status).toBe('Pending');

    redis = await startEmbeddedRedis(inject('redisBinary'), port, redis.password);
    open.push(redis);
    await eventually(async () => (await api.get(`${base}/${submitted.body.id}`)).body.status === 'Queued', 20_000, 'admission after Redis returns');
    expect((await api.get('/readyz')).status).toBe(200);
    expect((await events(api, submitted.body.id)).map((e) => e.to)).toEqual(['Pending', 'Queued']);
  });

  it('a job whose admission message failed (the database restarting) is admitted by the next reconcile pass', async () => {
    // Found by the chaos suite (issue 19, seed 938083580): a failed message stayed in BullMQ's
    // failed set, so every re-enqueue of the same id was dropped and the job stayed Pending.
    const t = await startTestApp({});
    open.push(t);
    const api = client(t.url, await seedToken(t.app, 'MEMBER', ['lab']));
    const training = t.app.get(TrainingService);
    const admit = training.admit.bind(training);
    let failures = 0;
    training.admit = async (id: string) => {
      if (failures++ === 0) throw new Error('Database error. Code: 57P01 terminating connection due to administrator command');
      return admit(id);
    };
    const submitted = await api.post(base, jobBody({ name: 'admit-fails-once' }));
    expect(submitted.status).toBe(201);
    await eventually(async () => failures > 0, 10_000, 'the failed admission');
    await t.app.get(TrainingReconciler).reconcile(); // also runs on its own timer
    await eventually(async () => (await api.get(`${base}/${submitted.body.id}`)).body.status === 'Queued', 10_000, 'admission after the reconcile pass');
    expect((await events(api, submitted.body.id)).map((e) => e.to)).toEqual(['Pending', 'Queued']);
  });
});
