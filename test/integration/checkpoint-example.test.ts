import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { client, eventually, seedToken, startTestApp, type TestApp } from '../helpers/test-app.js';

/**
 * examples/checkpoint-resume on the local driver: a real numpy training run that uses
 * `beamline.checkpoint` (the Python SDK inside the job) crashes after epoch 3, is retried,
 * and the retry resumes from step-3. The checkpoints were reported by the SDK with the job's
 * own token (attempt 0 and attempt 1), so the list shows who wrote what.
 */
let t: TestApp;
let api: ReturnType<typeof client>;
const base = '/v1/projects/ex/training-jobs';
// The interpreter the operator runs, as the example's README says to use; numpy is installed there.
const python = execFileSync('python3', ['-c', 'import sys; print(sys.executable)'], { encoding: 'utf8' }).trim();

beforeAll(async () => {
  t = await startTestApp({ env: { BEAMLINE_CLUSTER_DRIVER: 'local', BEAMLINE_SCHEDULER_INTERVAL_MS: '200', BEAMLINE_RETRY_BACKOFF_MS: '100' } });
  api = client(t.url, await seedToken(t.app, 'MEMBER', ['ex']));
});
afterAll(async () => {
  await t.close();
});

async function logs(id: string, attempt: number): Promise<string> {
  const res = await api.get(`${base}/${id}/logs?attempt=${attempt}`);
  return res.text;
}

describe('examples/checkpoint-resume', () => {
  it('trains with numpy, crashes after epoch 3, and the retry resumes from step-3 to the end', async () => {
    const submitted = await api.post(base, {
      name: 'ckpt-example',
      image: 'python:3.11-slim',
      command: [python, resolve('examples/checkpoint-resume/train.py'), '--epochs', '6', '--crash-after', '3'],
      env: { PYTHONPATH: resolve('sdk/python/src'), PYTHONUNBUFFERED: '1' },
      resources: { cpu: '500m', memory: '512Mi' },
      maxRetries: 1,
    });
    expect(submitted.status, submitted.text).toBe(201);
    const id = submitted.body.id as string;
    const done = await eventually(async () => {
      const j = (await api.get(`${base}/${id}`)).body;
      if (j.status === 'Failed') throw new Error(`failed: ${j.statusReason}\n${await logs(id, j.attempt)}`);
      return j.status === 'Succeeded' ? j : undefined;
    }, 120_000, 'the example job Succeeded');
    expect(done.attempt).toBe(1);
    const first = await logs(id, 0);
    const second = await logs(id, 1);
    expect(first).toContain('starting from scratch');
    expect(first).toContain('epoch 3 accuracy');
    expect(first).toContain('recorded=True');
    expect(second).toContain('resumed from step-3 (epoch 3)');
    expect(second).not.toMatch(/^epoch [0-3] /m); // no epoch ran twice
    expect(second).toMatch(/done: final accuracy 0\.9\d\d/);
    const list = (await api.get(`${base}/${id}/checkpoints`)).body.items as { step: number; attempt: number; sizeBytes: number }[];
    // The default BEAMLINE_CHECKPOINT_KEEP is 3: steps 5, 4 and 3; 3 written by attempt 0.
    expect(list.map((c) => [c.step, c.attempt])).toEqual([
      [5, 1],
      [4, 1],
      [3, 0],
    ]);
    expect(list.every((c) => c.sizeBytes > 100)).toBe(true);
  });
});
