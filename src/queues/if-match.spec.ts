import { describe, expect, it } from 'vitest';
import { AppError, ErrorCode } from '../common/errors/app-error.js';
import { requireIfMatch } from './if-match.js';

const codeOf = (fn: () => unknown): string | undefined => {
  try {
    fn();
    return undefined;
  } catch (error) {
    return (error as AppError).code;
  }
};

describe('requireIfMatch', () => {
  it.each([
    ['"3"', 3],
    ['3', 3],
    ['W/"3"', 3],
    ['"2", "3"', 3],
    ['*', 7],
  ])('accepts %s', (header, current) => {
    expect(requireIfMatch(header, current)).toBe(current);
  });

  it.each([
    [undefined, ErrorCode.PreconditionRequired],
    ['', ErrorCode.PreconditionRequired],
    ['"2"', ErrorCode.PreconditionFailed],
    ['abc', ErrorCode.ValidationFailed],
  ])('refuses %s', (header, code) => {
    expect(codeOf(() => requireIfMatch(header, 3))).toBe(code);
  });
});
