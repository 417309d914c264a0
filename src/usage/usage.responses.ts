import { z } from 'zod';
import { isoTime } from '../common/openapi/common.responses.js';

const amounts = {
  gpuSeconds: z.number(),
  gpuHours: z.number(),
  cpuSeconds: z.number(),
};

/** The answer of GET /v1/usage: one row per group, largest GPU use first, and the totals. */
export const usageReportSchema = z.strictObject({
  from: isoTime,
  to: isoTime,
  groupBy: z.array(z.enum(['project', 'queue', 'user', 'flavor'])),
  items: z.array(
    z.strictObject({
      project: z.string().optional(),
      queue: z.string().optional(),
      user: z.string().optional(),
      flavor: z.string().optional(),
      ...amounts,
      /** Attempts (finished or still running) that used something inside the range. */
      attempts: z.number().int(),
    }),
  ),
  total: z.strictObject(amounts),
});
export type UsageReport = z.output<typeof usageReportSchema>;
