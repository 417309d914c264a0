import { describe, expect, it } from 'vitest';
import { parseDuration, parseTime } from './duration.js';

describe('parseDuration', () => {
  it.each([
    ['3600', 3600],
    ['90s', 90],
    ['15m', 900],
    ['12h', 43_200],
    ['30d', 2_592_000],
    ['2w', 1_209_600],
    ['1y', 31_536_000],
    [' 5m ', 300],
  ])('%s is %i seconds', (text, seconds) => expect(parseDuration(text)).toBe(seconds));

  it.each(['', 'd', '1.5h', '-5m', '10x', '3 days', '1h30m'])('refuses %j', (text) => expect(parseDuration(text)).toBeUndefined());
});

describe('parseTime', () => {
  const now = new Date('2026-12-10T12:00:00Z');
  it.each([
    ['24h', '2026-12-09T12:00:00.000Z'],
    ['30m', '2026-12-10T11:30:00.000Z'],
    ['2026-12-01', '2026-12-01T00:00:00.000Z'],
    ['2026-12-01T09:00:00Z', '2026-12-01T09:00:00.000Z'],
    ['2026-12-01T09:00:00+02:00', '2026-12-01T07:00:00.000Z'],
  ])('%s is %s', (text, iso) => expect(parseTime(text, now)?.toISOString()).toBe(iso));

  it.each(['yesterday', '2026', '3600', '2026-13-45', ''])('refuses %j', (text) => expect(parseTime(text, now)).toBeUndefined());
});
