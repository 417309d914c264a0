import { describe, expect, it } from 'vitest';
import { TRAINING_STATUSES, transition, type TrainingAction, type TrainingStatus } from './training-state.js';

const job = (status: TrainingStatus, attempt = 0, maxRetries = 0) => ({ status, attempt, maxRetries });

describe('transition', () => {
  it.each<[TrainingStatus, TrainingAction, TrainingStatus]>([
    ['Pending', 'admit', 'Queued'],
    ['Queued', 'bind', 'Scheduled'],
    ['Scheduled', 'unbind', 'Queued'],
    ['Scheduled', 'start', 'Running'],
    ['Running', 'succeed', 'Succeeded'],
    ['Running', 'fail', 'Failed'],
    ['Scheduled', 'fail', 'Failed'],
    ['Pending', 'cancel', 'Cancelled'],
    ['Queued', 'cancel', 'Cancelled'],
    ['Scheduled', 'cancel', 'Cancelled'],
    ['Running', 'cancel', 'Cancelled'],
    ['Scheduled', 'requeue', 'Queued'],
    ['Running', 'requeue', 'Queued'],
    ['Queued', 'reject', 'Failed'],
  ])('%s --%s--> %s', (from, action, to) => {
    const result = transition(job(from), action);
    expect(result).toMatchObject({ ok: true, to });
  });

  it.each<[TrainingStatus, TrainingAction]>([
    ['Pending', 'bind'],
    ['Pending', 'start'],
    ['Pending', 'fail'],
    ['Queued', 'admit'],
    ['Queued', 'start'],
    ['Queued', 'succeed'],
    ['Running', 'admit'],
    ['Running', 'bind'],
    ['Scheduled', 'succeed'],
    ['Queued', 'requeue'],
    ['Pending', 'requeue'],
    ['Pending', 'reject'],
    ['Running', 'reject'],
  ])('refuses %s --%s-->', (from, action) => {
    const result = transition(job(from), action);
    expect(result.ok).toBe(false);
  });

  it('treats every terminal state as final for every action', () => {
    const actions: TrainingAction[] = ['admit', 'bind', 'unbind', 'start', 'succeed', 'fail', 'requeue', 'cancel', 'reject'];
    for (const status of ['Succeeded', 'Failed', 'Cancelled'] as const) {
      for (const action of actions) {
        const result = transition(job(status), action);
        expect(result.ok, `${status} ${action}`).toBe(false);
        if (!result.ok) expect(result.error).toContain('terminal');
      }
    }
  });

  it('retries a failed run while attempts remain, then fails for good', () => {
    const first = transition(job('Running', 0, 2), 'fail');
    expect(first).toEqual({ ok: true, to: 'Queued', attempt: 1, reason: 'Retry 1 of 2' });
    const second = transition(job('Running', 1, 2), 'fail');
    expect(second).toEqual({ ok: true, to: 'Queued', attempt: 2, reason: 'Retry 2 of 2' });
    const third = transition(job('Running', 2, 2), 'fail');
    expect(third).toEqual({ ok: true, to: 'Failed', attempt: 2, reason: 'RetriesExhausted' });
  });

  it.each<[string, Parameters<typeof transition>, object]>([
    ['a cause becomes the reason of a retry', [{ status: 'Scheduled', attempt: 0, maxRetries: 1 }, 'fail', 'StartTimeout'], { to: 'Queued', attempt: 1, reason: 'StartTimeout', note: 'retry 1 of 1' }],
    ['a cause becomes the reason of the final failure', [{ status: 'Scheduled', attempt: 1, maxRetries: 1 }, 'fail', 'StartTimeout'], { to: 'Failed', attempt: 1, reason: 'StartTimeout', note: 'retries exhausted' }],
    ['a cause without retries', [{ status: 'Running', attempt: 0, maxRetries: 0 }, 'fail', 'WorkersLost'], { to: 'Failed', attempt: 0, reason: 'WorkersLost', note: 'no retries' }],
    ['a requeue is a new attempt even with no retries', [{ status: 'Running', attempt: 0, maxRetries: 0 }, 'requeue', 'NodeLost'], { to: 'Queued', attempt: 1, reason: 'NodeLost' }],
    ['requeues do not use up retries', [{ status: 'Running', attempt: 2, maxRetries: 1, requeues: 2 }, 'fail'], { to: 'Queued', attempt: 3, reason: 'Retry 1 of 1' }],
    ['a retry after requeues counts only retries', [{ status: 'Running', attempt: 3, maxRetries: 1, requeues: 2 }, 'fail'], { to: 'Failed', attempt: 3, reason: 'RetriesExhausted' }],
  ])('%s', (_name, args, expected) => {
    expect(transition(...args)).toMatchObject({ ok: true, ...expected });
  });

  it('resumes only a Failed or Cancelled job, as a new attempt', () => {
    expect(transition(job('Failed', 2, 2), 'resume')).toMatchObject({ ok: true, to: 'Queued', attempt: 3, reason: 'Resumed' });
    expect(transition(job('Cancelled', 0, 0), 'resume')).toMatchObject({ ok: true, to: 'Queued', attempt: 1, reason: 'Resumed' });
    for (const status of ['Succeeded', 'Running', 'Queued'] as const) {
      expect(transition(job(status, 0, 0), 'resume')).toMatchObject({ ok: false });
    }
  });

  it('covers every status', () => {
    expect(TRAINING_STATUSES).toHaveLength(7);
  });
});
