import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';

/** The pinned Schemathesis (scripts/test-setup.mjs installs it): a new release may generate other inputs. */
export const SCHEMATHESIS = 'schemathesis==4.32.5';

/**
 * The document as Schemathesis can use it. Schemathesis 4.32 still fails on `prefixItems`
 * in some response schemas ("Invalid Schema Object", upstream issues #3842 and #4099), so a
 * tuple whose items all have one schema (zod's `z.tuple([n, n])`) is written as the
 * equivalent `items` plus length bounds; nothing else changes, and the served document keeps
 * its exact 3.1 form.
 */
export function forSchemathesis(doc: unknown): unknown {
  if (Array.isArray(doc)) return doc.map(forSchemathesis);
  if (doc === null || typeof doc !== 'object') return doc;
  const out = Object.fromEntries(Object.entries(doc).map(([k, v]) => [k, forSchemathesis(v)])) as Record<string, unknown>;
  const prefix = out.prefixItems;
  if (Array.isArray(prefix) && prefix.length > 0 && prefix.every((p) => JSON.stringify(p) === JSON.stringify(prefix[0]))) {
    delete out.prefixItems;
    out.items = prefix[0];
    out.minItems ??= prefix.length;
    out.maxItems ??= prefix.length;
  }
  return out;
}

export interface FuzzCounts {
  operations: Map<string, { cases: number; statuses: Record<string, number> }>;
  cases: number;
  failures: number;
  errors: number;
}

/**
 * Counts from Schemathesis's NDJSON report: one ScenarioFinished event per scenario, with
 * the recorded interactions. Read loosely (the field names are Schemathesis's, not ours),
 * so a format change shows up as zero cases, which the test refuses.
 */
export async function readCounts(file: string): Promise<FuzzCounts> {
  const counts: FuzzCounts = { operations: new Map(), cases: 0, failures: 0, errors: 0 };
  for (const line of (await readFile(file, 'utf8')).split('\n')) {
    if (!line.trim()) continue;
    const event = JSON.parse(line) as Record<string, Record<string, unknown>>;
    const [kind, body] = Object.entries(event)[0] ?? [];
    if (kind === 'NonFatalError') counts.errors++;
    if (kind !== 'ScenarioFinished' || !body) continue;
    const recorder = body.recorder as { label?: string; interactions?: Record<string, { response?: { status_code?: number } | null }>; checks?: Record<string, { status?: string }[]> } | undefined;
    for (const interaction of Object.values(recorder?.interactions ?? {})) {
      const label = String((interaction as { label?: string }).label ?? recorder?.label ?? '?');
      const op = counts.operations.get(label) ?? { cases: 0, statuses: {} };
      const status = String(interaction.response?.status_code ?? 'no response');
      op.cases++;
      op.statuses[status] = (op.statuses[status] ?? 0) + 1;
      counts.operations.set(label, op);
      counts.cases++;
    }
    for (const results of Object.values(recorder?.checks ?? {})) counts.failures += results.filter((r) => r.status === 'FAILURE').length;
  }
  return counts;
}

/** `python3 <args>`, output kept and streamed to stderr as it comes (a long run shows progress). */
export function runPython3(args: string[], cwd: string, timeoutMs: number): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('python3', args, { cwd, env: { ...process.env, PYTHONUNBUFFERED: '1', SCHEMATHESIS_TELEMETRY: 'false', NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const take = (d: Buffer) => (output += d.toString());
    child.stdout.on('data', take);
    child.stderr.on('data', take);
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}
