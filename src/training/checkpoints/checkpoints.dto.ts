import { z } from 'zod';
import { CHECKPOINT_NAME } from './checkpoint-names.js';

/** What a job (the SDK's `checkpoint.save`) reports after renaming a checkpoint into place. */
export const recordCheckpointSchema = z.strictObject({
  step: z.number().int().min(0).max(999_999_999),
  /** Defaults to `step-<step>`; anything else is not a complete checkpoint by the contract. */
  name: z.string().regex(CHECKPOINT_NAME, "must be 'step-<n>', the name the checkpoint was renamed to").optional(),
  sizeBytes: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
  /** The attempt that wrote it (BEAMLINE_ATTEMPT); defaults to the job's current one. */
  attempt: z.number().int().min(0).optional(),
});
export type RecordCheckpoint = z.output<typeof recordCheckpointSchema>;
