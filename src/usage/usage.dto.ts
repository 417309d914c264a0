import { z } from 'zod';

export const USAGE_KEYS = ['project', 'queue', 'user', 'flavor'] as const;
export type UsageKey = (typeof USAGE_KEYS)[number];

const DAY_MS = 86_400_000;

const instant = z.iso.datetime({ offset: true }).transform((s) => new Date(s));
const groupBy = z
  .string()
  .transform((s) => s.split(',').map((k) => k.trim()))
  .pipe(z.array(z.enum(USAGE_KEYS, { error: `each of: ${USAGE_KEYS.join(', ')}` })).min(1).max(USAGE_KEYS.length))
  .transform((keys) => [...new Set(keys)]);

/**
 * GET /v1/usage: `from`/`to` are RFC 3339 instants (default: the last 7 days up to now);
 * `groupBy` is a comma-separated subset of project, queue, user, flavor (default project);
 * `project` narrows to one project by name.
 */
export const usageQuerySchema = z
  .strictObject({
    from: instant.optional(),
    to: instant.optional(),
    groupBy: groupBy.default(['project']),
    project: z.string().min(1).max(63).optional(),
  })
  .transform((q, ctx) => {
    const to = q.to ?? new Date();
    const from = q.from ?? new Date(to.getTime() - 7 * DAY_MS);
    // Any span is fine: the answer costs what the ledger holds, not what the range covers.
    if (from.getTime() >= to.getTime()) ctx.addIssue({ code: 'custom', path: ['from'], message: 'must be before to' });
    return { ...q, from, to };
  });
export type UsageQuery = z.output<typeof usageQuerySchema>;
