import { z } from 'zod';
import { isoTime, itemsOf, type Agree, type Mismatch } from '../common/openapi/common.responses.js';
import type { ProjectsService } from './projects.service.js';

/**
 * The answers of /v1/projects. Not checked against a view at compile time: the service
 * returns the repository's rows, typed as ProjectRef ({ id, name }) though they carry
 * description and createdAt too; the integration test parses the real answers. The
 * token answer is built in the service, so that one is checked.
 */
export const projectSchema = z.strictObject({ id: z.uuid(), name: z.string(), description: z.string(), createdAt: isoTime });
export const projectListSchema = itemsOf(projectSchema);

/** A new token: the secret is in this answer only; the platform keeps its hash. */
export const createdTokenSchema = z.strictObject({
  id: z.uuid(),
  name: z.string(),
  role: z.enum(['ADMIN', 'MEMBER', 'VIEWER']),
  project: z.string(),
  token: z.string(),
});

type _Token = Agree<Mismatch<Awaited<ReturnType<ProjectsService['createToken']>>, z.input<typeof createdTokenSchema>>>;
