import { describe, expect, it } from 'vitest';
import { autoscalingPatchSchema, autoscalingProblem, autoscalingSchema, decideScale, startingReplicas, type Autoscaling, type ScaleInput } from './autoscaling.js';

const spec = (over: Partial<Autoscaling> = {}): Autoscaling => ({ minReplicas: 0, maxReplicas: 5, targetInFlight: 2, scaleDownDelaySeconds: 10, ...over });
const input = (over: Partial<ScaleInput> = {}): ScaleInput => ({ spec: spec(), current: 1, concurrency: 0, now: 100_000, history: [], since: 0, revisionComplete: true, ...over });

describe('decideScale', () => {
  const rows: [string, Partial<ScaleInput>, number][] = [
    ['0 → 1 on the first request, at once', { current: 0, concurrency: 0.2, since: 99_000 }, 1],
    ['up to ceil(concurrency / target)', { current: 1, concurrency: 7 }, 4],
    ['up is clamped to maxReplicas', { current: 1, concurrency: 100 }, 5],
    ['no demand, window watched, min 0: to zero', { current: 3, concurrency: 0 }, 0],
    ['no demand but min 2: to 2', { spec: spec({ minReplicas: 2 }), current: 3, concurrency: 0 }, 2],
    ['down waits until this controller watched a whole window', { current: 3, concurrency: 0, since: 95_000 }, 3],
    ['down goes to the peak of the window', { current: 4, concurrency: 0, history: [{ at: 95_000, want: 2 }] }, 2],
    ['samples older than the window do not hold it up', { current: 4, concurrency: 0, history: [{ at: 80_000, want: 4 }] }, 0],
    ['a peak at the current count holds', { current: 2, concurrency: 1, history: [{ at: 99_000, want: 2 }] }, 2],
    ['never down while the revision rolls out', { current: 2, concurrency: 0, revisionComplete: false }, 2],
    ['up even while the revision rolls out', { current: 1, concurrency: 6, revisionComplete: false }, 3],
    ['demand unknown: unchanged', { current: 3, concurrency: undefined }, 3],
    ['demand unknown still clamps to min', { spec: spec({ minReplicas: 2 }), current: 0, concurrency: undefined }, 2],
    ['demand unknown at zero: one replica (fails open)', { current: 0, concurrency: undefined }, 1],
    ['max lowered below current: to max at once', { spec: spec({ maxReplicas: 2 }), current: 4, concurrency: 8 }, 2],
    ['delay 0: down in the same pass', { spec: spec({ scaleDownDelaySeconds: 0 }), current: 3, concurrency: 1, since: 100_000 }, 1],
  ];
  it.each(rows)('%s', (_name, over, replicas) => {
    expect(decideScale(input(over)).replicas).toBe(replicas);
  });

  it('says why, with the observed concurrency and the target, only when the count changes', () => {
    expect(decideScale(input({ current: 1, concurrency: 7 })).why).toBe('observed concurrency 7, target 2 per replica');
    expect(decideScale(input({ current: 3, concurrency: 0 })).why).toBe('observed concurrency 0, target 2 per replica; no requests for 10 s');
    expect(decideScale(input({ current: 1, concurrency: 1 })).why).toBeUndefined();
  });

  it('keeps only the window in the history and never mutates its input', () => {
    const history = Object.freeze([{ at: 80_000, want: 3 }, { at: 95_000, want: 1 }]);
    const out = decideScale(input({ current: 1, concurrency: 1, history }));
    expect(out.history).toEqual([{ at: 95_000, want: 1 }, { at: 100_000, want: 1 }]);
    expect(history).toHaveLength(2);
  });
});

describe('startingReplicas and the spec', () => {
  it.each([
    [spec(), 0, 1],
    [spec(), 3, 3],
    [spec({ minReplicas: 2 }), 1, 2],
    [spec({ maxReplicas: 2 }), 4, 2],
  ])('%o from %i starts %i', (s, current, expected) => expect(startingReplicas(s, current)).toBe(expected));

  it('names minReplicas when it exceeds maxReplicas', () => {
    expect(autoscalingProblem(spec({ minReplicas: 3, maxReplicas: 2 }))?.field).toBe('autoscaling.minReplicas');
    expect(autoscalingProblem(spec())).toBeUndefined();
  });

  it('fills defaults and refuses unknown fields', () => {
    expect(autoscalingSchema.parse({})).toEqual({ minReplicas: 1, maxReplicas: 4, targetInFlight: 8, scaleDownDelaySeconds: 60 });
    expect(autoscalingSchema.safeParse({ minReplicas: 0, target: 3 }).success).toBe(false);
    expect(autoscalingSchema.safeParse({ minReplicas: -1 }).success).toBe(false);
  });
});

describe('autoscalingPatchSchema', () => {
  it('leaves out what the PATCH did not name (no defaults)', () => {
    expect(autoscalingPatchSchema.parse({ maxReplicas: 8 })).toEqual({ maxReplicas: 8 });
    expect(autoscalingPatchSchema.parse(null)).toBeNull();
  });
});
