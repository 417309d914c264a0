/** Durations as people type them on the command line. */

const UNITS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86_400, w: 604_800, y: 31_536_000 };

/**
 * Seconds from `3600`, `90s`, `15m`, `12h`, `30d`, `2w` or `1y` (a year is 365 days);
 * undefined when the text is none of these. Only whole numbers: `1.5h` is `90m`.
 */
export function parseDuration(text: string): number | undefined {
  const match = /^(\d+)([smhdwy]?)$/.exec(text.trim());
  if (!match) return undefined;
  return Number(match[1]) * UNITS[match[2] || 's'];
}

/**
 * A point in time from an ISO time or date (`2026-12-01T09:00:00Z`, `2026-12-01` is
 * midnight UTC) or a duration back from `now` (`24h` is a day ago). Undefined when neither.
 */
export function parseTime(text: string, now = new Date()): Date | undefined {
  const seconds = parseDuration(text);
  // A bare number is a duration only with a unit: `2026` alone is neither.
  if (seconds !== undefined && /[smhdwy]$/.test(text.trim())) return new Date(now.getTime() - seconds * 1000);
  if (!/^\d{4}-\d{2}-\d{2}/.test(text.trim())) return undefined;
  const time = new Date(text.trim());
  return Number.isNaN(time.getTime()) ? undefined : time;
}
