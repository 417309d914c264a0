import { z } from 'zod';

const HOUR_MS = 3_600_000;

/** The most points one answer may have: a chart's width, and a bound on the query's work. */
export const MAX_POINTS = 500;
/** Round steps (seconds) the default picks from: the smallest that gives at most DEFAULT_POINTS. */
const NICE_STEPS = [60, 300, 600, 900, 1800, 3600, 7200, 21_600, 43_200, 86_400];
const DEFAULT_POINTS = 200;

/** The default step for a span: a round one giving at most DEFAULT_POINTS points, else span / MAX_POINTS. */
export function defaultStepSeconds(spanMs: number): number {
  return NICE_STEPS.find((s) => spanMs / (s * 1000) <= DEFAULT_POINTS) ?? Math.ceil(spanMs / 1000 / MAX_POINTS);
}

const instant = z.iso.datetime({ offset: true }).transform((s) => new Date(s));

/**
 * GET /v1/cluster/allocation: `from`/`to` are RFC 3339 instants (default: the 24 hours up to
 * now), `step` whole seconds per point (default: a round step giving at most 200 points).
 * The range may hold at most MAX_POINTS steps.
 */
export const allocationQuerySchema = z
  .strictObject({
    from: instant.optional(),
    to: instant.optional(),
    step: z
      .string()
      .regex(/^[1-9][0-9]{0,6}$/, 'whole seconds, 1 to 9999999')
      .transform(Number)
      .optional(),
  })
  .transform((q, ctx) => {
    const to = q.to ?? new Date();
    const from = q.from ?? new Date(to.getTime() - 24 * HOUR_MS);
    const span = to.getTime() - from.getTime();
    if (span <= 0) {
      ctx.addIssue({ code: 'custom', path: ['from'], message: 'must be before to' });
      return z.NEVER;
    }
    const stepSeconds = q.step ?? defaultStepSeconds(span);
    const points = Math.ceil(span / (stepSeconds * 1000));
    if (points > MAX_POINTS) {
      ctx.addIssue({ code: 'custom', path: ['step'], message: `gives ${points} points from from to to; at most ${MAX_POINTS}: use a step of at least ${Math.ceil(span / 1000 / MAX_POINTS)} seconds` });
      return z.NEVER;
    }
    return { from, to, stepSeconds };
  });
export type AllocationQuery = z.output<typeof allocationQuerySchema>;
