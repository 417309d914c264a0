import { z } from 'zod';

/**
 * Autoscaling on observed concurrency, the idea of Knative's KPA kept small (docs/endpoints.md,
 * "Autoscaling"). Pure: the controller (endpoint.autoscaler.ts) feeds it what the API
 * instances published and applies what it returns.
 *
 *   want = clamp(ceil(concurrency / targetInFlight), minReplicas, maxReplicas)
 *
 *   - up at once: want > current scales to want in this pass (0 → 1 included);
 *   - down only after scaleDownDelaySeconds: to the largest `want` seen in that window
 *     (Knative's stable window), and only once the window is covered by samples this
 *     controller took itself, so a restarted controller scales down later, never sooner;
 *   - never down while the desired revision is still rolling out (a new revision is proven
 *     on at least one replica before it may go to zero);
 *   - demand unknown (Redis unreachable): no change except the clamp to [min, max], and an
 *     endpoint at zero goes to one: a held request could not say so, and "stuck at zero
 *     with demand" is worse than one idle replica (fails open).
 */
const fields = {
  minReplicas: z.number().int().min(0).max(64),
  maxReplicas: z.number().int().min(1).max(64),
  /** Concurrent requests one replica should hold (Knative's target concurrency). */
  targetInFlight: z.number().int().min(1).max(10_000),
  scaleDownDelaySeconds: z.number().int().min(0).max(3600),
};
export const autoscalingSchema = z.strictObject({
  minReplicas: fields.minReplicas.default(1),
  maxReplicas: fields.maxReplicas.default(4),
  targetInFlight: fields.targetInFlight.default(8),
  scaleDownDelaySeconds: fields.scaleDownDelaySeconds.default(60),
});
export type Autoscaling = z.output<typeof autoscalingSchema>;

/**
 * `null` in a PATCH turns autoscaling off (fixed `replicas` again); fields left out keep
 * their value. No defaults here: zod 4 fills a default even inside `.partial()`, which
 * would reset the fields a PATCH did not name.
 */
export const autoscalingPatchSchema = z.strictObject(fields).partial().nullable();

/** The field to name when min > max, or undefined when the spec is consistent. */
export function autoscalingProblem(spec: Autoscaling): { field: string; message: string } | undefined {
  if (spec.minReplicas > spec.maxReplicas) {
    return { field: 'autoscaling.minReplicas', message: `must not exceed maxReplicas (${spec.maxReplicas}); got ${spec.minReplicas}` };
  }
  return undefined;
}

/**
 * The replica count a new revision starts with: the current count, at least 1 (a revision
 * is proven on a replica before it may scale to zero), within [min, max].
 */
export function startingReplicas(spec: Autoscaling, current: number): number {
  return clamp(Math.max(1, current), Math.max(1, spec.minReplicas), spec.maxReplicas);
}

export interface Sample {
  at: number;
  want: number;
}

export interface ScaleInput {
  spec: Autoscaling;
  current: number;
  /** Concurrent requests summed over the API instances; undefined when unknown. */
  concurrency: number | undefined;
  now: number;
  /** This controller's samples of `want`, oldest first. */
  history: readonly Sample[];
  /** When this controller started sampling this endpoint. */
  since: number;
  /** The desired revision has rolled out completely. */
  revisionComplete: boolean;
}

export interface ScaleDecision {
  replicas: number;
  /** The samples to keep for the next pass (only the window). */
  history: Sample[];
  /** Set when `replicas` differs from `current`: a sentence for the endpoint's event log. */
  why?: string;
}

export function decideScale(input: ScaleInput): ScaleDecision {
  const { spec, current, concurrency, now } = input;
  const windowMs = spec.scaleDownDelaySeconds * 1000;
  // 1. The spec's bounds win over everything (a PATCH narrowed them).
  if (current < spec.minReplicas) return { replicas: spec.minReplicas, history: [], why: `below minReplicas ${spec.minReplicas}` };
  if (current > spec.maxReplicas) return { replicas: spec.maxReplicas, history: [], why: `above maxReplicas ${spec.maxReplicas}` };
  if (concurrency === undefined) {
    return current === 0 ? { replicas: 1, history: [], why: 'demand unknown (the API instances\' published demand could not be read); one replica until it is' } : { replicas: current, history: [...input.history] };
  }
  // 2. What the demand asks for now; any demand at all asks for a replica.
  const want = clamp(Math.ceil(concurrency / spec.targetInFlight), spec.minReplicas, spec.maxReplicas);
  const history = [...input.history.filter((s) => now - s.at < windowMs), { at: now, want }];
  const observed = `observed concurrency ${round(concurrency)}, target ${spec.targetInFlight} per replica`;
  // 3. Up at once.
  if (want > current) return { replicas: want, history, why: `${observed}` };
  // 4. Down to the window's peak, once the whole window was watched and the revision is proven.
  if (want < current && input.revisionComplete && now - input.since >= windowMs) {
    const peak = Math.max(...history.map((s) => s.want));
    if (peak < current) {
      const idle = peak === 0 ? `no requests for ${spec.scaleDownDelaySeconds} s` : `at most ${peak} replica(s) needed for ${spec.scaleDownDelaySeconds} s`;
      return { replicas: peak, history, why: `${observed}; ${idle}` };
    }
  }
  return { replicas: current, history };
}

const clamp = (n: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, n));
const round = (n: number) => Math.round(n * 100) / 100;

/** A new revision's count from the endpoint's current one: autoscaled as above, fixed at least 1. */
export function replicasFor(spec: Autoscaling | null | undefined, current: number): number {
  return spec ? startingReplicas(spec, current) : Math.max(1, current);
}
