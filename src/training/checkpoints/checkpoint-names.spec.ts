import { mkdtemp, mkdir, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { resumeName, scanCheckpoints, stepOf } from './checkpoint-names.js';

describe('checkpoint names', () => {
  it.each([
    ['step-0', 0],
    ['step-12', 12],
    ['step-012', undefined],
    ['.tmp-step-12', undefined],
    ['step-12.tmp', undefined],
    ['step-', undefined],
    ['step-1234567890', undefined],
  ])('%s → %s', (name, step) => expect(stepOf(name)).toBe(step));

  it('offers the highest recorded step that still exists, or the highest recorded when existence is unknown', () => {
    const recorded = [{ step: 3, name: 'step-3' }, { step: 9, name: 'step-9' }, { step: 5, name: 'step-5' }];
    expect(resumeName(recorded)).toBe('step-9');
    expect(resumeName(recorded, new Set(['step-3', 'step-5']))).toBe('step-5');
    expect(resumeName(recorded, new Set())).toBeUndefined();
    expect(resumeName([])).toBeUndefined();
  });

  it('scans only whole entries: files and directories named step-<n>, never temp names or symlinks', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ckpt-scan-'));
    try {
      await writeFile(join(dir, 'step-1'), 'abc');
      await mkdir(join(dir, 'step-2'));
      await writeFile(join(dir, 'step-2', 'weights'), '12345');
      await writeFile(join(dir, '.tmp-step-3'), 'partial');
      await symlink('/etc/passwd', join(dir, 'step-4'));
      expect(await scanCheckpoints(dir)).toEqual([
        { step: 1, name: 'step-1', sizeBytes: 3 },
        { step: 2, name: 'step-2', sizeBytes: 5 },
      ]);
      expect(await scanCheckpoints(join(dir, 'missing'))).toEqual([]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
