import { describe, expect, it } from 'vitest';
import { keyProblem, listPrefix, planFiles, PrefixRefused } from './s3-keys.js';

const obj = (key: string, size = 1) => ({ key, size });

describe('listPrefix', () => {
  it.each([
    ['', ''],
    ['images', 'images/'],
    ['images/2026/', 'images/2026/'],
  ])('%j lists %j', (prefix, listed) => expect(listPrefix(prefix)).toBe(listed));
});

describe('keyProblem', () => {
  it.each([
    ['a.csv', undefined],
    ['train/a.csv', undefined],
    ['../etc/passwd', 'path traversal'],
    ['a/../../b', 'path traversal'],
    ['/abs', 'absolute'],
    ['a//b', 'empty part'],
    ['./a', "'.'"],
    ['a\0b', 'NUL'],
    ['dir/', "ends in '/'"],
  ])('%j: %s', (rel, problem) => {
    const got = keyProblem(rel);
    if (problem === undefined) expect(got).toBeUndefined();
    else expect(got).toContain(problem);
  });
});

describe('planFiles', () => {
  it('maps keys to paths under the prefix, sorted, skipping folder markers', () => {
    const plan = planFiles([obj('p/b.txt', 2), obj('p/', 0), obj('p/a/x', 3), obj('p/a/', 0)], 'p', 10);
    expect(plan.map((f) => [f.path, f.size])).toEqual([
      ['a/x', 3],
      ['b.txt', 2],
    ]);
  });

  it('refuses traversal, an absolute path, a file that is also a folder, nothing, and too many bytes', () => {
    const refusal = (objects: Array<{ key: string; size: number }>, limit = 10) => {
      try {
        planFiles(objects, 'p/', limit);
      } catch (error) {
        if (error instanceof PrefixRefused) return { message: error.message, tooLarge: error.tooLarge };
        throw error;
      }
      return undefined;
    };
    expect(refusal([obj('p/../x')])?.message).toContain("'p/../x' has '..'");
    expect(refusal([obj('p//x')])?.message).toContain('absolute');
    expect(refusal([obj('p/a'), obj('p/a/b')])?.message).toContain("'a' is both an object and a folder");
    expect(refusal([obj('p/', 0)])?.message).toContain('no objects');
    expect(refusal([obj('p/a', 6), obj('p/b', 5)])).toEqual({ message: expect.stringContaining('more than 10 bytes'), tooLarge: true });
    expect(refusal([obj('p/a', 5), obj('p/b', 5)])).toBeUndefined();
  });
});
