import { describe, expect, it } from 'vitest';
import { unstorableReason, unstorableText } from './storable-text.js';

describe('unstorableText', () => {
  it.each([
    ['plain', 'hello', false],
    ['emoji (a surrogate pair)', 'ok \u{1F600}', false],
    ['NUL', 'a\u0000b', true],
    ['lone high surrogate', 'a\uD83D', true],
    ['lone low surrogate', '\uDE00b', true],
    ['pair in the wrong order', '\uDE00\uD83D', true],
  ])('%s', (_, text, bad) => {
    expect(unstorableReason(text) !== undefined).toBe(bad);
  });

  it('names every bad value and key by its dotted path under the root', () => {
    const problems = unstorableText({ tags: ['ok', 'x\u0000'], env: { 'K\u0000': 'v', A: '\uD800' }, n: 3 }, 'spec');
    expect(problems.map((p) => p.field)).toEqual(['spec.tags.1', 'spec.env.K\u0000', 'spec.env.A']);
    expect(problems[1].message).toMatch(/^its name/);
  });

  it('names a bad root string as (root)', () => {
    expect(unstorableText('\u0000')).toEqual([{ field: '(root)', message: expect.stringMatching(/NUL/) }]);
  });
});
