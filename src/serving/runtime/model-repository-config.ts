import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { parseMemoryMiB } from '../../training/quantity.js';

/**
 * The runtime's multi-model settings (`--models`, `--memory-budget`), parsed by
 * runtime.config.ts like every other flag. `--models` is a JSON list, or `@path` to a file
 * holding one (a long list on a command line is hard to read and quote):
 *   [{"name": "surrogate-a", "version": "3", "model": "<registry version URL | path.onnx>", "variables": "<path>"}]
 */
const label = z.string().regex(/^[A-Za-z0-9][-_.A-Za-z0-9]*$/, 'letters, digits, - _ .');
const itemSchema = z.strictObject({
  name: label,
  version: label,
  model: z.string().min(1, 'give a registry URL or a local .onnx path'),
  /** A LUME variables JSON file (local replicas; a registry version brings its own). */
  variables: z.string().min(1).optional(),
});
export type RepositoryModelSource = z.output<typeof itemSchema>;

export const repositoryModelsSchema = z
  .string()
  .transform((text, ctx) => {
    try {
      return JSON.parse(text.startsWith('@') ? readFileSync(text.slice(1), 'utf8') : text) as unknown;
    } catch (error) {
      ctx.addIssue({ code: 'custom', message: `not a JSON list (or @file holding one): ${(error as Error).message}` });
      return z.NEVER;
    }
  })
  .pipe(
    z
      .array(itemSchema)
      .min(1, 'give at least one model')
      .superRefine((items, ctx) => {
        const seen = new Set<string>();
        items.forEach((item, i) => {
          // One version per name: a V2 route without a version must name one model.
          if (seen.has(item.name)) ctx.addIssue({ code: 'custom', path: [i, 'name'], message: `model '${item.name}' is listed twice` });
          seen.add(item.name);
        });
      }),
  );

/** A memory quantity ('1Gi', '512Mi') as bytes. */
export const memoryBudgetSchema = z.string().transform((v, ctx) => {
  const mib = parseMemoryMiB(v);
  if (mib === undefined) {
    ctx.addIssue({ code: 'custom', message: "must be a memory quantity such as '1Gi' or '512Mi'" });
    return z.NEVER;
  }
  return Math.floor(mib * 2 ** 20);
});

/** One model or many: the flags that must go together, as a problem line, or undefined when fine. */
export function modelChoiceProblem(c: { model?: string; models?: unknown[]; memoryBudget?: number }): string | undefined {
  if (c.model && c.models) return '--model and --models: give one of them (one model, or a list served within --memory-budget)';
  if (!c.model && !c.models) return '--model (BEAMLINE_RUNTIME_MODEL): give a registry URL or a local .onnx path (or --models for many)';
  if (c.models && c.memoryBudget === undefined) return '--memory-budget (BEAMLINE_RUNTIME_MEMORY_BUDGET): a multi-model replica needs one, such as 1Gi';
  if (c.model && c.memoryBudget !== undefined) return '--memory-budget: only with --models';
  return undefined;
}
