import type { QuotaLine } from '../../sdk/ts/src/index.js';
import { UsageError } from './output.js';

/**
 * The quota flags of `beamline queue`: `resource[:flavor]=amount` entries, comma-separated,
 * in the API's resource names (`nvidia.com/gpu:NVIDIA-H100-80GB-HBM3=16,cpu=64,memory=256Gi`;
 * `gpu` is short for `nvidia.com/gpu`). The platform checks the resources and amounts and
 * names the line (`quota.1.nominal`); this only refuses what is not in that form, so a typo
 * names the flag instead of a line number.
 */
const GPU = 'nvidia.com/gpu';
const AMOUNT = /^\d+(\.\d+)?([A-Za-z]+)?$/;

type Limit = 'borrowingLimit' | 'lendingLimit';
export const LIMIT_FLAGS: Record<Limit, string> = { borrowingLimit: '--borrowing-limit', lendingLimit: '--lending-limit' };

interface Entry {
  key: string;
  resource: string;
  flavor?: string;
  amount: string | number;
}

function entries(value: string, flag: string): Entry[] {
  const parts = value.split(',').map((s) => s.trim()).filter(Boolean);
  const seen = new Set<string>();
  return parts.map((part) => {
    const eq = part.indexOf('=');
    const raw = part.slice(eq + 1).trim();
    if (eq <= 0 || raw === '') throw new UsageError(`${flag} takes resource[:flavor]=amount entries separated by commas (${GPU}:NVIDIA-H100-80GB-HBM3=16,cpu=64,memory=256Gi), got '${part}'`);
    if (!AMOUNT.test(raw)) throw new UsageError(`${flag} ${part}: the amount must be a number, 0 or more, with a unit where the resource has one (16, 0.5, 500m, 256Gi)`);
    const [name, flavor] = part.slice(0, eq).trim().split(':', 2);
    const resource = name === 'gpu' ? GPU : name;
    if (resource === GPU && !flavor) throw new UsageError(`${flag} ${part}: a GPU line names its product, as nodes label it: ${GPU}:NVIDIA-H100-80GB-HBM3=16`);
    const key = `${resource}:${flavor ?? ''}`;
    if (seen.has(key)) throw new UsageError(`${flag} lists ${flavor ? `${resource}:${flavor}` : resource} twice`);
    seen.add(key);
    // GPUs go as numbers (the API shows them so); CPU and memory as quantities, as written.
    const amount = resource === GPU && /^\d+(\.\d+)?$/.test(raw) ? Number(raw) : raw;
    return { key, resource, ...(flavor ? { flavor } : {}), amount };
  });
}

/** The quota lines of --quota, with --borrowing-limit and --lending-limit set on the lines they name. */
export function quotaOf(quota: string, limits: Partial<Record<Limit, string>>): QuotaLine[] {
  const lines = entries(quota, '--quota');
  const out: QuotaLine[] = lines.map((e) => ({ resource: e.resource, ...(e.flavor ? { flavor: e.flavor } : {}), nominal: e.amount }));
  for (const field of Object.keys(LIMIT_FLAGS) as Limit[]) {
    const value = limits[field];
    if (value === undefined) continue;
    for (const limit of entries(value, LIMIT_FLAGS[field])) {
      const i = lines.findIndex((e) => e.key === limit.key);
      if (i < 0) throw new UsageError(`${LIMIT_FLAGS[field]} names ${limit.key.replace(/:$/, '')}, which --quota does not list`);
      out[i][field] = limit.amount;
    }
  }
  return out;
}

/** Quota lines the way --quota takes them, limits in brackets: what `queue get` and `list` print. */
export function quotaText(lines: readonly QuotaLine[]): string {
  if (lines.length === 0) return 'none';
  return lines
    .map((q) => {
      const limits = [q.borrowingLimit !== undefined && `borrow ≤ ${q.borrowingLimit}`, q.lendingLimit !== undefined && `lend ≤ ${q.lendingLimit}`].filter(Boolean);
      return `${q.resource}${q.flavor ? `:${q.flavor}` : ''}=${q.nominal}${limits.length ? ` (${limits.join(', ')})` : ''}`;
    })
    .join(', ');
}
