import { z } from 'zod';

const name = z
  .string()
  .min(1)
  .max(63)
  .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, 'must be lowercase letters, digits and dashes (a DNS label)');

export const createProjectSchema = z.strictObject({
  name,
  description: z.string().max(2000).default(''),
});
export type CreateProject = z.output<typeof createProjectSchema>;
