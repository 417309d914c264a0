/**
 * An estimated start for a Queued GPU job, pure. Capacity only, on purpose: the devices of
 * the products it accepts, minus those held now, plus those the running attempts give back
 * when they are expected to end. Expected end: the observed median runtime of recent
 * successful jobs of the same project queue, capped by the attempt's timeout; the timeout
 * alone when nothing was observed; unknown otherwise (such an attempt frees nothing here).
 * The job needs its own GPUs plus those of the Queued jobs ahead of it in its cluster queue.
 * Quota, fragmentation and later arrivals of higher priority are not modelled, so this is a
 * rough answer to "when, roughly?", said as such in docs/queues.md.
 */

export interface HeldDevices {
  gpus: number;
  /** The products its workers hold (placement); empty when unknown. */
  products: readonly string[];
  /** When its current attempt started holding (bind), epoch ms. */
  since: number;
  timeoutSeconds: number | null;
  /** Median observed runtime of its project queue's recent successes, seconds; null if none. */
  observedSeconds: number | null;
}

export interface EtaInput {
  now: number;
  /** GPUs this job needs (all workers) plus those of the Queued jobs ahead of it. */
  needed: number;
  /** The products it accepts; empty means any. */
  products: readonly string[];
  /** Devices per product in the cluster (the controller's published offers). */
  capacity: Readonly<Record<string, number>>;
  held: readonly HeldDevices[];
}

/** Epoch ms of the expected end of a held attempt, or null when nothing says. */
export function expectedEnd(h: HeldDevices, now: number): number | null {
  const byTimeout = h.timeoutSeconds === null ? null : h.since + h.timeoutSeconds * 1000;
  const byObserved = h.observedSeconds === null ? null : h.since + h.observedSeconds * 1000;
  const end = byObserved === null ? byTimeout : byTimeout === null ? byObserved : Math.min(byObserved, byTimeout);
  // Overdue by the estimate: it may end any moment.
  return end === null ? null : Math.max(end, now);
}

/** Epoch ms when enough devices are expected to be free, `now` when they are already, null when unknown. */
export function estimateStart(input: EtaInput): number | null {
  const accepts = (p: string) => input.products.length === 0 || input.products.includes(p);
  const capacity = Object.entries(input.capacity).filter(([p]) => accepts(p)).reduce((s, [, n]) => s + n, 0);
  if (capacity < input.needed || input.needed <= 0) return null;
  const relevant = input.held.filter((h) => h.products.length === 0 || h.products.some(accepts));
  let free = capacity - relevant.reduce((s, h) => s + h.gpus, 0);
  if (free >= input.needed) return input.now;
  const ends = relevant
    .map((h) => ({ gpus: h.gpus, end: expectedEnd(h, input.now) }))
    .filter((e): e is { gpus: number; end: number } => e.end !== null)
    .sort((a, b) => a.end - b.end);
  for (const e of ends) {
    free += e.gpus;
    if (free >= input.needed) return e.end;
  }
  return null;
}
