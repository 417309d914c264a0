import { z } from 'zod';

/** A limit of `limit` requests per `periodMs`, allowing a burst of `limit` at once. */
export interface Rate {
  limit: number;
  periodMs: number;
}

const UNITS: Record<string, number> = {
  s: 1000,
  sec: 1000,
  second: 1000,
  m: 60_000,
  min: 60_000,
  minute: 60_000,
  h: 3_600_000,
  hr: 3_600_000,
  hour: 3_600_000,
};

const RATE = /^(\d+)\s*\/\s*(\d+)?\s*([a-z]+)$/i;
/** 1 µs per request is the script's resolution (it counts in whole microseconds). */
const MAX_PER_SECOND = 1_000_000;

/**
 * `60/min`, `100/s`, `1000/10s`, `5/hour`; `0` or `off` disables (undefined).
 * Returns an error message for anything else, so config can name the variable.
 */
export function parseRate(value: string): Rate | undefined | { error: string } {
  const text = value.trim().toLowerCase();
  if (text === 'off' || text === '0') return undefined;
  const match = RATE.exec(text);
  const unit = match ? UNITS[match[3]] : undefined;
  if (!match || unit === undefined) {
    return { error: "expected '<count>/<period>' such as 60/min, 100/s or 1000/10s, or 'off'" };
  }
  const limit = Number(match[1]);
  const periodMs = Number(match[2] ?? 1) * unit;
  if (limit === 0) return undefined;
  if (periodMs === 0) return { error: 'the period must be longer than zero' };
  if ((limit * 1000) / periodMs > MAX_PER_SECOND) return { error: `at most ${MAX_PER_SECOND} per second` };
  if (periodMs > 86_400_000) return { error: 'the period must be at most a day' };
  return { limit, periodMs };
}

/** Config field: a rate string validated at boot, `undefined` when disabled. */
export function rateSetting(defaultValue: string) {
  return z
    .string()
    .default(defaultValue)
    .transform((value, ctx): Rate | undefined => {
      const parsed = parseRate(value);
      if (parsed && 'error' in parsed) {
        ctx.addIssue({ code: 'custom', message: parsed.error });
        return z.NEVER;
      }
      return parsed;
    });
}

/** Microseconds between two requests at a steady rate: GCRA's emission interval (at least 1). */
export function emissionIntervalMicros(rate: Rate): number {
  return Math.max(1, Math.round((rate.periodMs * 1000) / rate.limit));
}
