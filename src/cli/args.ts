import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { parse as parseYaml } from 'yaml';
import type { Beamline } from '../../sdk/ts/src/index.js';
import { connect } from './config.js';
import { UsageError } from './output.js';

type Option = { type: 'string' | 'boolean'; short?: string; multiple?: boolean };
export type Values = Record<string, string | boolean | string[] | undefined>;

/** Options every client command takes. */
const COMMON: Record<string, Option> = {
  json: { type: 'boolean' },
  url: { type: 'string' },
  token: { type: 'string' },
  project: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
};

export interface Parsed {
  values: Values;
  positionals: string[];
  client: () => Promise<Beamline>;
}

export function parse(argv: string[], options: Record<string, Option> = {}): Parsed {
  let parsed: { values: Values; positionals: string[] };
  try {
    parsed = parseArgs({ args: argv, options: { ...COMMON, ...options }, allowPositionals: true, strict: true }) as typeof parsed;
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const v = parsed.values;
  const client = () => connect({ url: str(v.url), token: str(v.token), project: str(v.project) });
  return { ...parsed, client };
}

export const str = (value: Values[string]) => (typeof value === 'string' ? value : undefined);

export function positional(p: Parsed, index: number, what: string): string {
  const value = p.positionals[index];
  if (value === undefined) throw new UsageError(`missing <${what}>`);
  return value;
}

export function int(value: Values[string], flag: string, min = 0): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) throw new UsageError(`${flag} must be an integer ≥ ${min}, got '${String(value)}'`);
  return n;
}

/** A YAML (or JSON) spec file; `-` reads stdin. */
export async function readSpec(path: string): Promise<Record<string, unknown>> {
  let text: string;
  try {
    text = path === '-' ? await readStdin() : await readFile(path, 'utf8');
  } catch (error) {
    throw new UsageError(`cannot read ${path}: ${(error as Error).message}`);
  }
  let spec: unknown;
  try {
    spec = parseYaml(text);
  } catch (error) {
    throw new UsageError(`${path} is not valid YAML: ${(error as Error).message}`);
  }
  if (typeof spec !== 'object' || spec === null || Array.isArray(spec)) throw new UsageError(`${path} must hold a mapping`);
  return spec as Record<string, unknown>;
}

async function readStdin(): Promise<string> {
  let text = '';
  for await (const chunk of process.stdin) text += chunk;
  return text;
}

/** Seconds as a flag, milliseconds for the SDK. */
export const timeoutMs = (value: Values[string]) => {
  const seconds = int(value, '--timeout', 1);
  return seconds === undefined ? undefined : seconds * 1000;
};
