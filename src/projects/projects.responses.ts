import { z } from 'zod';
import { isoTime, itemsOf } from '../common/openapi/common.responses.js';

/**
 * The answers of /v1/projects. Not checked against a view at compile time: the service
 * returns the repository's rows, typed as ProjectRef ({ id, name }) though they carry
 * description and createdAt too; the integration test parses the real answers. Token
 * answers live in src/access.
 */
export const projectSchema = z.strictObject({ id: z.uuid(), name: z.string(), description: z.string(), createdAt: isoTime });
export const projectListSchema = itemsOf(projectSchema);
