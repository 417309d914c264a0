// Published results of the FGD simulator (Weng et al., ATC'23; mean of seeds 42-51,
// allocation % at 100 % / 130 % of capacity arrived), as quoted in issue 3.

export interface Published {
  at100: number;
  at130: number;
}

export const PUBLISHED_FGD: Record<string, Published> = {
  default: { at100: 95.23, at130: 95.39 },
  cpu050: { at100: 95.0, at130: 95.21 },
  cpu100: { at100: 95.21, at130: 95.35 },
  cpu200: { at100: 94.82, at130: 95.05 },
  cpu250: { at100: 93.2, at130: 93.41 },
  gpushare40: { at100: 93.96, at130: 94.15 },
  gpushare60: { at100: 91.25, at130: 91.4 },
  gpushare80: { at100: 89.08, at130: 89.3 },
  gpushare100: { at100: 86.64, at130: 86.9 },
  gpuspec10: { at100: 94.66, at130: 94.95 },
  gpuspec20: { at100: 94.66, at130: 94.84 },
  gpuspec25: { at100: 93.91, at130: 94.74 },
  gpuspec33: { at100: 87.84, at130: 94.55 },
  multigpu20: { at100: 95.53, at130: 95.65 },
  multigpu30: { at100: 96.36, at130: 96.46 },
  multigpu40: { at100: 96.91, at130: 96.99 },
  multigpu50: { at100: 97.09, at130: 97.18 },
};

/** Baselines published for the default trace. */
export const PUBLISHED_DEFAULT_BASELINES: Record<string, Published> = {
  'best-fit': { at100: 92.86, at130: 93.08 },
  'gpu-packing': { at100: 91.78, at130: 92.0 },
  random: { at100: 86.3, at130: 87.47 },
  fgd: PUBLISHED_FGD.default,
};

/** The traces with published FGD numbers: what `--trace all` runs. */
export const ALL_TRACES = Object.keys(PUBLISHED_FGD);

export function publishedFor(trace: string, policy: string): Published | undefined {
  if (trace === 'default' && PUBLISHED_DEFAULT_BASELINES[policy]) return PUBLISHED_DEFAULT_BASELINES[policy];
  return policy === 'fgd' ? PUBLISHED_FGD[trace] : undefined;
}
