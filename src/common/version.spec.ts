import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { PLATFORM_IMAGE, PLATFORM_VERSION } from './version.js';

describe('PLATFORM_VERSION', () => {
  it("is package.json's version, so the default runtime image is this release's", () => {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
    expect(PLATFORM_VERSION).toBe(pkg.version);
    expect(PLATFORM_IMAGE.endsWith(`:${pkg.version}`)).toBe(true);
  });
});
