/**
 * GPU-hour accounting, pure. An attempt holds its devices from the moment it is bound
 * (Scheduled) until it leaves Scheduled/Running: that interval, times what each worker was
 * placed on, is what it used. Quota thinks in flavors (Kueue's ResourceFlavor), so usage is
 * kept per flavor too: the GPU product for whole devices and shares, `<product>:mig-<profile>`
 * for MIG slices. The unit is device-seconds of that flavor: a whole GPU counts 1 per second,
 * a 0.25 share 0.25, a MIG slice 1 slice per second (so MIG flavors are slice-seconds).
 */

/** One worker's placement as recorded at bind; `product` is written by the scheduling loop. */
export interface PlacedWorker {
  node: string;
  gpuIndexes?: number[];
  gpuMilli?: number;
  migProfile?: string;
  product?: string;
}

export interface HeldAttempt {
  cpuMilli: number;
  /** The products the job asked for: the fallback when a placement predates `product`. */
  requestedProducts?: readonly string[];
  placement: readonly PlacedWorker[];
  workers: number;
  since: Date;
  until: Date;
}

export interface FlavorUsage {
  /** '' for a CPU-only attempt. */
  flavor: string;
  gpuSeconds: number;
  cpuSeconds: number;
}

const UNKNOWN_PRODUCT = 'unknown';

/** The flavor and device units one worker holds. */
export function workerFlavor(worker: PlacedWorker, requestedProducts: readonly string[] = []): { flavor: string; units: number } {
  const product = worker.product ?? (requestedProducts.length === 1 ? requestedProducts[0] : UNKNOWN_PRODUCT);
  if (worker.migProfile) return { flavor: `${product}:mig-${worker.migProfile}`, units: 1 };
  if (worker.gpuMilli !== undefined) return { flavor: product, units: worker.gpuMilli / 1000 };
  const whole = worker.gpuIndexes?.length ?? 0;
  return whole > 0 ? { flavor: product, units: whole } : { flavor: '', units: 0 };
}

/**
 * What one attempt used, one row per flavor (CPU-seconds go with the row of the worker's
 * flavor, so a CPU-only job has one row with flavor ''). Zero or negative intervals use nothing.
 */
export function attemptUsage(held: HeldAttempt): FlavorUsage[] {
  const seconds = Math.max(0, (held.until.getTime() - held.since.getTime()) / 1000);
  if (seconds === 0) return [];
  // An attempt bound before placements were recorded per worker still used its workers' CPUs.
  const workers: PlacedWorker[] = held.placement.length > 0 ? [...held.placement] : Array.from({ length: held.workers }, () => ({ node: '' }));
  const byFlavor = new Map<string, FlavorUsage>();
  for (const worker of workers) {
    const { flavor, units } = workerFlavor(worker, held.requestedProducts);
    const row = byFlavor.get(flavor) ?? { flavor, gpuSeconds: 0, cpuSeconds: 0 };
    row.gpuSeconds += units * seconds;
    row.cpuSeconds += (held.cpuMilli / 1000) * seconds;
    byFlavor.set(flavor, row);
  }
  return [...byFlavor.values()].sort((a, b) => a.flavor.localeCompare(b.flavor));
}

/** The part of [start, end) inside [from, to), in seconds (0 when they do not overlap). */
export function overlapSeconds(start: Date, end: Date, from: Date, to: Date): number {
  const lo = Math.max(start.getTime(), from.getTime());
  const hi = Math.min(end.getTime(), to.getTime());
  return Math.max(0, (hi - lo) / 1000);
}
