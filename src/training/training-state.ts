/**
 * The training-job state machine, pure. Every status change in the system goes
 * through `transition()`; the repository writes the new status and its event row in
 * one transaction, guarded by the status it read (compare-and-set).
 *
 *   Pending ──admit──► Queued ──bind──► Scheduled ──start──► Running ──succeed──► Succeeded
 *      │                 ▲  ▲              │                   │ └────fail──► Failed (no retries left)
 *      │                 │  └──unbind──────┘                   │
 *      │                 └────────retry (attempts left)────────┘
 *      └── cancel from any non-terminal state ──► Cancelled
 */
export const TRAINING_STATUSES = ['Pending', 'Queued', 'Scheduled', 'Running', 'Succeeded', 'Failed', 'Cancelled'] as const;
export type TrainingStatus = (typeof TRAINING_STATUSES)[number];

export type TrainingAction = 'admit' | 'bind' | 'unbind' | 'start' | 'succeed' | 'fail' | 'cancel';

export const TERMINAL: ReadonlySet<TrainingStatus> = new Set(['Succeeded', 'Failed', 'Cancelled']);

export interface TransitionInput {
  status: TrainingStatus;
  attempt: number;
  maxRetries: number;
}

export type TransitionResult =
  | { ok: true; to: TrainingStatus; attempt: number; reason: string }
  | { ok: false; error: string };

const MOVES: Record<Exclude<TrainingAction, 'fail' | 'cancel'>, { from: TrainingStatus[]; to: TrainingStatus; reason: string }> = {
  admit: { from: ['Pending'], to: 'Queued', reason: 'Admitted' },
  bind: { from: ['Queued'], to: 'Scheduled', reason: 'Bound' },
  unbind: { from: ['Scheduled'], to: 'Queued', reason: 'Unbound' },
  start: { from: ['Scheduled'], to: 'Running', reason: 'Started' },
  succeed: { from: ['Running'], to: 'Succeeded', reason: 'Completed' },
};

export function transition(current: TransitionInput, action: TrainingAction): TransitionResult {
  const { status, attempt, maxRetries } = current;
  if (TERMINAL.has(status)) {
    return { ok: false, error: `job is ${status}, a terminal state; '${action}' is not allowed` };
  }
  if (action === 'cancel') return { ok: true, to: 'Cancelled', attempt, reason: 'Cancelled' };
  if (action === 'fail') {
    if (status !== 'Scheduled' && status !== 'Running') {
      return { ok: false, error: `a ${status} job cannot fail; only Scheduled or Running ones can` };
    }
    if (attempt < maxRetries) {
      return { ok: true, to: 'Queued', attempt: attempt + 1, reason: `Retry ${attempt + 1} of ${maxRetries}` };
    }
    return { ok: true, to: 'Failed', attempt, reason: maxRetries > 0 ? 'RetriesExhausted' : 'Failed' };
  }
  const move = MOVES[action];
  if (!move.from.includes(status)) {
    return { ok: false, error: `'${action}' needs a job in ${move.from.join(' or ')}; this one is ${status}` };
  }
  return { ok: true, to: move.to, attempt, reason: move.reason };
}

export function isTerminal(status: TrainingStatus): boolean {
  return TERMINAL.has(status);
}
