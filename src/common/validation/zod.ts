import type { z } from 'zod';
import { AppError, type FieldProblem } from '../errors/app-error.js';

/** Parses with a zod schema; on failure throws a 400 AppError naming every field. */
export function parseOrThrow<S extends z.ZodType>(schema: S, value: unknown, root = ''): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  throw AppError.validation(toFieldProblems(result.error, root));
}

export function toFieldProblems(error: z.ZodError, root = ''): FieldProblem[] {
  const problems: FieldProblem[] = [];
  for (const issue of error.issues) {
    const path = [root, ...issue.path.map(String)].filter((p) => p !== '').join('.');
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) {
        problems.push({ field: path ? `${path}.${key}` : key, message: 'unknown field' });
      }
      continue;
    }
    problems.push({ field: path || '(root)', message: issue.message });
  }
  return problems;
}
