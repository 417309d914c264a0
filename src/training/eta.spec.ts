import { describe, expect, it } from 'vitest';
import { estimateStart, expectedEnd, type HeldDevices } from './eta.js';

const now = 1_000_000;
const held = (gpus: number, endsIn: number | null, extra: Partial<HeldDevices> = {}): HeldDevices => ({
  gpus,
  products: ['H100'],
  since: now - 100_000,
  timeoutSeconds: endsIn === null ? null : (100_000 + endsIn) / 1000,
  observedSeconds: null,
  ...extra,
});

describe('expectedEnd', () => {
  it('takes the observed median capped by the timeout, the timeout alone, or nothing', () => {
    const since = now - 10_000;
    expect(expectedEnd({ gpus: 1, products: [], since, timeoutSeconds: 60, observedSeconds: 30 }, now)).toBe(since + 30_000);
    expect(expectedEnd({ gpus: 1, products: [], since, timeoutSeconds: 20, observedSeconds: 30 }, now)).toBe(since + 20_000);
    expect(expectedEnd({ gpus: 1, products: [], since, timeoutSeconds: 60, observedSeconds: null }, now)).toBe(since + 60_000);
    expect(expectedEnd({ gpus: 1, products: [], since, timeoutSeconds: null, observedSeconds: null }, now)).toBeNull();
  });

  it('says "any moment" for an attempt already past its estimate', () => {
    expect(expectedEnd({ gpus: 1, products: [], since: now - 90_000, timeoutSeconds: 60, observedSeconds: null }, now)).toBe(now);
  });
});

describe('estimateStart', () => {
  const capacity = { H100: 8, A100: 4 };

  it('is now when enough devices are free already', () => {
    expect(estimateStart({ now, needed: 2, products: ['H100'], capacity, held: [held(6, 5000)] })).toBe(now);
  });

  it('is the end of the attempt that frees the last device needed, in order of expected end', () => {
    const input = { now, needed: 4, products: ['H100'], capacity, held: [held(4, 9000), held(2, 3000), held(2, 5000)] };
    // free 0; +2 at 3 s, +2 at 5 s → 4
    expect(estimateStart(input)).toBe(now + 5000);
  });

  it('counts what is ahead in the queue as needed too', () => {
    const input = { now, needed: 6, products: ['H100'], capacity, held: [held(4, 9000), held(2, 3000), held(2, 5000)] };
    expect(estimateStart(input)).toBe(now + 9000);
  });

  it('ignores devices of products the job does not accept', () => {
    const input = { now, needed: 2, products: ['H100'], capacity, held: [held(8, 7000), held(4, 1000, { products: ['A100'] })] };
    expect(estimateStart(input)).toBe(now + 7000);
  });

  it('is unknown when the attempts in the way have neither timeout nor observed runtime', () => {
    expect(estimateStart({ now, needed: 2, products: ['H100'], capacity, held: [held(8, null)] })).toBeNull();
  });

  it('is unknown when the cluster does not have that many devices at all', () => {
    expect(estimateStart({ now, needed: 9, products: ['H100'], capacity, held: [] })).toBeNull();
    expect(estimateStart({ now, needed: 1, products: ['B200'], capacity, held: [] })).toBeNull();
  });

  it('takes any product when the job names none', () => {
    expect(estimateStart({ now, needed: 12, products: [], capacity, held: [held(1, 2000)] })).toBe(now + 2000);
  });
});
