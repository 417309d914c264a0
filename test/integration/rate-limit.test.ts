import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import type { AppConfig } from '../../src/common/config/config.schema.js';
import { RateLimiter } from '../../src/common/rate-limit/rate-limiter.js';
import { client, closeApp, jobBody, seedToken, sleep, startTestApp, type TestApp } from '../helpers/test-app.js';

const perMinute = (limit: number) => ({ limit, periodMs: 60_000 });

describe('RateLimiter: the GCRA script on the real Redis', () => {
  const prefix = `t-${randomBytes(4).toString('hex')}`;
  const limiter = new RateLimiter({ BEAMLINE_QUEUE_PREFIX: prefix, REDIS_URL: inject('redisUrl') } as AppConfig);
  const redis = new Redis(inject('redisUrl'));
  afterAll(() => {
    limiter.onModuleDestroy();
    redis.disconnect();
  });
  const only = (key: string, limit: number, periodMs = 60_000) => [{ scope: 'token', key: limiter.key(key), rate: { limit, periodMs } }];

  it('lets a burst of `limit` through, then refuses with the wait until the next one', async () => {
    const seen = [];
    for (let i = 0; i < 4; i++) seen.push(await limiter.check(only('burst', 3)));
    expect(seen.map((d) => [d.allowed, d.remaining])).toEqual([[true, 2], [true, 1], [true, 0], [false, 0]]);
    // 3/min is one every 20 s: the refused request may come back in (just under) 20 s.
    expect(seen[3]).toMatchObject({ limit: 3, scope: 'token' });
    expect(seen[3].retryAfterSeconds).toBeGreaterThanOrEqual(19);
    expect(seen[3].retryAfterSeconds).toBeLessThanOrEqual(20);
  });

  it('refills at the steady rate', async () => {
    const checks = only('refill', 2, 1000); // one every 500 ms
    expect((await limiter.check(checks)).allowed).toBe(true);
    expect((await limiter.check(checks)).allowed).toBe(true);
    expect(await limiter.check(checks)).toMatchObject({ allowed: false, retryAfterSeconds: 1 });
    await sleep(600);
    expect((await limiter.check(checks)).allowed).toBe(true);
  });

  it('spends every key or none: a request the project refuses costs the token nothing', async () => {
    const both = [
      { scope: 'token', key: limiter.key('token', 'a'), rate: perMinute(5) },
      { scope: 'project', key: limiter.key('project', 'a'), rate: perMinute(2) },
    ];
    expect((await limiter.check(both)).allowed).toBe(true);
    expect(await limiter.check(both)).toMatchObject({ allowed: true, scope: 'project', remaining: 0 });
    expect(await limiter.check(both)).toMatchObject({ allowed: false, scope: 'project', limit: 2 });
    // 5 - 2 spent - this one = 2 left; had the refused request been charged, 1.
    expect(await limiter.check([both[0]])).toMatchObject({ allowed: true, remaining: 2 });
  });

  it('keeps its keys under the queue prefix, each expiring once its bucket is full again', async () => {
    await limiter.check(only('ttl', 4, 10_000));
    const keys = await redis.keys(`${prefix}:ratelimit:*`);
    expect(keys).toContain(`${prefix}:ratelimit:ttl`);
    const ttl = await redis.pttl(`${prefix}:ratelimit:ttl`);
    // One request at 4/10 s is 2.5 s ahead of schedule.
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(2500);
  });

  it('rejects when Redis cannot be reached (the guard then lets the request through)', async () => {
    const down = new RateLimiter({ BEAMLINE_QUEUE_PREFIX: prefix, REDIS_URL: 'redis://127.0.0.1:1' } as AppConfig);
    try {
      await expect(down.check(only('down', 1))).rejects.toThrow();
    } finally {
      down.onModuleDestroy();
    }
  });
});

describe('rate limits over HTTP (real app, PostgreSQL and Redis)', () => {
  let t: TestApp;
  const submit = (token: string, project: string, name: string) =>
    client(t.url, token).post(`/v1/projects/${project}/training-jobs`, jobBody({ name }));

  beforeAll(async () => {
    t = await startTestApp({
      env: {
        BEAMLINE_RATE_SUBMIT_PER_TOKEN: '3/min',
        BEAMLINE_RATE_SUBMIT_PER_PROJECT: '5/min',
        BEAMLINE_RATE_INFER_PER_TOKEN: '2/min',
        BEAMLINE_RATE_INFER_PER_PROJECT: 'off',
      },
    });
  });
  afterAll(() => closeApp(t));

  it('answers the 4th submission of a token 429 with Retry-After, as problem+json', async () => {
    const token = await seedToken(t.app, 'MEMBER', ['alpha']);
    for (let i = 0; i < 3; i++) {
      const ok = await submit(token, 'alpha', `a-${i}`);
      expect(ok.status).toBe(201);
      expect(ok.headers.get('ratelimit-limit')).toBe('3');
      expect(ok.headers.get('ratelimit-remaining')).toBe(String(2 - i));
    }
    const refused = await submit(token, 'alpha', 'a-3');
    expect(refused.status).toBe(429);
    expect(refused.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(refused.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(Number(refused.headers.get('retry-after'))).toBeLessThanOrEqual(20);
    expect(refused.body).toMatchObject({ status: 429, code: 'too_many_requests', title: 'Too Many Requests' });
    expect(refused.body.detail).toMatch(/for this token/);
  });

  it('lets another token of the project submit until the project limit, then refuses it too', async () => {
    const other = await seedToken(t.app, 'MEMBER', ['alpha']);
    expect((await submit(other, 'alpha', 'b-0')).status).toBe(201);
    expect((await submit(other, 'alpha', 'b-1')).status).toBe(201);
    const refused = await submit(other, 'alpha', 'b-2'); // the project's 6th, this token's 3rd
    expect(refused.status).toBe(429);
    expect(refused.body.detail).toMatch(/for this project/);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
  });

  it('still asks for a token first: AuthGuard runs before the limit', async () => {
    const anonymous = await client(t.url).post('/v1/projects/alpha/training-jobs', jobBody({ name: 'anon' }));
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('ratelimit-limit')).toBeNull();
  });

  it('leaves other projects alone', async () => {
    const beta = await seedToken(t.app, 'MEMBER', ['beta']);
    expect((await submit(beta, 'beta', 'c-0')).status).toBe(201);
  });

  it('limits inference on both proxy routes, before the endpoint is even looked up', async () => {
    const api = client(t.url, await seedToken(t.app, 'VIEWER', ['gamma']));
    const v2 = await api.get('/v1/projects/gamma/endpoints/nope/v2/health/ready');
    expect(v2.status).not.toBe(429);
    expect(v2.headers.get('ratelimit-limit')).toBe('2');
    expect((await api.post('/v1/projects/gamma/endpoints/nope/infer', { inputs: [] })).status).not.toBe(429);
    const refused = await api.post('/v1/projects/gamma/endpoints/nope/infer', { inputs: [] });
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).toMatch(/^\d+$/);
    expect((await api.get('/v1/projects/gamma/endpoints/nope/v2/models/m')).status).toBe(429);
  });

  it('counts refusals in /metrics by kind and scope', async () => {
    const text = (await client(t.url).get('/metrics')).text;
    expect(text).toMatch(/beamline_rate_limited_total\{kind="submit",scope="token"\} 1\b/);
    expect(text).toMatch(/beamline_rate_limited_total\{kind="submit",scope="project"\} 1\b/);
    expect(text).toMatch(/beamline_rate_limited_total\{kind="infer",scope="token"\} 2\b/);
  });
});
