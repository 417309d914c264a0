import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { consoleFile, defaultConsoleDir } from './console-files.js';
import { consoleCsp } from './console.controller.js';

const root = mkdtempSync(join(tmpdir(), 'console-files-'));
writeFileSync(join(root, 'index.html'), '<!doctype html>');
writeFileSync(join(root, 'app.js'), '');
mkdirSync(join(root, 'sub'));

describe('consoleFile', () => {
  it.each([
    ['app.js', 'app.js'],
    ['/app.js', 'app.js'],
    ['index.html', 'index.html'],
    ['p/lab/jobs/123', undefined], // an app URL, not a file: the caller answers index.html
    ['sub', undefined], // a folder
    ['', undefined],
    ['../package.json', undefined],
    ['sub/../../package.json', undefined],
    ['sub/../app.js', 'app.js'],
  ])('%s → %s', (name, expected) => {
    expect(consoleFile(root, name)).toBe(expected);
  });
});

describe('defaultConsoleDir', () => {
  it('is dist/ui of the nearest folder above that holds package.json', () => {
    expect(defaultConsoleDir(join(root, 'sub'))).not.toContain(root); // no package.json there: it climbs past
    writeFileSync(join(root, 'package.json'), '{}');
    expect(defaultConsoleDir(join(root, 'sub'))).toBe(join(root, 'dist', 'ui'));
  });
});

describe('consoleCsp', () => {
  it("lets the page fetch only from itself, and from the issuer's origin when the console has SSO", () => {
    expect(consoleCsp({})).toContain("connect-src 'self';");
    expect(consoleCsp({ BEAMLINE_OIDC_ISSUER: 'https://idp.example.com/realms/lab' })).toContain("connect-src 'self';");
    const csp = consoleCsp({ BEAMLINE_OIDC_ISSUER: 'https://idp.example.com/realms/lab', BEAMLINE_OIDC_CONSOLE_CLIENT_ID: 'beamline-console' });
    expect(csp).toContain("connect-src 'self' https://idp.example.com;");
    expect(csp).toContain("script-src 'self';");
    expect(csp).toContain("form-action 'self';");
  });
});
