import { z } from 'zod';
import { memoryBudgetSchema, repositoryModelsSchema, modelChoiceProblem } from './model-repository-config.js';

/**
 * The runtime's settings: each is a CLI flag and the same by environment variable
 * (`--max-batch-size` is `BEAMLINE_RUNTIME_MAX_BATCH_SIZE`), so a container sets env and
 * a person types flags. Flags win over env. Unknown flags and unknown
 * BEAMLINE_RUNTIME_* variables are errors: a typo must not fall back to a default.
 */
const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);
const onOff = z.enum(['on', 'off', 'true', 'false']).transform((v) => v === 'on' || v === 'true');

const fields = {
  /** One model; or `models` (model-repository-config.ts) for a multi-model replica. Exactly one of them. */
  model: z.string().min(1, 'give a registry URL or a local .onnx path').optional(),
  models: repositoryModelsSchema.optional(),
  memoryBudget: memoryBudgetSchema.optional(),
  name: z.string().regex(/^[A-Za-z0-9][-_.A-Za-z0-9]*$/, 'letters, digits, - _ .').optional(),
  version: z.string().regex(/^[A-Za-z0-9][-_.A-Za-z0-9]*$/, 'letters, digits, - _ .').optional(),
  token: z.string().min(1).optional(),
  /**
   * When set, the V2 model and server-metadata routes need `Authorization: Bearer <it>`:
   * the platform gives each endpoint's replicas one and its proxy sends it. Health and
   * /metrics stay open (probes, scraping). Give it by env, not flag: argv is world-readable.
   */
  replicaToken: z.string().min(16, 'at least 16 characters').optional(),
  host: z.string().min(1).default('0.0.0.0'),
  port: int(0, 65535).default(8080),
  cacheDir: z.string().min(1).default('.beamline/model-cache'),
  variables: z.string().min(1).optional(),
  executionProviders: z
    .string()
    .transform((v) => v.split(',').map((s) => s.trim().toLowerCase()).filter(Boolean))
    .pipe(z.array(z.enum(['cpu', 'webgpu', 'cuda'])).min(1))
    .default(['cpu']),
  /**
   * When the asked providers cannot start (no GPU, no driver, provider library not
   * installed): on, warn and serve on CPU; off, fail to load (the replica never turns
   * ready and its log says why). Endpoints asking for a GPU provider set it off: a replica
   * holding a GPU while computing on CPU is the silent failure a lab pays for longest.
   */
  providerFallback: onOff.default(true),
  intraOpThreads: int(0, 1024).default(0),
  intraOpSpinning: onOff.default(false),
  batching: onOff.default(true),
  maxBatchSize: int(1, 65_536).default(64),
  maxQueueDelayMicros: int(0, 10_000_000).default(0),
  /** After a run, wait up to this fraction of its time for the callers it answered (batcher.ts, step 3); 0 (off) until a run shows it pays. */
  returnWaitFraction: z.coerce.number().min(0).max(1).default(0),
  rangePolicy: z.enum(['refuse', 'warn']).optional(),
  maxBodyBytes: int(1024, 2 ** 31).default(64 * 1024 * 1024),
  drainSeconds: z.coerce.number().min(0).max(600).default(2),
  graceSeconds: z.coerce.number().min(0).max(3600).default(30),
  logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'silent']).default('info'),
};

const schema = z.strictObject(fields);
export type RuntimeConfig = z.output<typeof schema>;
type Key = keyof typeof fields;

const flagOf = (key: string) => `--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
const envOf = (key: string) => `BEAMLINE_RUNTIME_${key.replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase()}`;

export class RuntimeConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid runtime configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}\n(see beamline runtime --help)`);
  }
}

export const RUNTIME_USAGE = `usage: beamline runtime --model <registry version URL | path.onnx> [options]
       beamline runtime --models <JSON list | @file.json> --memory-budget <1Gi> [options]

Every option is also an environment variable: --max-batch-size is BEAMLINE_RUNTIME_MAX_BATCH_SIZE.
${Object.keys(fields)
  .map((k) => `  ${flagOf(k).padEnd(26)} ${envOf(k)}`)
  .join('\n')}
`;

/** Parses argv and env into a validated config; every problem names its flag and variable. */
export function loadRuntimeConfig(argv: readonly string[], env: NodeJS.ProcessEnv): RuntimeConfig {
  const keys = Object.keys(fields) as Key[];
  const byFlag = new Map(keys.map((k) => [flagOf(k), k]));
  const byEnv = new Map(keys.map((k) => [envOf(k), k]));
  const problems: string[] = [];
  const raw: Partial<Record<Key, string>> = {};
  for (const [name, value] of Object.entries(env)) {
    if (!name.startsWith('BEAMLINE_RUNTIME_') || value === undefined || value === '') continue;
    const key = byEnv.get(name);
    if (key) raw[key] = value;
    else problems.push(`${name}: unknown variable`);
  }
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const eq = arg.indexOf('=');
    const flag = eq > 0 ? arg.slice(0, eq) : arg;
    const key = byFlag.get(flag);
    if (!key) {
      problems.push(`${flag}: unknown option`);
      // Skip its value too, so one typo is one problem.
      if (eq < 0 && argv[i + 1] !== undefined && !argv[i + 1].startsWith('--')) i++;
      continue;
    }
    const value = eq > 0 ? arg.slice(eq + 1) : argv[++i];
    if (value === undefined) problems.push(`${flag}: needs a value`);
    else raw[key] = value;
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const key = String(issue.path[0] ?? '');
      const got = raw[key as Key];
      problems.push(`${flagOf(key)} (${envOf(key)}): ${issue.message}${got === undefined ? '' : ` (got ${JSON.stringify(got)})`}`);
    }
  }
  const choice = parsed.success ? modelChoiceProblem(parsed.data) : undefined;
  if (choice) problems.push(choice);
  if (problems.length > 0) throw new RuntimeConfigError(problems);
  return parsed.data!;
}
