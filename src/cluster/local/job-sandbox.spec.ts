import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { JOB_PATH, jobEnv, resolveCommand, resolveWorkingDir, unreachableBy } from './job-sandbox.js';
import { resolveJobIdentity, type UserAccounts } from './job-user.js';

describe('resolveWorkingDir', () => {
  it.each([
    [undefined, { dir: '/h/work/worker-2' }],
    ['src', { dir: '/h/work/src' }],
    ['.', { dir: '/h/work' }],
    ['a/../b', { dir: '/h/work/b' }],
    ['..foo', { dir: '/h/work/..foo' }],
  ])('%s stays inside the job directory', (workingDir, expected) => {
    expect(resolveWorkingDir('/h/work', workingDir, 2)).toEqual(expected);
  });

  it.each(['/', '/etc', '..', '../output', 'a/../../x'])('%s is refused', (workingDir) => {
    expect(resolveWorkingDir('/h/work', workingDir, 0)).toMatchObject({ error: expect.stringContaining('leaves') });
  });
});

describe('jobEnv', () => {
  it('is the fixed PATH, its own HOME and the Beamline env, and the spec may not move the output dir', () => {
    const env = jobEnv('/h/work/worker-0', { RANK: '0', PATH: '/opt/mine', BEAMLINE_OUTPUT_DIR: '/etc' }, '/h/output');
    expect(env).toEqual({ PATH: '/opt/mine', HOME: '/h/work/worker-0', LANG: 'C.UTF-8', RANK: '0', BEAMLINE_OUTPUT_DIR: '/h/output' });
    expect(jobEnv('/w', {}, '/o').PATH).toBe(JOB_PATH);
  });
});

describe('resolveCommand', () => {
  it('looks a bare name up on the given PATH, skipping relative entries, and leaves paths alone', () => {
    expect(resolveCommand('sh', 'relative/bin:/nonexistent:/bin')).toBe('/bin/sh');
    expect(resolveCommand('./train.sh', '/bin')).toBe('./train.sh');
    expect(resolveCommand('no-such-command-xyz', '/bin')).toBe('no-such-command-xyz');
  });
});

describe('unreachableBy', () => {
  it('names the first directory another user cannot enter; root enters everything', () => {
    const closed = mkdtempSync(join(tmpdir(), 'unreachable-')); // 0700, owned by whoever runs the spec
    mkdirSync(join(closed, 'bin'));
    try {
      expect(unreachableBy('/bin/sh', { uid: 12345, gid: 12345 })).toBeUndefined();
      expect(unreachableBy(join(closed, 'bin', 'python3'), { uid: 12345, gid: 12345 })).toBe(closed);
      expect(unreachableBy(join(closed, 'bin', 'python3'), { uid: 0, gid: 0 })).toBeUndefined();
    } finally {
      rmSync(closed, { recursive: true });
    }
  });
});

describe('resolveJobIdentity', () => {
  /** A strict fake: only the accounts in `users`; create() only when allowed. */
  const accounts = (users: Record<string, { uid: number; gid: number }>, canCreate: boolean): UserAccounts => ({
    lookup: (name) => users[name],
    create: (name) => {
      if (!canCreate) throw new Error('useradd: not allowed');
      users[name] = { uid: 998, gid: 997 };
    },
  });
  const root = { uid: 0, gid: 0 };
  const lines: string[] = [];
  const log = (_level: string, line: string) => void lines.push(line);

  it('as root creates the default user when missing, and says so', () => {
    expect(resolveJobIdentity('beamline-job', log, accounts({}, true), root)).toEqual({ mode: 'isolated', user: 'beamline-job', uid: 998, gid: 997 });
    expect(lines.join('\n')).toMatch(/created the system user beamline-job/);
  });

  it('never creates a user the operator named, and refuses instead', () => {
    expect(resolveJobIdentity('trainer', log, accounts({}, true), root)).toMatchObject({ mode: 'refused', reason: expect.stringContaining("'trainer' does not exist") });
  });

  it('refuses with the reason when the default user cannot be created', () => {
    expect(resolveJobIdentity('beamline-job', log, accounts({}, false), root)).toMatchObject({ mode: 'refused' });
  });

  it('not as root: runs jobs as itself and warns that it cannot switch users', () => {
    lines.length = 0;
    expect(resolveJobIdentity('beamline-job', log, accounts({}, false), { uid: 1000, gid: 1000 })).toEqual({ mode: 'shared', uid: 1000, gid: 1000 });
    expect(lines[0]).toMatch(/cannot switch users/);
  });
});
