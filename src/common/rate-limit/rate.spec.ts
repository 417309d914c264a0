import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../config/config.js';
import { emissionIntervalMicros, parseRate } from './rate.js';

describe('parseRate', () => {
  it.each([
    ['60/min', { limit: 60, periodMs: 60_000 }],
    ['100/s', { limit: 100, periodMs: 1000 }],
    ['1000/10s', { limit: 1000, periodMs: 10_000 }],
    [' 5 / hour ', { limit: 5, periodMs: 3_600_000 }],
    ['3/M', { limit: 3, periodMs: 60_000 }],
  ])('reads %j', (text, rate) => {
    expect(parseRate(text)).toEqual(rate);
  });

  it.each(['off', 'OFF', '0', '0/min'])('%j disables the limit', (text) => {
    expect(parseRate(text)).toBeUndefined();
  });

  it.each(['60', 'sixty/min', '60/fortnight', '60/0s', '-1/s', '1.5/s', '2000000/s', '1/2day', '10/25h'])('refuses %j', (text) => {
    expect(parseRate(text)).toHaveProperty('error');
  });
});

describe('emissionIntervalMicros', () => {
  it('spaces requests evenly over the period, in whole microseconds, never 0', () => {
    expect(emissionIntervalMicros({ limit: 3, periodMs: 60_000 })).toBe(20_000_000);
    expect(emissionIntervalMicros({ limit: 7, periodMs: 1000 })).toBe(142_857);
    expect(emissionIntervalMicros({ limit: 1_000_000, periodMs: 1000 })).toBe(1);
  });
});

describe('rate limit config', () => {
  it('has defaults a lab does not hit in normal use', () => {
    const config = loadConfig({});
    expect(config.BEAMLINE_RATE_SUBMIT_PER_TOKEN).toEqual({ limit: 60, periodMs: 60_000 });
    expect(config.BEAMLINE_RATE_SUBMIT_PER_PROJECT).toEqual({ limit: 600, periodMs: 60_000 });
    expect(config.BEAMLINE_RATE_INFER_PER_TOKEN).toEqual({ limit: 1000, periodMs: 1000 });
    expect(config.BEAMLINE_RATE_INFER_PER_PROJECT).toEqual({ limit: 5000, periodMs: 1000 });
  });

  it('turns a limit off with off or 0', () => {
    const config = loadConfig({ BEAMLINE_RATE_INFER_PER_TOKEN: 'off', BEAMLINE_RATE_INFER_PER_PROJECT: '0' });
    expect(config.BEAMLINE_RATE_INFER_PER_TOKEN).toBeUndefined();
    expect(config.BEAMLINE_RATE_INFER_PER_PROJECT).toBeUndefined();
  });

  it.each(['BEAMLINE_RATE_SUBMIT_PER_TOKEN', 'BEAMLINE_RATE_SUBMIT_PER_PROJECT', 'BEAMLINE_RATE_INFER_PER_TOKEN', 'BEAMLINE_RATE_INFER_PER_PROJECT'])(
    'refuses a bad %s at boot, naming it',
    (name) => {
      expect(() => loadConfig({ [name]: '60 per minute' })).toThrow(ConfigError);
      expect(() => loadConfig({ [name]: '60 per minute' })).toThrow(new RegExp(`${name}: expected '<count>/<period>'`));
    },
  );
});
