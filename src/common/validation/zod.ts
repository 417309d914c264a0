import type { z } from 'zod';
import { AppError, type FieldProblem } from '../errors/app-error.js';
import { unstorableText } from './storable-text.js';

/**
 * Parses with a zod schema; on failure throws a 400 AppError naming every field. Text that
 * PostgreSQL cannot store (NUL, lone surrogates) is refused here too, so every body, query,
 * header and multipart field that passes through this one function is covered.
 */
export function parseOrThrow<S extends z.ZodType>(schema: S, value: unknown, root = ''): z.output<S> {
  const unstorable = unstorableText(value, root);
  const result = schema.safeParse(value);
  if (result.success && unstorable.length === 0) return result.data;
  throw AppError.validation([...unstorable, ...(result.success ? [] : toFieldProblems(result.error, root))]);
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
