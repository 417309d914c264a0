import { BeamlineError, JobFailedError, NotFound, RolloutFailed, WaitTimeout } from '../../sdk/ts/src/index.js';

/** Wrong arguments: exit 2 with the command's usage. */
export class UsageError extends Error {}

/** A command that ran but did not get what was asked: exit `code`. */
export class CommandFailed extends Error {
  constructor(
    message: string,
    readonly code: number,
  ) {
    super(message);
  }
}

/** The exit codes of docs/cli.md; scripts branch on them. */
export function exitCodeFor(error: unknown): number {
  if (error instanceof UsageError) return 2;
  if (error instanceof CommandFailed) return error.code;
  if (error instanceof NotFound) return 3;
  if (error instanceof JobFailedError) return 7;
  if (error instanceof WaitTimeout || error instanceof RolloutFailed) return 6;
  if (error instanceof BeamlineError) return error.status === 0 || error.status >= 500 ? 5 : 4;
  return 1;
}

/** stdout carries only the result (tables for people, one JSON document with --json); everything else goes to stderr. */
export class Output {
  constructor(readonly json: boolean) {}

  result(value: unknown, human: () => string): void {
    process.stdout.write(this.json ? `${JSON.stringify(value, null, 2)}\n` : human());
  }

  progress(line: string): void {
    process.stderr.write(`${line}\n`);
  }

  failure(error: unknown): void {
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`error: ${message}\n`);
    if (!this.json) return;
    const details =
      error instanceof BeamlineError
        ? { status: error.status, code: error.code, errors: error.errors }
        : error instanceof JobFailedError
          ? { job: error.job, reason: error.reason, detail: error.detail, logTail: error.logTail }
          : {};
    process.stdout.write(`${JSON.stringify({ error: { message, exitCode: exitCodeFor(error), ...details } }, null, 2)}\n`);
  }
}

/** Plain aligned columns; nulls print as '-'. */
export function table(headers: string[], rows: unknown[][]): string {
  const cells = [headers, ...rows.map((row) => row.map((c) => (c === null || c === undefined || c === '' ? '-' : String(c))))];
  const widths = headers.map((_, i) => Math.max(...cells.map((row) => row[i].length)));
  return cells.map((row) => row.map((c, i) => (i === row.length - 1 ? c : c.padEnd(widths[i]))).join('  ')).join('\n') + '\n';
}

/** `key: value` lines for one object. */
export function fields(pairs: [string, unknown][]): string {
  return table(['FIELD', 'VALUE'], pairs.map(([k, v]) => [k, typeof v === 'object' && v !== null ? JSON.stringify(v) : v])).split('\n').slice(1).join('\n');
}

/** A `fields` pair only when the value is there: for rows that exist in some states only (a Queued job's reason). */
export const present = (key: string, value: unknown): [string, unknown][] => (value === null || value === undefined ? [] : [[key, value]]);
