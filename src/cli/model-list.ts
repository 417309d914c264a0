import type { EndpointModel } from '../../sdk/ts/src/index.js';
import { UsageError } from './output.js';

/**
 * The flags of a multi-model endpoint (docs/endpoints.md, "Many models per replica"):
 * `--models lens-a:3,lens-b:1`, `model:version` entries separated by commas (the form
 * `endpoints status` prints, like `--quota`'s `resource:flavor=amount` lines), and
 * `--memory-budget 512Mi`. The platform checks that the models and versions exist and fit
 * the budget, and names the entry (`models.1.version`); this refuses only what is not in
 * that form, before any request, so a typo names the flag instead.
 */
const ENTRY = /^([^:\s]+):(\S*)$/;
/** A Kubernetes memory quantity: a number with an optional binary or decimal unit. */
const MEMORY = /^\d+(\.\d+)?(Ki|Mi|Gi|Ti|Pi|Ei|k|K|M|G|T|P|E)?$/;

export function modelsOf(value: string, flag = '--models'): EndpointModel[] {
  const parts = value.split(',').map((s) => s.trim()).filter(Boolean);
  if (parts.length === 0) throw new UsageError(`${flag} needs at least one model:version, e.g. ${flag} lens-a:3,lens-b:1`);
  const seen = new Set<string>();
  return parts.map((part) => {
    const match = ENTRY.exec(part);
    if (!match) throw new UsageError(`${flag} takes model:version entries separated by commas (lens-a:3,lens-b:1), got '${part}'`);
    const [, model, version] = match;
    // A list pins versions: the server refuses an alias there too, but the flag says why sooner.
    if (version.startsWith('@')) throw new UsageError(`${flag} ${part}: a multi-model endpoint pins each version; give a number, not an alias`);
    if (!/^[1-9]\d*$/.test(version)) throw new UsageError(`${flag} ${part}: the version must be a number ≥ 1`);
    if (seen.has(model)) throw new UsageError(`${flag} lists ${model} twice; one replica pool serves one version of each model`);
    seen.add(model);
    return { model, version: Number(version) };
  });
}

export function memoryBudgetOf(value: string, flag = '--memory-budget'): string {
  if (!MEMORY.test(value.trim())) throw new UsageError(`${flag} must be a memory quantity such as 512Mi or 1Gi, got '${value}'`);
  return value.trim();
}

/** `lens-a:3, lens-b:1`: a list the way --models takes it; past `max` entries, how many more. */
export function modelsText(models: readonly EndpointModel[], max = Infinity): string {
  const shown = models.slice(0, max).map((m) => `${m.model}:${m.version}`).join(', ');
  return models.length > max ? `${shown} (+${models.length - max} more)` : shown;
}
