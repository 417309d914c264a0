import { z } from 'zod';
import { isoTime, itemsOf, type Agree, type Mismatch } from '../../common/openapi/common.responses.js';
import type { CheckpointsService, toCheckpointView } from './checkpoints.service.js';

/** The answers of /v1/projects/{project}/training-jobs/{id}/checkpoints. */
export const checkpointSchema = z.strictObject({
  step: z.number().int(),
  name: z.string(),
  sizeBytes: z.number().int(),
  attempt: z.number().int(),
  at: isoTime,
});
export const checkpointListSchema = itemsOf(checkpointSchema);
export const recordedCheckpointSchema = checkpointSchema.omit({ at: true });

type Answer<M extends keyof CheckpointsService> = CheckpointsService[M] extends (...args: never[]) => Promise<infer R> ? R : never;
type _One = Agree<Mismatch<ReturnType<typeof toCheckpointView>, z.input<typeof checkpointSchema>>>;
type _List = Agree<Mismatch<Answer<'list'>, z.input<typeof checkpointListSchema>>>;
type _Recorded = Agree<Mismatch<Answer<'record'>, z.input<typeof recordedCheckpointSchema>>>;
