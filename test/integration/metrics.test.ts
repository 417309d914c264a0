import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { client, eventually, jobBody, seedToken, startTestApp, type TestApp } from '../helpers/test-app.js';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t.close());

describe('/metrics', () => {
  it('exports process metrics, request durations by route, jobs by status and queue depth', async () => {
    const api = client(t.url, await seedToken(t.app, 'MEMBER', ['m']));
    const job = await api.post('/v1/projects/m/training-jobs', jobBody());
    await eventually(async () => (await api.get(`/v1/projects/m/training-jobs/${job.body.id}`)).body.status === 'Queued');
    await api.post('/v1/projects/m/training-jobs', jobBody({ name: 'second' }));
    await api.post('/v1/projects/m/training-jobs/00000000-0000-4000-8000-000000000000/cancel');

    const text = (await client(t.url).get('/metrics')).text;
    expect(text).toMatch(/^beamline_process_cpu_user_seconds_total \d/m);
    expect(text).toMatch(/beamline_http_request_duration_seconds_count\{method="POST",route="\/v1\/projects\/:project\/training-jobs",status="201"\} 2/);
    expect(text).toMatch(/beamline_http_request_duration_seconds_count\{method="POST",route="\/v1\/projects\/:project\/training-jobs\/:id\/cancel",status="404"\} 1/);
    expect(text).toMatch(/beamline_training_jobs\{status="Queued"\} [12]/);
    expect(text).toMatch(/beamline_training_jobs\{status="Succeeded"\} 0/);
    expect(text).toMatch(/beamline_queue_depth\{queue="training-admission",state="waiting"\} \d+/);
  });
});
