import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { client, eventually, seedToken, startTestApp, type TestApp } from '../helpers/test-app.js';

/**
 * Issue 14, item 4 (the part the queues tests do not cover): a job no node can ever run is
 * flagged `unschedulable` and fails as Unschedulable after the timeout, so `wait()` ends; a
 * Queued GPU job gets an estimated start. Real PostgreSQL, Redis, controller and local driver
 * with two declared H100s.
 */
let t: TestApp;
let api: ReturnType<typeof client>;
const H100 = 'NVIDIA-H100-80GB-HBM3';

beforeAll(async () => {
  t = await startTestApp({
    env: { BEAMLINE_CLUSTER_DRIVER: 'local', BEAMLINE_SCHEDULER_INTERVAL_MS: '200', BEAMLINE_LOCAL_GPUS: `${H100}:81920x2`, BEAMLINE_UNSCHEDULABLE_TIMEOUT_SECONDS: '3' },
  });
  api = client(t.url, await seedToken(t.app, 'MEMBER', ['never', 'eta', 'eta-unknown']));
});
afterAll(() => t.close());

const sleeper = (name: string, gpu: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
  name,
  image: 'unused',
  command: [process.execPath, '-e', 'setInterval(() => {}, 1000)'],
  resources: { cpu: '100m', memory: '64Mi', gpu },
  ...extra,
});

async function submit(project: string, body: Record<string, unknown>): Promise<string> {
  const res = await api.post(`/v1/projects/${project}/training-jobs`, body);
  expect(res.status, res.text).toBe(201);
  return res.body.id as string;
}
const view = async (project: string, id: string) => (await api.get(`/v1/projects/${project}/training-jobs/${id}`)).body;
const until = (project: string, id: string, ok: (j: Record<string, unknown>) => boolean, what: string) =>
  eventually(async () => {
    const j = await view(project, id);
    return ok(j) ? j : undefined;
  }, 20_000, what);

describe('a job no node can ever run', () => {
  it('is flagged at once, keeps its reason, then fails as Unschedulable after the timeout', async () => {
    const id = await submit('never', sleeper('wants-a100', { count: 1, product: 'NVIDIA-A100-SXM4-80GB' }));
    const flagged = await until('never', id, (j) => j.unschedulable === true, 'flagged unschedulable');
    expect(flagged.status).toBe('Queued');
    expect(flagged.pendingReason).toBe(`no node has product NVIDIA-A100-SXM4-80GB (cluster has: ${H100} ×2)`);
    expect(flagged.estimatedStartAt).toBeNull();
    const failed = await until('never', id, (j) => j.status === 'Failed', 'failed');
    expect(failed).toMatchObject({ statusReason: 'Unschedulable', unschedulable: false, pendingReason: null });
    expect(Date.parse(failed.finishedAt as string) - Date.parse(flagged.unschedulableSince as string)).toBeGreaterThanOrEqual(3000);
    const events = (await api.get(`/v1/projects/never/training-jobs/${id}/events`)).body.items as Array<Record<string, string>>;
    expect(events.at(-1)).toMatchObject({ from: 'Queued', to: 'Failed', reason: 'Unschedulable' });
    expect(events.at(-1)!.message).toContain('no node of this cluster can ever run it: no node has product NVIDIA-A100-SXM4-80GB');
  });

  it('is not flagged when it only has to wait for capacity', async () => {
    const blocker = await submit('never', sleeper('holds-both', { count: 2 }));
    await until('never', blocker, (j) => j.status === 'Running', 'blocker Running');
    const waiter = await submit('never', sleeper('waits', { count: 1 }));
    const queued = await until('never', waiter, (j) => typeof j.pendingReason === 'string', 'waiter has a reason');
    expect(queued).toMatchObject({ status: 'Queued', unschedulable: false, unschedulableSince: null });
    await new Promise((r) => setTimeout(r, 3500)); // past the timeout: still waiting, not failed
    expect((await view('never', waiter)).status).toBe('Queued');
    for (const id of [waiter, blocker]) await api.post(`/v1/projects/never/training-jobs/${id}/cancel`);
  });
});

describe('estimated start', () => {
  it('is when the attempts in the way are expected to end: here the blocker\'s timeout', async () => {
    const blocker = await submit('eta', sleeper('holds-both', { count: 2 }, { timeoutSeconds: 600 }));
    const running = await until('eta', blocker, (j) => j.status === 'Running', 'blocker Running');
    const waiter = await submit('eta', sleeper('waits', { count: 1 }));
    const queued = await until('eta', waiter, (j) => typeof j.pendingReason === 'string', 'waiter has a reason');
    expect(queued.queuePosition).toBe(1);
    expect(queued.estimatedStartAt).toBe(new Date(Date.parse(running.scheduledAt as string) + 600_000).toISOString());
    for (const id of [waiter, blocker]) await api.post(`/v1/projects/eta/training-jobs/${id}/cancel`);
  });

  it('is null when nothing says when the attempts in the way end', async () => {
    const blocker = await submit('eta-unknown', sleeper('holds-both', { count: 2 }));
    await until('eta-unknown', blocker, (j) => j.status === 'Running', 'blocker Running');
    const waiter = await submit('eta-unknown', sleeper('waits', { count: 1 }));
    const queued = await until('eta-unknown', waiter, (j) => typeof j.pendingReason === 'string', 'waiter has a reason');
    expect(queued.estimatedStartAt).toBeNull();
    for (const id of [waiter, blocker]) await api.post(`/v1/projects/eta-unknown/training-jobs/${id}/cancel`);
  });
});
