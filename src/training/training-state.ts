/**
 * The training-job state machine, pure. Every status change in the system goes
 * through `transition()`; the repository writes the new status and its event row in
 * one transaction, guarded by the status it read (compare-and-set).
 *
 *   Pending ──admit──► Queued ──bind──► Scheduled ──start──► Running ──succeed──► Succeeded
 *      │                 ▲  ▲              │                   │ └────fail──► Failed (no retries left)
 *      │                 │  └──unbind──────┘                   │
 *      │                 ├────────retry (attempts left)────────┤  (fail from Scheduled or Running)
 *      │                 └────────requeue (node lost)──────────┘  (always; not counted against maxRetries)
 *      │                 └──reject (no node can ever run it, past the timeout)──► Failed
 *      └── cancel from any non-terminal state ──► Cancelled
 *   Failed, Cancelled ──resume (by hand)──► Queued   (a new attempt; no retry used)
 *
 * Every retry and requeue is a new attempt (a new workload). Retries used are
 * `attempt - requeues`: losing a node is not the job's fault, so it costs no retry.
 */
export const TRAINING_STATUSES = ['Pending', 'Queued', 'Scheduled', 'Running', 'Succeeded', 'Failed', 'Cancelled'] as const;
export type TrainingStatus = (typeof TRAINING_STATUSES)[number];

export type TrainingAction = 'admit' | 'bind' | 'unbind' | 'start' | 'succeed' | 'fail' | 'requeue' | 'cancel' | 'resume' | 'reject';

export const TERMINAL: ReadonlySet<TrainingStatus> = new Set(['Succeeded', 'Failed', 'Cancelled']);

export interface TransitionInput {
  status: TrainingStatus;
  attempt: number;
  maxRetries: number;
  /** Attempts started over after a node loss (default 0). */
  requeues?: number;
}

/**
 * `reason` is the event's and the job's CamelCase reason. A caller that knows why a job
 * fails or is requeued passes it as `cause`: it becomes the reason, and `note` says what
 * the state machine made of it ("retry 1 of 2"), for the event's message.
 */
export type TransitionResult =
  | { ok: true; to: TrainingStatus; attempt: number; reason: string; note?: string }
  | { ok: false; error: string };

const MOVES: Record<Exclude<TrainingAction, 'fail' | 'requeue' | 'cancel' | 'resume'>, { from: TrainingStatus[]; to: TrainingStatus; reason: string }> = {
  admit: { from: ['Pending'], to: 'Queued', reason: 'Admitted' },
  bind: { from: ['Queued'], to: 'Scheduled', reason: 'Bound' },
  unbind: { from: ['Scheduled'], to: 'Queued', reason: 'Unbound' },
  start: { from: ['Scheduled'], to: 'Running', reason: 'Started' },
  succeed: { from: ['Running'], to: 'Succeeded', reason: 'Completed' },
  // A Queued job no node of this cluster can ever run, once BEAMLINE_UNSCHEDULABLE_TIMEOUT_SECONDS pass.
  reject: { from: ['Queued'], to: 'Failed', reason: 'Unschedulable' },
};

export function transition(current: TransitionInput, action: TrainingAction, cause?: string): TransitionResult {
  const { status, attempt, maxRetries } = current;
  // The one way out of a terminal state: a person asks for it; the attempt starts from its checkpoint.
  if (action === 'resume') {
    if (status === 'Failed' || status === 'Cancelled') return { ok: true, to: 'Queued', attempt: attempt + 1, reason: 'Resumed', note: 'resumed by hand, no retry used' };
    return { ok: false, error: `only a Failed or Cancelled job can be resumed; this one is ${status}` };
  }
  if (TERMINAL.has(status)) {
    return { ok: false, error: `job is ${status}, a terminal state; '${action}' is not allowed` };
  }
  if (action === 'cancel') return { ok: true, to: 'Cancelled', attempt, reason: 'Cancelled' };
  if (action === 'fail' || action === 'requeue') {
    if (status !== 'Scheduled' && status !== 'Running') {
      return { ok: false, error: `a ${status} job cannot ${action}; only Scheduled or Running ones can` };
    }
    if (action === 'requeue') return { ok: true, to: 'Queued', attempt: attempt + 1, reason: cause ?? 'Requeued', note: 'requeued, no retry used' };
    const used = attempt - (current.requeues ?? 0);
    if (used < maxRetries) {
      const note = `retry ${used + 1} of ${maxRetries}`;
      return { ok: true, to: 'Queued', attempt: attempt + 1, reason: cause ?? `Retry ${used + 1} of ${maxRetries}`, ...(cause ? { note } : {}) };
    }
    const exhausted = maxRetries > 0 ? 'RetriesExhausted' : 'Failed';
    return { ok: true, to: 'Failed', attempt, reason: cause ?? exhausted, ...(cause ? { note: maxRetries > 0 ? 'retries exhausted' : 'no retries' } : {}) };
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
