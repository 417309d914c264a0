import { z } from 'zod';
import type { FieldProblem } from '../../common/errors/app-error.js';
import { AppError } from '../../common/errors/app-error.js';
import { parseMemoryMiB } from '../../training/quantity.js';
import type { EndpointTemplate } from '../../cluster/serving-driver.js';
import { estimateModelBytes } from '../runtime/memory-plan.js';

/**
 * Multi-model endpoints: `models: [{model, version}, ...]` instead of `model` + `version`,
 * served from one replica pool whose replicas load each model on its first request and
 * unload the least recently used ones to stay within `memoryBudget` (the runtime's
 * --models and --memory-budget, src/serving/runtime/model-repository.ts).
 */
/**
 * A pod gets the list in one env variable, and Linux refuses an env string over 128 KiB at
 * exec: 200 entries of the longest names (128 characters, twice: name and registry URL)
 * stay near 75 KiB.
 */
export const MAX_MODELS = 200;
/** What a replica needs besides its models (Node, onnxruntime, buffers): the default budget leaves it out of resources.memory. */
export const RUNTIME_RESERVE_MIB = 256;

const pinnedVersion = z.union([z.number().int().min(1), z.string().regex(/^\d+$/, 'must be a version number such as 3 (a multi-model endpoint pins each version; aliases are not followed)')]);

export const modelSetItemSchema = z.strictObject({ model: z.string().min(1).max(128), version: pinnedVersion });

export const modelListSchema = z
  .array(modelSetItemSchema)
  .min(1, 'give at least one model')
  .max(MAX_MODELS, `at most ${MAX_MODELS} models`)
  .superRefine((items, ctx) => {
    const first = new Map<string, number>();
    items.forEach((item, i) => {
      const seen = first.get(item.model);
      // One version per model: a V2 route without /versions/{v} must mean one model.
      if (seen !== undefined) ctx.addIssue({ code: 'custom', path: [i, 'model'], message: `model '${item.model}' is listed twice (also models.${seen}); one replica pool serves one version of each model` });
      else first.set(item.model, i);
    });
  });

export const memoryBudgetSchema = z.string().refine((v) => parseMemoryMiB(v) !== undefined, "must be a memory quantity such as '1Gi' or '512Mi'");

/** For createEndpointSchema's superRefine: one model (model + version) or many (models), and memoryBudget only with models. */
export function modelChoiceIssues(body: { model?: unknown; version?: unknown; models?: unknown; memoryBudget?: unknown }): Array<{ path: string[]; message: string }> {
  if (body.models !== undefined) {
    return (['model', 'version'] as const).filter((k) => body[k] !== undefined).map((k) => ({ path: [k], message: 'give either model and version, or models (a multi-model endpoint), not both' }));
  }
  const issues: Array<{ path: string[]; message: string }> = (['model', 'version'] as const).filter((k) => body[k] === undefined).map((k) => ({ path: [k], message: 'required (or give models for a multi-model endpoint)' }));
  if (body.memoryBudget !== undefined) issues.push({ path: ['memoryBudget'], message: 'only for a multi-model endpoint (models)' });
  return issues;
}

/** What a revision stores for a multi-model endpoint (its `model` is the first of them). */
export interface ModelSetTemplate {
  models: Array<{ name: string; version: number; versionId: string; sha256: string; modelId: string; bytes: number }>;
  memoryBudget: { given: string | null; bytes: number };
}

/** One resolved version: EndpointsService.resolveVersion's answer, with the artifact's size. */
export interface ResolvedVersion {
  model: { name: string; version: number; versionId: string; sha256: string; modelId: string };
  artifactBytes: number;
}

/**
 * Resolves `models` and checks them against the budget:
 *   1. each version through `resolve` (400 for an unknown model or version, renamed to models.i.model / .version);
 *   2. the budget: as given, or resources.memory less RUNTIME_RESERVE_MIB; a given one may not eat into that reserve;
 *   3. each model's estimate (memory-plan.ts, as the runtime computes it) must fit the budget alone.
 * Every problem is collected, so one answer names every field that is wrong.
 */
