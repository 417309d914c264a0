/**
 * Kubernetes resource quantities, the subset users write for CPU and memory:
 * CPU "2", "0.5", "500m"; memory "512Mi", "8Gi", "1G", "1000M", or plain bytes.
 * Returns undefined for anything else so the caller can name the field.
 */
export function parseCpuMilli(value: string | number): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) && value > 0 ? Math.round(value * 1000) : undefined;
  const match = /^(\d+(?:\.\d+)?)(m?)$/.exec(value.trim());
  if (!match) return undefined;
  const milli = match[2] === 'm' ? Number(match[1]) : Number(match[1]) * 1000;
  return milli >= 1 && Number.isFinite(milli) ? Math.round(milli) : undefined;
}

const MEMORY_FACTORS: Record<string, number> = {
  '': 1,
  Ki: 1024,
  Mi: 1024 ** 2,
  Gi: 1024 ** 3,
  Ti: 1024 ** 4,
  k: 1000,
  K: 1000,
  M: 1000 ** 2,
  G: 1000 ** 3,
  T: 1000 ** 4,
};

export function parseMemoryMiB(value: string | number): number | undefined {
  if (typeof value === 'number') return undefined; // ambiguous: require a unit-bearing string
  const match = /^(\d+(?:\.\d+)?)(Ki|Mi|Gi|Ti|k|K|M|G|T)?$/.exec(value.trim());
  if (!match) return undefined;
  const bytes = Number(match[1]) * MEMORY_FACTORS[match[2] ?? ''];
  const mib = Math.ceil(bytes / 1024 ** 2);
  return mib >= 1 && Number.isFinite(mib) ? mib : undefined;
}
