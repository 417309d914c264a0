import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.js';

describe('loadConfig', () => {
  it('applies embedded defaults when nothing is set', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      BEAMLINE_ROLE: 'all',
      BEAMLINE_HOST: '127.0.0.1',
      BEAMLINE_PORT: 8080,
      BEAMLINE_BODY_LIMIT: 1024 * 1024,
    });
    expect(config.DATABASE_URL).toBeUndefined();
    expect(config.REDIS_URL).toBeUndefined();
  });

  it.each([
    ['BEAMLINE_PORT', 'eighty'],
    ['BEAMLINE_PORT', '70000'],
    ['BEAMLINE_ROLE', 'scheduler'],
    ['DATABASE_URL', 'mysql://localhost/db'],
    ['REDIS_URL', 'not a url'],
    ['BEAMLINE_BODY_LIMIT', 'huge'],
  ])('names %s when its value %j is invalid', (name, value) => {
    expect(() => loadConfig({ [name]: value })).toThrow(ConfigError);
    expect(() => loadConfig({ [name]: value })).toThrow(new RegExp(`${name}:`));
  });

  it('refuses unknown BEAMLINE_ variables (typos)', () => {
    expect(() => loadConfig({ BEAMLINE_PROT: '9000' })).toThrow(/BEAMLINE_PROT: unknown variable/);
  });

  it('parses sizes and accepts real URLs', () => {
    const config = loadConfig({
      BEAMLINE_BODY_LIMIT: '64kb',
      DATABASE_URL: 'postgresql://u:p@db:5432/beamline',
      REDIS_URL: 'redis://cache:6379',
      BEAMLINE_ROLE: 'api',
    });
    expect(config.BEAMLINE_BODY_LIMIT).toBe(65536);
    expect(config.BEAMLINE_ROLE).toBe('api');
  });
});