export async function resolveModelSet(
  items: Array<z.output<typeof modelSetItemSchema>>,
  given: string | undefined,
  memory: string | number,
  resolve: (model: string, version: number) => Promise<ResolvedVersion>,
): Promise<ModelSetTemplate> {
  const problems: FieldProblem[] = [];
  // 1.
  const resolved: Array<ResolvedVersion | undefined> = [];
  for (const [i, item] of items.entries()) {
    try {
      resolved.push(await resolve(item.model, Number(item.version)));
    } catch (error) {
      if (!(error instanceof AppError) || !error.errors?.length) throw error;
      for (const p of error.errors) problems.push({ field: `models.${i}.${p.field}`, message: p.message });
      resolved.push(undefined);
    }
  }
  // 2.
  const memoryMiB = typeof memory === 'string' ? (parseMemoryMiB(memory) ?? 0) : 0;
  const room = memoryMiB - RUNTIME_RESERVE_MIB;
  const budgetMiB = given !== undefined ? parseMemoryMiB(given)! : room;
  if (budgetMiB > room || budgetMiB < 1) {
    const field = given !== undefined ? 'memoryBudget' : 'resources.memory';
    problems.push({ field, message: `the memory budget (${given ?? `${budgetMiB} MiB by default`}) must leave ${RUNTIME_RESERVE_MIB} MiB of resources.memory (${memory}) for the runtime itself: at most ${Math.max(room, 0)} MiB` });
  }
  const bytes = budgetMiB * 2 ** 20;
  // 3.
  resolved.forEach((r, i) => {
    if (!r) return;
    const need = estimateModelBytes(r.artifactBytes);
    if (need > bytes && budgetMiB >= 1) {
      problems.push({ field: `models.${i}`, message: `version ${r.model.version} of '${r.model.name}' needs about ${mib(need)} MiB loaded (its artifact is ${mib(r.artifactBytes)} MiB), more than the memory budget of ${budgetMiB} MiB` });
    }
  });
  if (problems.length > 0) throw AppError.validation(problems);
  return {
    models: resolved.map((r) => ({ ...r!.model, bytes: estimateModelBytes(r!.artifactBytes) })),
    memoryBudget: { given: given ?? null, bytes },
  };
}

/** The template's `model` (and the endpoint's) for a model set: its first model, pinned. */
export function primaryOf(set: ModelSetTemplate) {
  const { bytes: _b, ...model } = set.models[0];
  return { model, version: model.version, alias: null };
}

/** A one-line summary for revision messages. */
export function describeModelSet(set: ModelSetTemplate): string {
  const shown = set.models.slice(0, 5).map((m) => `${m.name} v${m.version}`).join(', ');
  return `${set.models.length} model(s) (${shown}${set.models.length > 5 ? ', …' : ''}) within a ${set.memoryBudget.given ?? `${set.memoryBudget.bytes / 2 ** 20}Mi`} memory budget`;
}

/**
 * A PATCH on a multi-model endpoint: `models` and `memoryBudget` (and `resources.memory`,
 * which bounds the budget) make a new model set; `version` is refused, as `models` and
 * `memoryBudget` are on a single-model endpoint. Returns the new set, or undefined when
 * the template keeps its own.
 */
export async function patchModelSet(
  current: { modelSet?: ModelSetTemplate; resources: { memory: string | number } },
  body: { version?: unknown; models?: Array<z.output<typeof modelSetItemSchema>>; memoryBudget?: string; resources?: { memory: string | number } },
  resolve: (model: string, version: number) => Promise<ResolvedVersion>,
): Promise<ModelSetTemplate | undefined> {
  const set = current.modelSet;
  if (!set) {
    const wrong = (['models', 'memoryBudget'] as const).filter((k) => body[k] !== undefined);
    if (wrong.length > 0) throw AppError.validation(wrong.map((field) => ({ field, message: 'only for a multi-model endpoint; this one serves one model (change version)' })));
    return undefined;
  }
  if (body.version !== undefined) throw AppError.validation([{ field: 'version', message: 'this endpoint serves a list of models: change models' }]);
  if (body.models === undefined && body.memoryBudget === undefined && body.resources === undefined) return undefined;
  const items = body.models ?? set.models.map((m) => ({ model: m.name, version: m.version }));
  return resolveModelSet(items, body.memoryBudget ?? set.memoryBudget.given ?? undefined, body.resources?.memory ?? current.resources.memory, resolve);
}

/** The endpoint's `models` and `memoryBudget` as the API shows them. */
export function modelSetView(set: ModelSetTemplate | undefined) {
  if (!set) return {};
  return { models: set.models.map((m) => ({ model: m.name, version: m.version })), memoryBudget: set.memoryBudget.given ?? `${set.memoryBudget.bytes / 2 ** 20}Mi` };
}

const mib = (bytes: number) => (bytes / 2 ** 20).toFixed(1);

/**
 * The driver's modelSet for a revision's: registry URLs for pods (they download as a
 * single-model replica does), and for local replicas also the files EndpointModelFiles
 * copied out of the artifact store.
 */
export async function driverModelSet(
  set: ModelSetTemplate,
  versionUrl: (name: string, version: number) => string,
  files?: { modelPath(sha256: string): Promise<string>; variablesPath(versionId: string): Promise<string | undefined> },
): Promise<NonNullable<EndpointTemplate['modelSet']>> {
  const models = [];
  for (const m of set.models) {
    const local = files ? { path: await files.modelPath(m.sha256), variablesPath: await files.variablesPath(m.versionId) } : {};
    models.push({ name: m.name, version: m.version, sha256: m.sha256, url: versionUrl(m.name, m.version), ...local });
  }
  return { models, memoryBudgetBytes: set.memoryBudget.bytes };
}
