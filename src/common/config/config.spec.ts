import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.js';
import { CLIENT_VARIABLES, configSchema } from './config.schema.js';

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

  it('never echoes a credential it refuses: database and Redis URLs, tokens, secrets', () => {
    const secret = 'hunter2-hunter2';
    for (const [name, value] of [
      ['DATABASE_URL', `mysql://root:${secret}@db/x`],
      ['REDIS_URL', `http://:${secret}@cache`],
      ['BEAMLINE_ADMIN_TOKEN', secret],
      ['BEAMLINE_REPLICA_SECRET', secret],
    ]) {
      expect(() => loadConfig({ [name]: value })).toThrow(new RegExp(`${name}: .*a value of ${value.length} characters, not shown`));
      expect(() => loadConfig({ [name]: value })).not.toThrow(new RegExp(secret));
    }
    // Other values are echoed: they help and hide nothing.
    expect(() => loadConfig({ BEAMLINE_PORT: 'eighty' })).toThrow(/\(got "eighty"\)/);
  });

  it('puts every problem on one line (a crash-looping pod shows its last line)', () => {
    expect(() => loadConfig({ BEAMLINE_PORT: 'x', BEAMLINE_ROLE: 'y' })).toThrow(/^Invalid configuration: [^\n]*BEAMLINE_ROLE[^\n]*; [^\n]*BEAMLINE_PORT[^\n]*$/);
  });

  it('takes an installer-chosen admin token only in the format tokens have', () => {
    const token = `bl_${'A'.repeat(43)}`;
    expect(loadConfig({ BEAMLINE_ADMIN_TOKEN: token }).BEAMLINE_ADMIN_TOKEN).toBe(token);
    expect(() => loadConfig({ BEAMLINE_ADMIN_TOKEN: 'bl_short' })).toThrow(/BEAMLINE_ADMIN_TOKEN: expected 'bl_'/);
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

  it('ignores the clients\' variables (SDK, CLI, training workers) that a shell may export', () => {
    const config = loadConfig({ BEAMLINE_URL: 'http://127.0.0.1:8080', BEAMLINE_TOKEN: 'bl_x', BEAMLINE_PROJECT: 'demo', BEAMLINE_CONFIG_DIR: '/tmp/c' });
    expect(config.BEAMLINE_PORT).toBe(8080);
    // ...and still names a typo beside them.
    expect(() => loadConfig({ BEAMLINE_URL: 'http://x', BEAMLINE_TOKN: 'bl_x' })).toThrow(/BEAMLINE_TOKN: unknown variable/);
  });

  describe('BEAMLINE_PUBLIC_URL with the kubernetes driver (issue 20)', () => {
    const k8s = { BEAMLINE_CLUSTER_DRIVER: 'kubernetes' };
    it.each([
      ['missing', {}],
      ['127.0.0.1', { BEAMLINE_PUBLIC_URL: 'http://127.0.0.1:8080' }],
      ['localhost', { BEAMLINE_PUBLIC_URL: 'http://localhost:8080/' }],
      ['::1', { BEAMLINE_PUBLIC_URL: 'http://[::1]:8080' }],
      ['0.0.0.0', { BEAMLINE_PUBLIC_URL: 'http://0.0.0.0:8080' }],
      ['loopback even in the cluster', { BEAMLINE_PUBLIC_URL: 'http://127.0.0.2:8080', KUBERNETES_SERVICE_HOST: '10.96.0.1' }],
    ])('refuses it %s, naming the variable', (_, env) => {
      expect(() => loadConfig({ ...k8s, ...env })).toThrow(ConfigError);
      expect(() => loadConfig({ ...k8s, ...env })).toThrow(/BEAMLINE_PUBLIC_URL: .*BEAMLINE_CLUSTER_DRIVER=kubernetes/);
    });

    it('accepts an address pods can reach, and a missing one when the API runs in the cluster', () => {
      expect(loadConfig({ ...k8s, BEAMLINE_PUBLIC_URL: 'http://beamline-api.beamline.svc:8080' }).BEAMLINE_PUBLIC_URL).toBe('http://beamline-api.beamline.svc:8080');
      expect(loadConfig({ ...k8s, BEAMLINE_PUBLIC_URL: 'https://beamline.lab.example' }).BEAMLINE_CLUSTER_DRIVER).toBe('kubernetes');
      expect(loadConfig({ ...k8s, KUBERNETES_SERVICE_HOST: '10.96.0.1' }).BEAMLINE_PUBLIC_URL).toBeUndefined();
    });

    it('leaves the loopback default to the local driver', () => {
      expect(loadConfig({}).BEAMLINE_PUBLIC_URL).toBeUndefined();
      expect(loadConfig({ BEAMLINE_CLUSTER_DRIVER: 'local', BEAMLINE_PUBLIC_URL: 'http://127.0.0.1:8080' }).BEAMLINE_PUBLIC_URL).toBe('http://127.0.0.1:8080');
    });
  });

  it('lists every BEAMLINE_* variable the SDKs and CLI read', () => {
    // A client variable added to an SDK without adding it here would make `npm start` exit 78 for its users.
    const read = new Set<string>();
    const pattern = /(?:process\.env\.|process\.env\[['"]|os\.environ(?:\.get\(|\[)["'])(BEAMLINE_[A-Z_]+)/g;
    for (const dir of ['sdk/python/src/beamline', 'sdk/ts/src', 'src/cli']) {
      for (const file of readdirSync(dir, { recursive: true, encoding: 'utf8' })) {
        if (!/\.(py|ts)$/.test(file) || file.endsWith('.d.ts')) continue;
        for (const m of readFileSync(join(dir, file), 'utf8').matchAll(pattern)) read.add(m[1]);
      }
    }
    expect(read.size).toBeGreaterThan(0);
    const unlisted = [...read].filter((name) => !CLIENT_VARIABLES.includes(name) && !(name in configSchema.shape));
    expect(unlisted).toEqual([]);
  });
});

