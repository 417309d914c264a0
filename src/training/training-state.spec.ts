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
  ])('refuses %s --%s-->', (from, action) => {
    const result = transition(job(from), action);
    expect(result.ok).toBe(false);
  });

  it('treats every terminal state as final for every action', () => {
    const actions: TrainingAction[] = ['admit', 'bind', 'unbind', 'start', 'succeed', 'fail', 'cancel'];
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

  it('covers every status', () => {
    expect(TRAINING_STATUSES).toHaveLength(7);
  });
});
